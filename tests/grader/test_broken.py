"""The broken catalogue (hostile_class.BROKEN): damaged or odd submissions are graded or reported, and never
stop the batch.

They are graded in one batch with the cheaters and an honest student, whose results must come out intact.
"""
import zipfile

import nbformat
import pytest

from autograder.grade.names import safe_id
from grader_class import grade_class, solved
from hostile_class import BROKEN

pytestmark = [pytest.mark.needs_course, pytest.mark.slow]


CASES = sorted((student, exercise, status) for student, (_, expected) in BROKEN.items()
               for exercise, status in expected.items()) + [("honest", "squeeze", "passed")]


@pytest.mark.parametrize("student, exercise, expected", CASES)
def test_each_submission_is_graded_or_reported(hostile_class, student, exercise, expected):
    student_id = safe_id(student)  # the id a folder name becomes
    row = hostile_class.rows[student_id][exercise]
    assert row["status"] == expected, row
    assert student_id in hostile_class.grades


def test_the_unreadable_and_missing_need_attention(hostile_class):
    table = hostile_class.grades
    for student in ("empty", "truncated", "not_a_notebook", "endless_squeeze", safe_id("no notebooks at all")):
        assert table[student]["needs_attention"], student
    assert "empty" in table["empty"]["needs_attention"] or "unreadable" in table["empty"]["needs_attention"]


def test_odd_ids_get_escaped_feedback_in_their_own_folder(hostile_class):
    assert safe_id("<b>html<b> & co") == "b_html_b_co"  # the id is safe; the page shows the name escaped
    page = (hostile_class.out / "feedback" / "b_html_b_co" / "index.html").read_text("utf-8")
    assert "&lt;b&gt;html&lt;b&gt; &amp; co" in page and "<b>html<b>" not in page
    assert (hostile_class.out / "feedback" / safe_id("spaces and ünïcødé") / "index.html").exists()


def test_zip_entries_outside_the_folder_are_refused(tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("submitted/alice/attention/01_squeeze.ipynb", nbformat.writes(solved()))
        zf.writestr("../x/01_squeeze.ipynb", nbformat.writes(solved()))
        zf.writestr("/abs/01_squeeze.ipynb", nbformat.writes(solved()))
    rows = grade_class(archive, tmp_path / "results")
    assert rows["alice"]["squeeze"]["status"] == "passed"
    assert set(rows) == {"alice", "batch"}
    assert not (tmp_path / "x").exists() and not any("x" == p.name for p in tmp_path.parent.iterdir())
    assert any("outside" in note for note in rows["batch"].notes)
