"""The rule: every mistake the hidden tests name is also caught by the visible checks, or the notebook says why not.

The named mistakes are read from the grader's own sources, never copied by hand, as the judge
reports them (autograder/checks/judge.py puts each in a check's ``mistake``): the catalogue of wrong
implementations ``autograder.reference.mistakes.MISTAKES`` and its ``DETACHED``; the probe's error
hints ``autograder.inside.probe.ERROR_HINTS``; and the hints written into the code of probe.py,
matching.py and judge.py (a string after " Hint: ", an entry of a ``hints`` collection, a shape
hint). Code hints name no exercise; they are matched against every exercise's slips.

A slip of the catalogue (tests/notebooks/mutants.py) makes a named mistake when the notebook's hidden
tests, run on every case as the grader runs them, name it. The visible checks alone must then fail on
that slip with the message its entry gives. A named mistake that no slip makes must be listed in its
notebook under a "left to grading" heading, as a line that names it and says why.
"""
import ast
import contextlib
import functools
import io
import re
from importlib import import_module
from pathlib import Path
from typing import NamedTuple

import pytest
from test_mutants import HIDDEN, IMPLEMENTATION, _base, _run

from autograder.checks import cases
from autograder.exercises import BY_ID
from autograder.reference import mistakes
from cells import source
from mutants import SLIPS, slip

probe = import_module("autograder.inside.probe")  # autograder.checks re-exports the function `probe` under this name
CODE_SOURCES = tuple(import_module(f"autograder.{name}")
                     for name in ("inside.probe", "inside.matching", "checks.judge"))
ROOT_DIR = Path(mistakes.__file__).parents[2]


class Named(NamedTuple):
    exercise: str  # the exercise it is named for; "" for a code hint, which names none
    text: str  # what the hidden check's message says, a fixed part of it for a code hint
    origin: str  # where it is defined, for the failure message

    @property
    def name(self) -> str:
        """The mistake's short name: the message up to its first colon (what it is, before what to do)."""
        return self.text.split(": ")[0].strip()


def _constants(node) -> list:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def _fixed_part(pieces: list) -> str:
    """The longest fixed piece of a message built from constants and placeholders."""
    pieces = [p.strip(" :.;,") for p in pieces]
    return max(pieces, key=len) if pieces else ""


def _in_function(function: ast.FunctionDef) -> list:
    found, inside_fstrings = [], set()
    for node in ast.walk(function):
        if isinstance(node, ast.JoinedStr):
            parts = [v.value if isinstance(v, ast.Constant) else None for v in node.values]
            inside_fstrings.update(id(v) for v in node.values)
            for i, part in enumerate(parts):
                if part is not None and "Hint: " in part:  # the fixed text after " Hint: " up to the message's end
                    found.append(_fixed_part([part.split("Hint: ", 1)[1]] + [p for p in parts[i + 1:] if p]))
        target = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "append":
            target, values = node.func.value, node.args
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript):
            target, values = node.targets[0].value, [node.value]
        if isinstance(target, ast.Name) and target.id == "hints":
            found += [_fixed_part(_constants(v)) for v in values]
        if function.name == "_shape_hint" and isinstance(node, ast.Return):
            found.append(_fixed_part(_constants(node.value)))
    docstring = ast.get_docstring(function, clean=False)
    for node in ast.walk(function):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str) and "Hint: " in node.value
                and id(node) not in inside_fstrings and node.value != docstring):
            found.append(_fixed_part([node.value.split("Hint: ", 1)[1]]))
    return found


def code_hints(module) -> list:
    """Fixed parts of the hints written into a module's functions."""
    tree = ast.parse(Path(module.__file__).read_text("utf-8"))
    texts = [t for f in ast.walk(tree) if isinstance(f, ast.FunctionDef) for t in _in_function(f)]
    return [t for t in dict.fromkeys(texts) if len(t) >= 12]  # a bare "(" or "this case has" names nothing


def named_mistakes() -> list:
    """Every (exercise, mistake) the hidden checks can report, one entry each, in a stable order."""
    found = [Named(e, m.message, "autograder/reference/mistakes.py MISTAKES")
             for m in mistakes.MISTAKES for e in m.exercises]
    found += [Named(e, mistakes.DETACHED, "autograder/reference/mistakes.py DETACHED")
              for e in BY_ID if e != "eca_kernel_size"]  # the judge checks gradients of every module and squeeze
    found += [Named(e, hint, "autograder/inside/probe.py ERROR_HINTS")
              for exercises, _, hint in probe.ERROR_HINTS for e in exercises]
    found += [Named("", text, Path(m.__file__).relative_to(ROOT_DIR).as_posix()) for m in CODE_SOURCES
              for text in code_hints(m)]
    return list(dict.fromkeys(found))


HIDDEN_CALL = re.compile(r"check\(\s*[\"'](\w+)[\"']\s*,\s*(\w+)\s*\)")
judge_module = import_module("autograder.checks.judge")


def _words(text: str) -> str:
    """Lower case, one space between words, markdown's code and emphasis marks dropped."""
    return re.sub(r"\s+", " ", re.sub(r"[`*]", "", text)).strip().lower()


@functools.lru_cache(maxsize=None)
def hidden_messages(exercise_id: str, index: int) -> str:
    """Every failure message the hidden tests give slip ``index`` of ``exercise_id``, over every case.

    The hidden tests' call ``check(exercise, Name)`` is read from the test cell; like the grader (and
    unlike check(), which stops at the first failure) every case is judged, so a mistake that shows
    only on a later case is found too.
    """
    base, edits, _ = SLIPS[exercise_id][index]
    namespace, cell = _base(exercise_id)
    hidden = cell.split(HIDDEN, 1)[1]
    calls = HIDDEN_CALL.findall(hidden)
    assert calls, f"{exercise_id}: no check(...) call in the hidden tests"
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(slip(base, edits), IMPLEMENTATION, "exec"), namespace)
    messages = []
    for exercise, name in calls:
        for case in cases(exercise):
            try:
                results = probe.probe(namespace[name], case)
            except AssertionError as error:
                messages.append(judge_module.error_verdict(exercise, case, str(error)).message)
                continue
            verdict = judge_module.judge(exercise, case, results)
            messages.append("" if verdict.passed else verdict.message)
    return "\n".join(messages)


def slips_making(named: Named) -> list:
    """(exercise, index) of every slip whose hidden-test messages name the mistake."""
    exercises = [named.exercise] if named.exercise else list(SLIPS)
    return [(e, i) for e in exercises for i in range(len(SLIPS[e]))
            if _words(named.text) in _words(hidden_messages(e, i))]


def left_to_grading(named: Named) -> list:
    """Lines of the notebook's markdown, under a "left to grading" heading, that name the mistake."""
    stems = [BY_ID[named.exercise].notebook] if named.exercise else sorted({e.notebook for e in BY_ID.values()})
    lines = []
    for stem in stems:
        for cell in source(stem).cells:
            if cell.cell_type == "markdown" and "left to grading" in cell.source.lower():
                lines += [line for line in cell.source.splitlines()
                          if _words(named.name) in _words(line) and len(line) > len(named.name) + 20]  # and why
    return lines


NAMED = named_mistakes()


def _params():
    for named in NAMED:
        yield pytest.param(named, id=f"{named.exercise or 'any'}:{named.name[:40]}")


def test_the_named_mistakes_are_read_from_every_source():
    origins = {n.origin for n in NAMED}
    assert len(NAMED) >= len(mistakes.MISTAKES) + len(probe.ERROR_HINTS)
    assert {"autograder/inside/probe.py", "autograder/inside/matching.py", "autograder/checks/judge.py"} <= origins
    texts = [_words(n.text) for n in NAMED]
    for known in ("use bias=False", "pass gamma and b on", "keep the pooled dimensions",
                  "must use the input's device"):  # one hint written into each function that makes them
        assert any(known.lower() in t for t in texts), known


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:Initializing zero-element tensors")  # a slip with hidden width 0
@pytest.mark.parametrize("named", list(_params()))
def test_every_named_mistake_is_caught_by_the_visible_checks_or_left_to_grading(named):
    if left_to_grading(named):
        return  # the notebook says why its visible checks leave it to grading
    made = slips_making(named)
    assert made, (
        f"the hidden tests can name {named.text!r} ({named.origin}) for {named.exercise or 'some exercise'}, "
        "but no slip in tests/notebooks/mutants.py makes it and the notebook does not say, under a "
        "'left to grading' heading, why its visible checks leave it to grading")
    missed = []
    for exercise_id, index in made:
        base, edits, fragment = SLIPS[exercise_id][index]
        error, _ = _run(exercise_id, slip(base, edits), visible_only=True)
        if isinstance(error, AssertionError) and _words(fragment) in _words(str(error)):
            return
        missed.append(f"{exercise_id} slip {edits}: {'passes' if error is None else repr(error)[:300]}"
                      f" (expected a message naming {fragment!r})")
    raise AssertionError(f"slips that make the named mistake {named.text!r} are not named by the visible checks:\n"
                         + "\n".join(missed))
