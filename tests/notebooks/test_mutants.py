"""Mutation tests: each test cell rejects wrong code and accepts right code.

Runs in-process: the notebook's given and solution cells, then the implementation under test, then
the exercise's test cell source, all in one namespace (the real-kernel path is test_nbgrader.py).
Two rules are checked against the VISIBLE checks alone (the part of a test cell a student can run
before hand-in): every catalogued slip fails them with a message naming it, and every correct
parameterisation passes them and runs the notebook's experiment cells.
"""
import contextlib
import functools
import io
import warnings

import matplotlib
import pytest
from gallery import CORRECT as GALLERY

from autograder.exercises import BY_ID, EXERCISES
from cells import graded_cells, nbgrader, setup_code, source
from mutants import BASE, CORRECT, SLIPS, VISIBLE_CORRECT, WRONG, slip

IMPLEMENTATION, TEST_CELL = "<implementation>", "<test cell>"
HIDDEN = "### BEGIN HIDDEN TESTS"


def _raised_in_implementation(error) -> bool:
    """True when the innermost frame of ours in the traceback is the implementation's own code."""
    ours = [f.tb_frame.f_code.co_filename for f in _frames(error.__traceback__)
            if f.tb_frame.f_code.co_filename in (IMPLEMENTATION, TEST_CELL)]
    return bool(ours) and ours[-1] == IMPLEMENTATION


def _frames(tb):
    while tb is not None:
        yield tb
        tb = tb.tb_next


@functools.lru_cache(maxsize=None)
def _setup(exercise_id):
    """(namespace after the notebook's given and solution cells, the exercise's test cell source), run once.

    The cells draw with Agg, in this process only (the book build in the same session must draw inline): set here,
    not at import, where every xdist worker would import pyplot while collecting."""
    matplotlib.use("Agg")
    nb = source(BY_ID[exercise_id].notebook)
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for code in setup_code(nb):
            exec(code, namespace)
    return namespace, graded_cells(nb)[exercise_id].source


def _base(exercise_id):
    """A fresh copy of the set-up namespace (the implementation under test rebinds names in it) and the cell."""
    namespace, cell = _setup(exercise_id)
    return dict(namespace), cell


def _run(exercise_id, implementation, visible_only=False):
    """(exception or None, stderr) of the test cell (or its visible checks) against the implementation.

    ``implementation``: source code, or an object bound to the exercise's API name.
    """
    namespace, cell = _base(exercise_id)
    if visible_only:
        cell = cell.split(HIDDEN)[0]
    if isinstance(implementation, str):
        exec(compile(implementation, IMPLEMENTATION, "exec"), namespace)
    else:
        namespace[BY_ID[exercise_id].name] = implementation
    stderr = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr), \
            warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            exec(compile(cell, TEST_CELL, "exec"), namespace)
        except Exception as error:  # noqa: BLE001 (any failure rejects)
            return error, stderr.getvalue() + "".join(map(str, caught))
    return None, stderr.getvalue() + "".join(str(w.message) for w in caught)


def test_every_exercise_has_enough_mutants():
    for exercise in EXERCISES:
        assert len(CORRECT[exercise.id]) >= 3, exercise.id
        assert len(WRONG[exercise.id]) >= 6, exercise.id
        assert len(SLIPS[exercise.id]) >= 8, exercise.id


@pytest.mark.parametrize("exercise_id,index", [(e, i) for e in CORRECT for i in range(len(CORRECT[e]))])
def test_correct_alternative_passes_quietly(exercise_id, index):
    error, stderr = _run(exercise_id, CORRECT[exercise_id][index])
    assert error is None, f"a correct {exercise_id} was rejected: {type(error).__name__}: {error}"
    assert stderr == "", f"a passing test cell wrote to stderr / warned: {stderr}"


@pytest.mark.parametrize("exercise_id,index", [(e, i) for e in WRONG for i in range(len(WRONG[e]))])
def test_wrong_implementation_is_rejected_with_a_message(exercise_id, index):
    error, _ = _run(exercise_id, WRONG[exercise_id][index][0])
    assert error is not None, f"wrong {exercise_id} #{index} passed its test cell"
    # either a check's message, or an error the student's own code raised (its traceback points there)
    assert (isinstance(error, AssertionError) and str(error).strip()) or _raised_in_implementation(error), (
        f"wrong {exercise_id} #{index} failed without a message: {type(error).__name__}: {error}")


@pytest.mark.parametrize("base", sorted(BASE))
def test_every_slip_base_passes_the_visible_checks(base):
    exercise_id = base if base in BY_ID else base.rsplit("_own_mlp", 1)[0]
    error, stderr = _run(exercise_id, BASE[base], visible_only=True)
    assert error is None, f"the correct base {base} fails the visible checks: {type(error).__name__}: {error}"


@pytest.mark.filterwarnings("ignore:Initializing zero-element tensors")  # a slip with hidden width 0
@pytest.mark.parametrize("exercise_id,index", [(e, i) for e in SLIPS for i in range(len(SLIPS[e]))])
def test_visible_checks_name_every_catalogued_slip(exercise_id, index):
    base, edits, fragment = SLIPS[exercise_id][index]
    error, _ = _run(exercise_id, slip(base, edits), visible_only=True)
    assert error is not None, f"{exercise_id} slip {edits} passes the visible checks"
    assert isinstance(error, AssertionError), (
        f"{exercise_id} slip {edits} ends in a raw {type(error).__name__}, not guidance: {error}")
    assert fragment.lower() in str(error).lower(), f"{exercise_id} slip {edits}: the message does not name it: {error}"


def _alternatives():
    for exercise_id in CORRECT:
        for index, code in enumerate(CORRECT[exercise_id] + VISIBLE_CORRECT[exercise_id]):
            yield exercise_id, index, code


@pytest.mark.parametrize("exercise_id,index,code", list(_alternatives()),
                         ids=lambda v: "" if isinstance(v, str) else None)
def test_every_correct_parameterisation_passes_the_visible_checks(exercise_id, index, code):
    error, stderr = _run(exercise_id, code, visible_only=True)
    assert error is None, \
        f"a correct {exercise_id} (#{index}) fails the visible checks: {type(error).__name__}: {error}"


@pytest.mark.parametrize("exercise_id,form", [(e, f) for e in GALLERY for f in GALLERY[e]],
                         ids=lambda v: getattr(v, "__name__", v))
def test_every_correct_form_of_the_checks_gallery_passes_the_visible_checks(exercise_id, form):
    """The hidden checks' own correct parameterisations (tests/checks/gallery.py) pass the visible ones too."""
    error, _ = _run(exercise_id, form, visible_only=True)
    assert error is None, f"{form.__name__}, a correct {exercise_id}, fails the visible checks: {error!r}"


@pytest.mark.parametrize("exercise_id,index,code", list(_alternatives()),
                         ids=lambda v: "" if isinstance(v, str) else None)
def test_experiment_cells_run_with_every_correct_parameterisation(exercise_id, index, code):
    """The cells a student does not write (experiments) use only the API, never attribute names."""
    namespace, _ = _base(exercise_id)
    exec(compile(code, IMPLEMENTATION, "exec"), namespace)
    nb = source(BY_ID[exercise_id].notebook)
    experiments = [c.source for c in nb.cells if c.cell_type == "code" and not nbgrader(c)]
    assert experiments
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            for cell in experiments:
                exec(compile(cell, "<experiment>", "exec"), dict(namespace))
        finally:
            import matplotlib.pyplot as plt  # the cells imported it

            plt.close("all")


@pytest.mark.parametrize("exercise_id", sorted(BY_ID))
def test_visible_checks_never_fail_correct_code_whatever_the_random_state(exercise_id):
    """Random initial weights must not decide: a check that needs particular weights sets them itself."""
    import torch

    namespace, cell = _base(exercise_id)
    exec(compile(BASE[exercise_id], IMPLEMENTATION, "exec"), namespace)
    visible = compile(cell.split(HIDDEN)[0], TEST_CELL, "exec")
    failed = []
    for seed in range(20):
        torch.manual_seed(seed)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(visible, dict(namespace))
        except AssertionError as error:
            failed.append(f"seed {seed}: {error}")
    assert not failed, "\n".join(failed)
