"""Build a small class of submissions from the instructor notebooks and grade it, for the grader's tests."""
import copy
import csv
import functools
import shutil
from pathlib import Path

import nbformat

from autograder.demo.submission import solved_notebook, strip_metadata, with_cells
from autograder.grade.batch import grade
from autograder.grade.course import load_course

ROOT = Path(__file__).resolve().parents[2]
WRONG_SQUEEZE = "def squeeze(x):\n    return x[:, :, :1, :1]  # one pixel, not the mean\n"
TIMEOUT = 10  # seconds per exercise: endless loops cost this much, a loaded CI machine needs slack
UNREADABLE = b"not a notebook"  # refused when read, so its student is recorded without starting a sandbox


@functools.cache
def course():
    return load_course(ROOT)


@functools.cache
def _solved(stem: str):
    return solved_notebook(course(), stem)


def solved(stem: str = "01_squeeze"):
    """A student's notebook `stem` with every exercise solved: read once, a fresh copy each call."""
    return copy.deepcopy(_solved(stem))


def write_class(folder: Path, students: dict) -> Path:
    """students: id -> {file name: notebook node | bytes}; writes folder/ID/attention/NAME."""
    for student, files in students.items():
        home = folder / student / "attention"
        home.mkdir(parents=True, exist_ok=True)
        for name, content in files.items():
            path = home / name
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                nbformat.write(content, path)
    return folder


def grade_class(submissions: Path, out: Path, **options) -> dict:
    """Grade; returns {student: {exercise: row of scores.csv}} and keeps the batch as ['batch'].

    One worker unless asked: its warm sandbox grades the class one student after another, one start per batch."""
    options = {"workers": 1, "timeout": TIMEOUT, "progress": False, "gradebook": out / "gradebook.db", **options}
    batch = grade(submissions, out, **options)
    rows = {}
    with open(out / "scores.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows.setdefault(row["student_id"], {})[row["exercise"]] = row
    rows["batch"] = batch
    return rows


def grades(out: Path) -> dict:
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


__all__ = ["ROOT", "UNREADABLE", "WRONG_SQUEEZE", "course", "solved", "strip_metadata", "with_cells", "write_class",
           "grade_class", "grades", "shutil"]
