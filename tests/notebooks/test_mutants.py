"""Mutation tests: each test cell (visible checks and hidden tests) rejects wrong code and accepts right code.

Runs in-process: the notebook's given and solution cells, then the implementation under test, then
the exercise's test cell source, all in one namespace (the real-kernel path is test_nbgrader.py).
"""
import contextlib
import io
import warnings

import matplotlib
import pytest

from autograder.exercises import BY_ID, EXERCISES
from cells import graded_cells, setup_code, source
from mutants import CORRECT, WRONG

matplotlib.use("Agg")  # in this process only: the book build in the same session must draw inline
IMPLEMENTATION, TEST_CELL = "<implementation>", "<test cell>"


def _raised_in_implementation(error) -> bool:
    """True when the innermost frame of ours in the traceback is the implementation's own code."""
    ours = [f.tb_frame.f_code.co_filename for f in _frames(error.__traceback__)
            if f.tb_frame.f_code.co_filename in (IMPLEMENTATION, TEST_CELL)]
    return bool(ours) and ours[-1] == IMPLEMENTATION


def _frames(tb):
    while tb is not None:
        yield tb
        tb = tb.tb_next


def _base(exercise_id):
    nb = source(BY_ID[exercise_id].notebook)
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for code in setup_code(nb):
            exec(code, namespace)
    return namespace, graded_cells(nb)[exercise_id].source


def _run(exercise_id, implementation):
    """(exception or None, stderr) of the test cell against the implementation."""
    namespace, cell = _base(exercise_id)
    exec(compile(implementation, IMPLEMENTATION, "exec"), namespace)
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
