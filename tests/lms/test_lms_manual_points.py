"""Manually graded answers (nbgrader grade and solution both true) are counted apart from autograded points."""
import csv

import nbformat
from lms_class import ROOT

from autograder.grade.course import manual_points, max_scores
from autograder.grade.outputs import summarise, write_tables


def course_with_a_written_answer(folder):
    """The instructor notebooks, 03_eca with one more cell an instructor grades by hand (4 points)."""
    folder.mkdir()
    for path in sorted((ROOT / "solutions" / "attention").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        if path.stem == "03_eca":
            answer = nbformat.v4.new_markdown_cell("Why is ECA's kernel odd?\n\nYOUR ANSWER HERE")
            answer.metadata["nbgrader"] = {"grade": True, "solution": True, "locked": False, "points": 4,
                                           "grade_id": "eca_why_odd", "schema_version": 3}
            notebook.cells.append(answer)
        nbformat.write(notebook, folder / path.name)
    return folder


def test_manual_points_are_found_and_kept_out_of_the_autograded_points(tmp_path):
    source = course_with_a_written_answer(tmp_path / "source")
    manual, before = manual_points(source), manual_points(ROOT / "solutions" / "attention")
    assert manual["03_eca"] == before["03_eca"] + 4 and manual["01_squeeze"] == before["01_squeeze"]
    assert before["01_squeeze"] == 2  # the course's own two answer cells of 1 point each
    assert "eca_why_odd" not in max_scores(source)
    assert max_scores(source) == max_scores(ROOT / "solutions" / "attention")


def test_grades_and_summary_say_what_is_left_to_grade_by_hand(tmp_path):
    manual = {"01_squeeze": 0.0, "03_eca": 4.0}
    row = {"exercise": "eca_block", "notebook": "03_eca", "score": 2.0, "max_score": 2.0, "status": "passed",
           "message": "ok"}
    records = [{"student": "a", "display_name": "A", "attention": "", "results": [row]},
               {"student": "b", "display_name": "B", "attention": "", "results": [{**row, "status": "missing",
                                                                                   "score": 0.0}]}]
    write_tables(tmp_path, records, manual)
    grades = {r["student_id"]: r for r in csv.DictReader((tmp_path / "grades.csv").open())}
    assert grades["a"]["to_grade_by_hand"] == "03_eca: 4 points" and grades["a"]["total"] == "2"
    assert grades["b"]["to_grade_by_hand"] == ""  # nothing submitted, nothing to grade
    assert "To be graded by hand: 03_eca: 4 points." in summarise(records, 0, [], manual)
