"""Attacks on the probe from inside the sandbox: a wrong function made to look right by changing the probe
after the harness put it back (in a fork hook, through a patched os.fork, from a thread, or from the
student's own function while an earlier case runs).

Each student's squeeze is wrong (a bare ``.squeeze()`` breaks N = 1 and C = 1); each trick makes the
probe call it on a copy of the input with N and C doubled and slice the answer back, so the edge
never runs. The tricks (attack_catalogue.probe_students) are graded by the real grader (bubblewrap included)
in the hostile class's batch, whose honest student is the control.
"""
import pytest
from attack_catalogue import BARE_SQUEEZE, TRICKS

pytestmark = [pytest.mark.needs_course, pytest.mark.slow]

@pytest.fixture(scope="module")
def graded(hostile_class):
    """The tricks' students, graded in the hostile class; its honest student is the control."""
    return hostile_class.rows


def test_the_squeeze_is_wrong_at_the_edges():
    import torch

    namespace = {}
    exec(BARE_SQUEEZE, namespace)
    assert namespace["squeeze"](torch.ones(2, 3, 4, 5)).shape == (2, 3, 1, 1)
    with pytest.raises(IndexError):
        namespace["squeeze"](torch.ones(1, 1, 2, 2))


def test_the_control_student_keeps_full_marks(graded):
    assert graded["honest"]["squeeze"]["status"] == "passed", graded["honest"]["squeeze"]["message"]


@pytest.mark.parametrize("student", [*TRICKS, "changes_the_probe_when_called"])
def test_a_probe_changed_after_the_harness_restored_it_gains_nothing(graded, student):
    row = graded[student]["squeeze"]
    assert row["status"] == "failed" and float(row["score"]) == 0.0, row["message"]


def test_a_thread_left_in_the_checks_process_is_named(graded):
    assert "thread" in graded["thread_from_fork_hook"]["squeeze"]["message"]
