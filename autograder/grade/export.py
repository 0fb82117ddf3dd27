"""Grades back into the LMS: files each LMS's import takes as they are, from a graded RESULTS folder.

- ``canvas``: ``canvas-grades.csv``, Canvas's gradebook import: the columns Student, ID, SIS User ID,
  SIS Login ID, Section, then one assignment column, and a "Points Possible" row. Canvas matches rows on
  ID, its user id (the student id of a Canvas download).
- ``moodle``: ``moodle-grades.csv``, the assignment's grading worksheet (Identifier "Participant N",
  Full name, Email address, Grade, Maximum Grade, Feedback comments), and ``moodle-feedback.zip``, each
  feedback page named ``{Full name}_{participant id}_assignsubmission_file_{page}`` as Moodle's "upload
  multiple feedback files in a zip" expects.
- ``nbgrader``: ``gradebook.db``, nbgrader's gradebook with the scores, for formgrader and ``nbgrader export``,
  and ``feedback/{student}/{assignment}/``, where ``nbgrader release_feedback`` looks for the pages.

A roster (the LMS's own export: Canvas's gradebook export, Moodle's grading worksheet, or nbgrader's
student list with ``id``) names the students and adds those who submitted nothing, with 0 and "no submission".
"""
import csv
import io
import json
import re
import zipfile
from pathlib import Path

from autograder.exercises import ASSIGNMENT, EXERCISES

from .names import one_line, unquoted
from .outputs import csv_text, write_atomically

TARGETS = ("canvas", "moodle", "nbgrader")
CANVAS_COLUMNS = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_COLUMNS = ("Identifier", "Full name", "Email address", "Grade", "Maximum Grade", "Feedback comments")
PARTICIPANT = re.compile(r"^Participant\s+(\d+)$")
NO_SUBMISSION = "no submission"
ROSTER_KEYS = {"canvas": "ID", "moodle": "Identifier", "nbgrader": "id"}
ROSTER_HELP = {"canvas": "export it from Canvas's Grades page", "moodle": "download the assignment's grading worksheet",
               "nbgrader": "a CSV with id, first_name, last_name, email as `nbgrader db student import` takes"}


class ExportError(ValueError):
    """The results or the roster cannot be exported (missing, of another LMS, malformed)."""


def read_csv(path: Path) -> list:
    """Rows of a CSV as an LMS writes it (Excel's byte-order mark allowed)."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            return list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ExportError(f"cannot read {path}: {error}") from None


def graded(results: Path) -> dict:
    """student id -> {"name", "total", "max", "pages": {stem: feedback file}} from RESULTS."""
    rows = read_csv(Path(results) / "grades.csv")
    students = {}
    for row in rows:
        student = row["student_id"]
        feedback = Path(results) / "feedback" / student
        pages = {p.name: p for p in sorted(feedback.iterdir()) if p.is_file()} if feedback.is_dir() else {}
        students[student] = {"name": unquoted(row.get("display_name") or student), "total": float(row["total"]),
                             "max": float(row["max_total"]), "pages": pages}
    return students


def max_total(results: Path, students: dict) -> float:
    if students:
        return max(s["max"] for s in students.values())
    raise ExportError(f"{results}/grades.csv lists no student: grade the class first")


def canvas_rows(students: dict, roster: list, column: str, maximum: float) -> tuple:
    """(rows, notes): a row per roster student (or per graded student without a roster)."""
    notes, rows, seen = [], [], set()
    for entry in roster:
        user = (entry.get("ID") or "").strip()
        if not user.isdigit():  # the "Points Possible" row of an export, or a test student without id
            continue
        seen.add(user)
        student = students.get(user)
        if student is None:
            notes.append(f"{entry.get('Student', user)} ({user}): {NO_SUBMISSION}, 0")
        rows.append({"Student": entry.get("Student", ""), "ID": user, "SIS User ID": entry.get("SIS User ID", ""),
                     "SIS Login ID": entry.get("SIS Login ID", ""), "Section": entry.get("Section", ""),
                     column: f"{student['total']:g}" if student else "0"})
    for user, student in sorted(students.items()):
        if user in seen:
            continue
        if roster:
            notes.append(f"{student['name']} ({user}) submitted but is not on the roster")
        rows.append({"Student": student["name"], "ID": user, "SIS User ID": "", "SIS Login ID": "", "Section": "",
                     column: f"{student['total']:g}"})
    points = {"Student": "    Points Possible", "ID": "", "SIS User ID": "", "SIS Login ID": "", "Section": "",
              column: f"{maximum:g}"}
    return [points, *rows], notes


def moodle_rows(students: dict, roster: list, maximum: float) -> tuple:
    notes, rows, seen = [], [], set()
    for entry in roster:
        match = PARTICIPANT.match((entry.get("Identifier") or "").strip())
        if not match:
            continue
        participant = match[1]
        seen.add(participant)
        student = students.get(participant)
        if student is None:
            notes.append(f"{entry.get('Full name', participant)} (Participant {participant}): {NO_SUBMISSION}, 0")
        rows.append({"Identifier": f"Participant {participant}", "Full name": entry.get("Full name", ""),
                     "Email address": entry.get("Email address", ""),
                     "Grade": f"{student['total']:g}" if student else "0", "Maximum Grade": f"{maximum:g}",
                     "Feedback comments": "autograded" if student else NO_SUBMISSION})
    for participant, student in sorted(students.items()):
        if participant in seen:
            continue
        if roster:
            notes.append(f"{student['name']} (Participant {participant}) submitted but is not on the roster")
        rows.append({"Identifier": f"Participant {participant}", "Full name": student["name"], "Email address": "",
                     "Grade": f"{student['total']:g}", "Maximum Grade": f"{maximum:g}",
                     "Feedback comments": "autograded"})
    return rows, notes


def moodle_feedback(students: dict, roster: list, path: Path) -> None:
    """The feedback pages, named as Moodle's bulk feedback upload matches them to students."""
    names = {PARTICIPANT.match(e.get("Identifier") or "")[1]: e.get("Full name", "")
             for e in roster if PARTICIPANT.match(e.get("Identifier") or "")}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for participant, student in sorted(students.items()):
            name = re.sub(r"[/\\\x00-\x1f]", "_", names.get(participant) or student["name"])
            for page, file in student["pages"].items():
                zf.writestr(f"{name}_{participant}_assignsubmission_file_{page}", file.read_bytes())
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def nbgrader_gradebook(results: Path, roster: list, path: Path) -> list:
    """Scores into nbgrader's gradebook; roster students (nbgrader's ``id`` column) added without a submission."""
    from .gradebook import record_scores

    records = []
    for file in sorted((Path(results) / "students").glob("*.json")):
        try:
            records.append(json.loads(file.read_text("utf-8")))
        except ValueError:
            raise ExportError(f"{file} is not a student record") from None
    if not records:
        raise ExportError(f"{results}/students holds no records: grade the class first")
    points = {e.id: next(r["max_score"] for r in records[0]["results"] if r["exercise"] == e.id) for e in EXERCISES}
    record_scores(path, points, records)
    graded_ids = {r["student"] for r in records}
    absent = [e["id"] for e in roster if e.get("id") and e["id"] not in graded_ids]
    if absent:
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{Path(path).resolve()}") as gradebook:
            for student in absent:
                gradebook.update_or_create_student(student, first_name=roster_value(roster, student, "first_name"),
                                                   last_name=roster_value(roster, student, "last_name"))
    return [f"{student}: {NO_SUBMISSION}, 0" for student in absent]


def roster_value(roster: list, student: str, column: str):
    return next((e.get(column) or None for e in roster if e.get("id") == student), None)


def export(results: Path, to: str, out: Path, roster: Path | None = None, column: str = ASSIGNMENT) -> str:
    """Write RESULTS's grades in the format an LMS imports; returns what was written and who did not submit.

    Args:
        results: a folder the grader wrote (grades.csv, students/, feedback/).
        to: canvas, moodle or nbgrader.
        out: the folder for the exported files.
        roster: the LMS's own class list (Canvas gradebook export, Moodle grading worksheet, nbgrader ids).
        column: the gradebook column (Canvas: "Name (assignment id)" to update an existing assignment).
    """
    if to not in TARGETS:
        raise ExportError(f"to must be one of {', '.join(TARGETS)}, got {to!r}")
    results, out = Path(results), Path(out)
    entries = read_csv(roster) if roster else []
    key = ROSTER_KEYS[to]
    if roster and (not entries or key not in entries[0]):
        raise ExportError(f"{roster} is not a {to} roster: it has no {key!r} column ({ROSTER_HELP[to]})")
    written = []
    if to == "nbgrader":
        notes = nbgrader_gradebook(results, entries, out / "gradebook.db")
        written.append(out / "gradebook.db")
        for student, details in graded(results).items():
            for page, file in details["pages"].items():
                write_atomically(out / "feedback" / student / ASSIGNMENT / page, file.read_text("utf-8"))
        written.append(out / "feedback")
    else:
        students = graded(results)
        maximum = max_total(results, students)
        if to == "canvas":
            rows, notes = canvas_rows(students, entries, column, maximum)
            written.append(out / "canvas-grades.csv")
            write_atomically(written[-1], csv_text((*CANVAS_COLUMNS, column), rows))
        else:
            rows, notes = moodle_rows(students, entries, maximum)
            written.append(out / "moodle-grades.csv")
            write_atomically(written[-1], csv_text(MOODLE_COLUMNS, rows))
            written.append(out / "moodle-feedback.zip")
            moodle_feedback(students, entries, written[-1])
    lines = [f"Wrote {', '.join(str(p) for p in written)}."]
    lines += [one_line(note) for note in notes]
    return "\n".join(lines)
