"""Small classes zipped exactly as each LMS names its "download all submissions", for the LMS tests.

The names follow each LMS's documented download:
- Canvas: a flat zip, ``{lastnamefirstname}[_LATE]_{user id}_{submission id}_{file name}``, a resubmitted
  file with ``-1``, ``-2`` before its extension.
- Moodle: ``{Full name}_{participant id}_assignsubmission_file_/`` per student ("download submissions in folders").
- Blackboard: ``{Assignment}_{username}_attempt_{YYYY-MM-DD-HH-MM-SS}_{file name}`` and its receipt
  ``{Assignment}_{username}_attempt_{YYYY-MM-DD-HH-MM-SS}.txt``.
- nbgrader: ``submitted/{student}/{assignment}/{file name}`` with ``timestamp.txt``.
- a folder per student.
"""
import zipfile
from pathlib import Path

import nbformat

from autograder.demo.submission import solved_notebook, with_cells
from autograder.grade.course import load_course

ROOT = Path(__file__).resolve().parents[2]
WRONG_SQUEEZE = "def squeeze(x):\n    return x[:, :, :1, :1]  # one pixel, not the mean\n"
TIMEOUT = 10
LAYOUTS = ("canvas", "moodle", "blackboard", "nbgrader", "folders")


def right() -> bytes:
    return nbformat.writes(solved_notebook(load_course(ROOT), "01_squeeze")).encode()


def wrong() -> bytes:
    return nbformat.writes(with_cells(solved_notebook(load_course(ROOT), "01_squeeze"), WRONG_SQUEEZE)).encode()


def blackboard_receipt(name: str, user: str, stamp: str, files: list) -> str:
    listed = "".join(f"\tOriginal filename: {original}\n\tFilename: {renamed}\n" for original, renamed in files)
    return (f"Name: {name} ({user})\nAssignment: Attention\nDate Submitted: {stamp}\nCurrent Mark: Needs Marking\n\n"
            f"Submission Field:\nThere is no student submission text data for this assignment.\n\n"
            f"Comments:\nThere are no student comments for this assignment.\n\nFiles:\n{listed}")


def entries(layout: str) -> dict:
    """Archive name -> content, and what each student must score: {student id: (display name, status)}."""
    good, bad = right(), wrong()
    if layout == "canvas":
        files = {"smithjane_12345_67890_01_squeeze.ipynb": bad,  # first try, wrong
                 "smithjane_12345_67890_01_squeeze-1.ipynb": good,  # resubmitted: the newest wins
                 "doejohn_LATE_23456_78901_01_squeeze.ipynb": bad}
        expected = {"12345": ("smithjane", "passed"), "23456": ("doejohn", "failed")}
    elif layout == "moodle":
        files = {"Jane Smith_512345_assignsubmission_file_/01_squeeze.ipynb": good,
                 "John Doe_523456_assignsubmission_file_/01_squeeze.ipynb": bad}
        expected = {"512345": ("Jane Smith", "passed"), "523456": ("John Doe", "failed")}
    elif layout == "blackboard":
        early, late = "2026-03-01-09-15-00", "2026-03-02-18-40-12"
        files = {f"Attention_jsmith_attempt_{early}_01_squeeze.ipynb": bad,
                 f"Attention_jsmith_attempt_{early}.txt": blackboard_receipt(
                     "Jane Smith", "jsmith", "Sunday, 1 March 2026 09:15:00 o'clock GMT",
                     [("01_squeeze.ipynb", f"Attention_jsmith_attempt_{early}_01_squeeze.ipynb")]).encode(),
                 f"Attention_jsmith_attempt_{late}_01_squeeze.ipynb": good,
                 f"Attention_jsmith_attempt_{late}.txt": blackboard_receipt(
                     "Jane Smith", "jsmith", "Monday, 2 March 2026 18:40:12 o'clock GMT",
                     [("01_squeeze.ipynb", f"Attention_jsmith_attempt_{late}_01_squeeze.ipynb")]).encode(),
                 f"Attention_jdoe_attempt_{early}_01_squeeze.ipynb": bad,
                 f"Attention_jdoe_attempt_{early}.txt": blackboard_receipt(
                     "John Doe", "jdoe", "Sunday, 1 March 2026 09:15:00 o'clock GMT",
                     [("01_squeeze.ipynb", f"Attention_jdoe_attempt_{early}_01_squeeze.ipynb")]).encode()}
        expected = {"jsmith": ("Jane Smith", "passed"), "jdoe": ("John Doe", "failed")}
    elif layout == "nbgrader":
        files = {"submitted/jsmith/attention/01_squeeze.ipynb": good,
                 "submitted/jsmith/attention/timestamp.txt": b"2026-03-01 09:15:00.000000 UTC",
                 "submitted/jdoe/attention/01_squeeze.ipynb": bad,
                 "submitted/jdoe/attention/timestamp.txt": b"2026-03-01 09:16:00.000000 UTC"}
        expected = {"jsmith": ("jsmith", "passed"), "jdoe": ("jdoe", "failed")}
    else:
        files = {"class/jane.smith/01_squeeze.ipynb": good, "class/john.doe/01_squeeze.ipynb": bad}
        expected = {"jane.smith": ("jane.smith", "passed"), "john.doe": ("john.doe", "failed")}
    return files, expected


def write_zip(path: Path, files: dict) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return path
