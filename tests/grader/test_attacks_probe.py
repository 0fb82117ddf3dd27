"""Attacks on the probe from inside the sandbox: a wrong function made to look right by changing the probe
after the harness put it back (in a fork hook, through a patched os.fork, from a thread, or from the
student's own function while an earlier case runs).

Each student's squeeze is wrong (a bare ``.squeeze()`` breaks N = 1 and C = 1); each trick makes the
probe call it on a copy of the input with N and C doubled and slice the answer back, so the edge
never runs. One batch, graded by the real grader (bubblewrap included), holds every trick and a
control student.
"""
import pytest

from grader_class import grade_class, solved, with_cells, write_class

pytestmark = [pytest.mark.needs_course, pytest.mark.slow]

BARE_SQUEEZE = "def squeeze(x):\n    return x.mean(dim=(2, 3)).squeeze()[:, :, None, None]\n"
WRAPPER = """
def _wrap():
    import inside.probe as _p
    _original = _p.probe
    def _doubled(obj, case):
        def wide(x):
            n, c = x.shape[:2]
            return obj(x.repeat(2, 2, 1, 1))[:n, :c]
        return _original(wide, case)
    _p.probe = _doubled
"""
TRICKS = {
    "fork_hook": WRAPPER + "import os\nos.register_at_fork(after_in_child=_wrap)\n",
    "patched_fork": WRAPPER + """
import os
_fork = os.fork
def fork():
    pid = _fork()
    if pid == 0:
        _wrap()
    return pid
os.fork = fork
""",
    "thread_from_fork_hook": WRAPPER + """
import os, threading, time
def _keep():
    _wrap()
    import inside.probe as _p
    mine = _p.probe
    while True:
        if _p.probe is not mine:
            _p.probe = mine
        time.sleep(0.0001)
os.register_at_fork(after_in_child=lambda: threading.Thread(target=_keep, daemon=True).start())
""",
}
# The function itself changes the probe's helper on its first call (a case with N > 1 and C > 1), so
# that every later case calls it on the doubled input.
CHANGES_THE_PROBE_WHEN_CALLED = """
_calls = []
def squeeze(x):
    if not _calls:
        import inside.probe as _p
        _call = _p._call
        def doubled(what, case, fn, *args, **kwargs):
            if args and getattr(args[0], "ndim", 0) == 4:
                n, c = args[0].shape[:2]
                return _call(what, case, lambda t: fn(t.repeat(2, 2, 1, 1))[:n, :c], *args, **kwargs)
            return _call(what, case, fn, *args, **kwargs)
        _p._call = doubled
    _calls.append(1)
    return x.mean(dim=(2, 3)).squeeze()[:, :, None, None]
"""

STUDENTS = {"control": {"01_squeeze.ipynb": solved()},
            "changes_the_probe_when_called": {"01_squeeze.ipynb": with_cells(solved(), CHANGES_THE_PROBE_WHEN_CALLED)},
            **{name: {"01_squeeze.ipynb": with_cells(solved(), BARE_SQUEEZE, trick)} for name, trick in TRICKS.items()}}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("probe_attacks")
    return grade_class(write_class(base / "submitted", STUDENTS), base / "results")


def test_the_squeeze_is_wrong_at_the_edges():
    import torch

    namespace = {}
    exec(BARE_SQUEEZE, namespace)
    assert namespace["squeeze"](torch.ones(2, 3, 4, 5)).shape == (2, 3, 1, 1)
    with pytest.raises(IndexError):
        namespace["squeeze"](torch.ones(1, 1, 2, 2))


def test_the_control_student_keeps_full_marks(graded):
    assert graded["control"]["squeeze"]["status"] == "passed", graded["control"]["squeeze"]["message"]


@pytest.mark.parametrize("student", [*TRICKS, "changes_the_probe_when_called"])
def test_a_probe_changed_after_the_harness_restored_it_gains_nothing(graded, student):
    row = graded[student]["squeeze"]
    assert row["status"] == "failed" and float(row["score"]) == 0.0, row["message"]


def test_a_thread_left_in_the_checks_process_is_named(graded):
    assert "thread" in graded["thread_from_fork_hook"]["squeeze"]["message"]
