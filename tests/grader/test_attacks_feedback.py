"""The feedback step attacked: text a student controls must cost the trusted side time in proportion to its size.

The feedback page finds which of a student's cells defines each exercise. A cell of two million blank
lines (a 4 MB notebook, well under the size limit) once made that search quadratic: the student's
grading process ran until the batch killed it, holding a worker all that time. Graded by the real
grader (bubblewrap included) beside a control student.
"""
import json

import nbformat
import pytest

from grader_class import WRONG_SQUEEZE, grade_class, solved, with_cells, write_class

pytestmark = [pytest.mark.needs_course, pytest.mark.slow]

BLANK_LINES = 2_000_000


def with_blank_cell(notebook) -> bytes:
    """The notebook with one more code cell holding only newlines, its source one JSON string."""
    data = json.loads(nbformat.writes(notebook))
    data["cells"].append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                          "source": "\n" * BLANK_LINES})
    return json.dumps(data).encode()


STUDENTS = {"control": {"01_squeeze.ipynb": solved()},
            "blank_lines": {"01_squeeze.ipynb": with_blank_cell(with_cells(solved(), WRONG_SQUEEZE))}}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("feedback_attacks")
    out = base / "results"
    return grade_class(write_class(base / "submitted", STUDENTS), out), out


def test_the_control_student_keeps_full_marks(graded):
    rows, _ = graded
    assert rows["control"]["squeeze"]["status"] == "passed"


def test_a_cell_of_blank_lines_is_graded_and_gets_its_page(graded):
    rows, out = graded
    row = rows["blank_lines"]["squeeze"]
    assert row["status"] == "failed" and float(row["score"]) == 0.0, row["message"]
    assert "ran past its time" not in row["message"]
    page = (out / "feedback" / "blank_lines" / "index.html").read_text("utf-8")
    assert "squeeze" in page
