"""Grades back into each LMS: files with the LMS's documented import columns, joined to its own roster."""
import csv
import io
import zipfile

import pytest

from autograder.grade.export import ExportError, export

pytestmark = pytest.mark.slow

# Canvas's gradebook export (Grades > Export): the five student columns, one column per assignment named
# "Name (assignment id)", read-only totals, and a "Points Possible" row under the header.
CANVAS_ROSTER = ("Student,ID,SIS User ID,SIS Login ID,Section,Attention (4321),Current Score,Final Score\n"
                 "    Points Possible,,,,,16.00,(read only),(read only)\n"
                 '"Smith, Jane",12345,S001,jsmith,Section A,,,\n'
                 '"Doe, John",23456,S002,jdoe,Section A,,,\n'
                 '"Roe, Richard",34567,S003,rroe,Section B,,,\n')
CANVAS_IMPORT_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
# Moodle's assignment grading worksheet (View all submissions > Download grading worksheet).
MOODLE_ROSTER = ('\ufeffIdentifier,"Full name","Email address",Status,Grade,"Maximum Grade","Grade can be changed",'
                 '"Last modified (submission)","Last modified (grade)","Feedback comments"\n'
                 '"Participant 512345","Jane Smith",jane@example.org,"Submitted for grading",,16.00,Yes,"-","-",\n'
                 '"Participant 523456","John Doe",john@example.org,"Submitted for grading",,16.00,Yes,"-","-",\n'
                 '"Participant 534567","Richard Roe",richard@example.org,"No submission",,16.00,Yes,"-","-",\n')


def rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_canvas_import_has_the_required_columns_every_roster_student_and_zero_for_no_submission(graded_layouts,
                                                                                             tmp_path):
    results = graded_layouts.results["canvas"]
    roster = tmp_path / "canvas-export.csv"
    roster.write_text(CANVAS_ROSTER, encoding="utf-8")
    report = export(results, "canvas", tmp_path / "out", roster=roster, column="Attention (4321)")
    table = rows(tmp_path / "out" / "canvas-grades.csv")
    assert table[0] == CANVAS_IMPORT_COLUMNS + ["Attention (4321)"]
    assert table[1][0].strip() == "Points Possible" and table[1][5] == "16"
    by_id = {row[1]: row for row in table[2:]}
    assert by_id["12345"][:5] == ["Smith, Jane", "12345", "S001", "jsmith", "Section A"]
    assert float(by_id["12345"][5]) > float(by_id["23456"][5]) == 0
    assert by_id["34567"][5] == "0" and "Roe, Richard (34567): no submission" in report


def test_moodle_worksheet_and_feedback_zip_match_moodles_identifiers(graded_layouts, tmp_path):
    results = graded_layouts.results["moodle"]
    roster = tmp_path / "worksheet.csv"
    roster.write_text(MOODLE_ROSTER, encoding="utf-8")
    report = export(results, "moodle", tmp_path / "out", roster=roster)
    table = list(csv.DictReader(io.StringIO((tmp_path / "out" / "moodle-grades.csv").read_text("utf-8"))))
    assert {"Identifier", "Grade"} <= set(table[0])
    grades = {row["Identifier"]: row for row in table}
    assert set(grades) == {"Participant 512345", "Participant 523456", "Participant 534567"}
    assert float(grades["Participant 512345"]["Grade"]) > 0 and grades["Participant 523456"]["Grade"] == "0"
    assert grades["Participant 534567"]["Feedback comments"] == "no submission" and "no submission" in report
    names = zipfile.ZipFile(tmp_path / "out" / "moodle-feedback.zip").namelist()
    assert names and all(n.startswith(("Jane Smith_512345_assignsubmission_file_",
                                       "John Doe_523456_assignsubmission_file_")) for n in names)


def test_nbgrader_gradebook_holds_the_scores_and_the_roster(graded_layouts, tmp_path):
    from nbgrader.api import Gradebook

    results = graded_layouts.results["nbgrader"]
    roster = tmp_path / "students.csv"
    roster.write_text("id,first_name,last_name,email\njsmith,Jane,Smith,\njdoe,John,Doe,\nrroe,Richard,Roe,\n")
    export(results, "nbgrader", tmp_path / "out", roster=roster)
    with open(results / "grades.csv", newline="", encoding="utf-8") as handle:
        totals = {row["student_id"]: float(row["total"]) for row in csv.DictReader(handle)}
    with Gradebook(f"sqlite:///{tmp_path / 'out' / 'gradebook.db'}") as gradebook:
        assert {s.id for s in gradebook.students} == {"jsmith", "jdoe", "rroe"}
        for student, total in totals.items():
            assert gradebook.find_submission("attention", student).score == total
        assert gradebook.find_student("rroe").last_name == "Roe"
    pages = sorted(p.relative_to(tmp_path / "out" / "feedback") for p in (tmp_path / "out" / "feedback").rglob("*.*"))
    assert pages and {p.parts[:2] for p in pages} == {("jsmith", "attention"), ("jdoe", "attention")}


def test_a_roster_of_another_lms_or_an_unknown_target_is_refused_clearly(graded_layouts, tmp_path):
    results = graded_layouts.results["canvas"]
    with pytest.raises(ExportError, match="to must be one of"):
        export(results, "sakai", tmp_path)
    with pytest.raises(ExportError, match="cannot read"):
        export(tmp_path / "nothing", "canvas", tmp_path)
    moodle = tmp_path / "worksheet.csv"
    moodle.write_text(MOODLE_ROSTER, encoding="utf-8")
    with pytest.raises(ExportError, match="not a canvas roster"):
        export(results, "canvas", tmp_path, roster=moodle)
