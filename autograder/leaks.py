"""What the student edition must never contain, and a scan of a folder for it.

The secrets, each compared with a file's text with all whitespace removed (so re-indented or
re-spaced copies are found too, and highlighted HTML once its tags are dropped):

- every solution line: the code between ``### BEGIN SOLUTION`` and ``### END SOLUTION`` in the
  instructor notebooks (``solutions/attention/*.ipynb``);
- every hidden-test line: between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``;
- every line of substance of the reference code (``autograder/reference/*.py``, docstrings out);
- instructor-only paths and names (``solutions/``, ``autograder/``, ``gradebook.db``, the markers...).

A line the instructor notebooks state in their markdown (such as the hidden-width rule of an
exercise) is part of the exercise text, public by design, and not a secret.
"""
import ast
import html
import json
import re
from pathlib import Path
from typing import NamedTuple

from autograder.exercises import ASSIGNMENT, NOTEBOOKS

ROOT = Path(__file__).resolve().parent.parent
MIN_CHARS = 16  # shorter lines (once whitespace is gone) are too common to be telling
MIN_HIDDEN_CHARS = 12  # hidden tests are short calls, and every one of them is telling
# Lines any PyTorch module has, that only open a call, or that the exercise API makes public
# (names, signatures).
COMMON = re.compile(
    r"^(import |from \S+ import |class |def |super\(\)\.__init__\(|return x$|pass$"
    r"|raise NotImplementedError|.*\($|self\.\w+ = \w+$|[\"'][\w ]*[\"'],?$)"
)
INSTRUCTOR_ONLY = re.compile(
    r"BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN TESTS|END HIDDEN TESTS"
    r"|(?i:solutions/|autograder/|autograder\.\w+|gradebook\.db|nbgrader_config|instructor[_-]guide|make release)"
)
# Every match of INSTRUCTOR_ONLY holds one of these words (the markers as written, the names in any
# case): a text with none of them is spared the pattern, which is slow over the book's megabytes.
MARKER_WORDS = ("SOLUTION", "HIDDEN TESTS")
NAME_WORDS = ("solutions/", "autograder", "gradebook.db", "nbgrader_config", "instructor", "make release")
# The characters besides an ASCII letter's two cases that re's IGNORECASE matches to it (İ, ı, ſ, K):
# str.lower() leaves ı and ſ as they are and makes İ two characters, so a text holding one of them
# is always given to the pattern.
FOLDED_TO_ASCII = "\u0130\u0131\u017f\u212a"
MARKERS = {"solution": ("### BEGIN SOLUTION", "### END SOLUTION"),
           "hidden test": ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")}


class Secrets(NamedTuple):
    lines: dict  # squashed line -> where it comes from ("solution 02_excitation", ...)


class Leak(NamedTuple):
    path: str  # relative to the scanned folder
    kind: str  # "solution 01_squeeze", "hidden test 05_spatial_attention", "reference se.py", "name"
    text: str  # the line or the name found


def squash(text: str) -> str:
    """The text without whitespace: what ``re.sub(r"\\s+", "", text)`` gives (the same characters
    are whitespace to both), several times faster."""
    return "".join(text.split())


def may_name(text: str) -> bool:
    """False only where INSTRUCTOR_ONLY cannot match (none of its words, in the case it matches)."""
    if any(word in text for word in MARKER_WORDS) or any(char in text for char in FOLDED_TO_ASCII):
        return True
    lowered = text.lower()
    return any(word in lowered for word in NAME_WORDS)


def _code(line: str) -> str:
    return line.split("  #")[0].strip()


def telling(line: str) -> bool:
    """A line specific enough that finding it means it was copied."""
    line = _code(line)
    return (bool(line) and not line.startswith(("#", "@", '"""', "'''"))
            and not COMMON.match(line) and len(squash(line)) >= MIN_CHARS)


def cell_sources(notebook_text: str, cell_type=None) -> list:
    return ["".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for cell in json.loads(notebook_text)["cells"]
            if cell_type is None or cell["cell_type"] == cell_type]


def marked_lines(notebook_text: str, kind: str) -> list:
    """The code lines between a kind's BEGIN and END markers, as written."""
    begin, end = MARKERS[kind]
    lines, inside = [], False
    for source in cell_sources(notebook_text, "code"):
        for line in source.splitlines():
            marker = line.strip()
            if marker == begin:
                inside = True
            elif marker == end:
                inside = False
            elif inside:
                lines.append(line)
    return lines


def solution_lines(notebook_text: str) -> set:
    return {squash(_code(line)) for line in marked_lines(notebook_text, "solution") if telling(line)}


def hidden_test_lines(notebook_text: str) -> set:
    lines = (_code(line) for line in marked_lines(notebook_text, "hidden test"))
    return {squash(line) for line in lines if not line.startswith("#") and len(squash(line)) >= MIN_HIDDEN_CHARS}


def code_lines(python_source: str) -> set:
    """The telling lines of a module's code, leaving out its docstrings."""
    tree = ast.parse(python_source)
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(getattr(body[0], "value", None), ast.Constant) \
                and isinstance(body[0].value.value, str):
            docstrings.update(range(body[0].lineno, body[0].end_lineno + 1))
    lines = python_source.splitlines()
    return {squash(_code(line)) for number, line in enumerate(lines, start=1)
            if number not in docstrings and telling(line)}


def secrets(root: Path = ROOT) -> Secrets:
    """Every secret line of the course at ``root``, each with where it comes from."""
    sources = root / "solutions" / ASSIGNMENT
    missing = [stem for stem in NOTEBOOKS if not (sources / f"{stem}.ipynb").is_file()]
    if missing:
        raise FileNotFoundError(f"no instructor notebooks for {missing} in {sources}")
    texts = {stem: (sources / f"{stem}.ipynb").read_text() for stem in NOTEBOOKS}
    stated = "".join(squash(source) for text in texts.values() for source in cell_sources(text, "markdown"))
    found = {}
    for stem, text in texts.items():
        solutions = solution_lines(text)
        if not solutions:
            raise ValueError(f"no solution lines between the markers in {sources / stem}.ipynb")
        for line in solutions - set(filter(stated.__contains__, solutions)):
            found.setdefault(line, f"solution {stem}")  # named after the first notebook that solves it
        for line in hidden_test_lines(text):
            found.setdefault(line, f"hidden test {stem}")
    reference = sorted((root / "autograder" / "reference").glob("*.py"))
    if not reference:
        raise FileNotFoundError(f"no reference modules in {root / 'autograder' / 'reference'}")
    for path in reference:
        for line in code_lines(path.read_text()):
            found.setdefault(line, f"reference {path.name}")
    return Secrets(found)


def readable_text(path: Path) -> str:
    """A file's text as it is, then as a reader sees it: HTML tags dropped and entities decoded,
    a notebook's or JSON file's strings decoded."""
    raw = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix in {".html", ".htm", ".xml", ".svg"}:
        return raw + "\n" + html.unescape(re.sub(r"<[^>]+>", "", raw))
    if path.suffix in {".ipynb", ".json"}:
        try:
            return raw + "\n" + "\n".join(_strings(json.loads(raw)))
        except ValueError:
            pass
    return raw


def _strings(value):
    """Every string inside a JSON document (a notebook's sources, outputs and metadata)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def is_text(path: Path) -> bool:
    """Whether a file reads as text (UTF-8 without NUL bytes), whatever its name."""
    data = path.read_bytes()
    if b"\0" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def text_files(folder: Path) -> list:
    """Every file of ``folder`` that reads as text (all but images, fonts, sounds, archives)."""
    return sorted(p for p in Path(folder).rglob("*") if p.is_file() and ".git" not in p.relative_to(folder).parts
                  and is_text(p))


def scan_text(name: str, text: str, known: Secrets) -> list:
    """The secrets in one text."""
    squashed = squash(text)
    found = [Leak(name, kind, line) for line, kind in known.lines.items() if line in squashed]
    if may_name(text):
        found += [Leak(name, "name", match) for match in sorted(set(m[0] for m in INSTRUCTOR_ONLY.finditer(text)))]
    return found


def scan(folder: Path, known: Secrets | None = None) -> list:
    """Every secret found in any text file under ``folder``."""
    known = known or secrets()
    folder = Path(folder)
    return [leak for path in text_files(folder)
            for leak in scan_text(path.relative_to(folder).as_posix(), readable_text(path), known)]
