"""The cheat catalogue (hostile_class.CHEATS): each trick sits on a wrong `squeeze`, and none may earn the
exercise's points.

An honest student graded in the same batch passes (so the batch can tell right from wrong),
and her results survive the cheaters' attempts to write over them.
"""
import json

import pytest

from autograder.grade.names import safe_id
from hostile_class import CHEATS, digest

pytestmark = [pytest.mark.needs_course, pytest.mark.slow]


def test_the_honest_student_passes(hostile_class):
    row = hostile_class.rows["honest"]["squeeze"]
    assert row["status"] == "passed" and float(row["score"]) > 0
    record = json.loads((hostile_class.out / "students" / "honest.json").read_text("utf-8"))
    assert [r["status"] for r in record["results"] if r["exercise"] == "squeeze"] == ["passed"]


@pytest.mark.parametrize("name", sorted(CHEATS))
def test_a_cheat_earns_nothing(hostile_class, name):
    row = hostile_class.rows[f"cheat_{name}"]["squeeze"]
    assert float(row["score"]) == 0.0, row
    assert row["status"] != "passed"


def test_max_scores_come_from_the_instructor_notebook(hostile_class):
    rows = hostile_class.rows
    assert rows["cheat_points"]["squeeze"]["max_score"] == rows["honest"]["squeeze"]["max_score"] != "1000"


def test_submissions_are_never_modified(hostile_class):
    for folder in hostile_class.submissions:
        assert digest(folder) == hostile_class.before[folder]


def test_no_hidden_tests_or_solutions_reach_the_feedback(hostile_class):
    students = [f"cheat_{name}" for name in CHEATS] + ["honest", "planter"]
    folders = [hostile_class.results_of(student) / "feedback" / student for student in students]
    assert all((folder / "index.html").is_file() for folder in folders)
    for page in (page for folder in folders for page in folder.rglob("*.html")):
        text = page.read_text("utf-8")
        assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text and "nbgrader" not in text


def test_the_batch_records_every_student(hostile_class):
    ids = {record["display_name"]: record["student"] for record in hostile_class.records}
    assert sorted(ids) == sorted(hostile_class.names) and len(hostile_class.records) == len(ids)
    clash = "casey"  # its id would repeat Casey's on a disk that ignores case (attack_catalogue): it gets a hash
    assert all(ids[name] == safe_id(name) for name in hostile_class.names if name != clash)
    assert ids[clash].startswith(safe_id(clash) + "-")


def test_results_planted_by_an_earlier_notebook_are_not_taken(hostile_class):
    """Notebook 01 writes perfect results for cbam (as if it had them), notebook 05 then quits early."""
    rows = hostile_class.rows["planter"]
    assert rows["squeeze"]["status"] == "passed"
    assert float(rows["cbam"]["score"]) == 0.0 and rows["cbam"]["status"] == "error"


def test_a_notebook_that_ignores_the_alarm_runs_out_of_time_as_a_timeout(hostile_class):
    """Its cells cannot be interrupted: the notebook's process is stopped at its budget, and that is a timeout."""
    row = hostile_class.rows["cheat_alarm_ignored"]["squeeze"]
    assert row["status"] == "timeout", row
    assert "time limit" in row["message"] and "could not be graded" not in row["message"]
    assert "timeout" in hostile_class.grades["cheat_alarm_ignored"]["needs_attention"]
