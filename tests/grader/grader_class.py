"""Build a small class of submissions from the instructor notebooks and grade it, for the grader's tests."""
import copy
import csv
import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

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
    rows = scores(out)
    rows["batch"] = batch
    return rows


def as_uid_1000(command: list) -> list:
    """`command` in a user namespace where it runs as uid 1000 (the files it needs stay its own)."""
    return ["bwrap", "--unshare-user", "--uid", "1000", "--gid", "1000", "--dev-bind", "/", "/", *command]


def grade_without_root(submissions: Path, out: Path, timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    """`python -m autograder grade` on one worker as uid 1000 in a user namespace, as an instructor without root
    runs it (every process of a sandbox then shares the grader's uid); skips where that cannot be set up."""
    from autograder.grade import sandbox

    if os.getuid() != 0 or not shutil.which("bwrap") or not sandbox.bwrap_works():
        pytest.skip("needs root and a working bubblewrap to run the grader as another uid")
    probe = subprocess.run(as_uid_1000([sys.executable, "-c", "import os; print(os.getuid())"]),
                           capture_output=True, text=True, timeout=60)
    if probe.stdout.strip() != "1000":
        pytest.skip(f"no user namespace here: {probe.stderr.strip()[:200]}")
    run = subprocess.run(without_root_command(submissions, out, timeout), capture_output=True, text=True,
                         timeout=900, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-3000:]
    return run


def without_root_command(submissions: Path, out: Path, timeout: float = TIMEOUT) -> list:
    """`python -m autograder grade` on one worker, as uid 1000 in a user namespace."""
    return as_uid_1000([sys.executable, "-m", "autograder", "grade", str(submissions), "--out", str(out),
                        "--workers", "1", "--timeout", str(timeout), "--no-progress",
                        "--gradebook", str(out.parent / f"{out.name}.db"), "--course-root", str(ROOT)])


def scores(out: Path) -> dict:
    """{student: {exercise: row of scores.csv}}."""
    rows = {}
    with open(out / "scores.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows.setdefault(row["student_id"], {})[row["exercise"]] = row
    return rows


def grades(out: Path) -> dict:
    with open(out / "grades.csv", newline="", encoding="utf-8") as handle:
        return {row["student_id"]: row for row in csv.DictReader(handle)}


__all__ = ["ROOT", "UNREADABLE", "WRONG_SQUEEZE", "course", "solved", "strip_metadata", "with_cells", "write_class",
           "grade_class", "grade_without_root", "without_root_command", "as_uid_1000", "scores", "grades",
           "shutil"]
