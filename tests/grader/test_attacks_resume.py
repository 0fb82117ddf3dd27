"""The resume point attacked: a record graded where student code could reach the reference must never be
reused by a later run that isolates it.

A class is graded once without bubblewrap (as on a machine where it did not work: the grader warns,
and the student's code can read the course's files), then again, unchanged, with bubblewrap. The
student who read the reference's `squeeze` passed the first time; the second run must grade every
student afresh, so the reading gains nothing.
"""
import pytest

from autograder.grade import sandbox
from grader_class import ROOT, WRONG_SQUEEZE, grade_class, solved, with_cells, write_class

pytestmark = [pytest.mark.needs_course, pytest.mark.slow]

READS_THE_REFERENCE = ("import sys\n"
                       "for name in [n for n in sys.modules if n.split('.')[0] == 'autograder']:\n"
                       "    del sys.modules[name]\n"
                       f"sys.path.insert(0, {str(ROOT)!r})\n"
                       "from autograder.reference import squeeze\n")
STUDENTS = {"control": {"01_squeeze.ipynb": solved()},
            "reads_the_reference": {"01_squeeze.ipynb": with_cells(solved(), WRONG_SQUEEZE, READS_THE_REFERENCE)}}


@pytest.fixture(scope="module")
def graded_twice(tmp_path_factory):
    if not sandbox.bwrap_works():
        pytest.skip("bubblewrap does not work here")
    base = tmp_path_factory.mktemp("resume")
    submissions, out = write_class(base / "submitted", STUDENTS), base / "results"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sandbox, "_bwrap_works", False)
        unisolated = grade_class(submissions, out)
    isolated = grade_class(submissions, out)
    return unisolated, isolated


def test_without_isolation_the_reference_could_be_read(graded_twice):
    unisolated, _ = graded_twice
    assert "NO bubblewrap" in unisolated["batch"].summary
    assert unisolated["reads_the_reference"]["squeeze"]["status"] == "passed"  # the attack is real


def test_an_isolated_run_regrades_what_an_unisolated_one_graded(graded_twice):
    _, isolated = graded_twice
    assert "Student code ran in: bubblewrap" in isolated["batch"].summary
    assert isolated["batch"].reused == 0
    row = isolated["reads_the_reference"]["squeeze"]
    assert row["status"] == "failed" and float(row["score"]) == 0.0, row["message"]
    assert isolated["control"]["squeeze"]["status"] == "passed"
