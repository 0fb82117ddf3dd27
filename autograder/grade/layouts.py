"""How each LMS names a class's submissions, read into (student key, display name, files) per student.

- ``canvas``: one flat folder of renamed files, ``lastnamefirstname_USERID_SUBMISSIONID_file.ipynb``, with
  ``_LATE`` after the name for late work and ``-1``, ``-2`` before the extension on resubmitted files.
  The key is Canvas's user id.
- ``moodle``: a folder per student, ``Full Name_PARTICIPANTID_assignsubmission_file_/`` (or, without folders,
  files with that prefix). The key is the participant id, Moodle's "Identifier" in its grading worksheet.
- ``blackboard``: flat files ``Assignment_USERNAME_attempt_YYYY-MM-DD-HH-MM-SS_file.ipynb`` and a receipt
  ``Assignment_USERNAME_attempt_YYYY-MM-DD-HH-MM-SS.txt`` ("Name: First Last (username)"). The newest
  attempt wins. The key is the username.
- ``brightspace``: a folder per submission, ``SUBMISSIONID-USERID - Full Name - Mon D, YYYY HMM AM/`` (older
  downloads: ``H:MM AM``), beside an ``index.html``. A student's newest submission wins; the key is the user id.
- ``nbgrader``: ``submitted/STUDENT/ASSIGNMENT/`` as ``nbgrader collect`` leaves it. The key is the folder.
- ``folders``: a folder per student. The key is the folder name.
"""
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from autograder.exercises import ASSIGNMENT

from .names import readable, shown

LAYOUTS = ("canvas", "moodle", "blackboard", "brightspace", "nbgrader", "folders")
IGNORED = {"__MACOSX", ".ipynb_checkpoints", ".DS_Store"}

CANVAS = re.compile(r"^(?P<name>[^_]+?)(?P<late>_LATE)?_(?P<user>\d+)_(?P<submission>\d+)_(?P<file>.+)$")
# The LMS's prefix is read up to its FIRST separator: what follows is the student's own file name, which may
# itself look like another student's prefix ("x_43_assignsubmission_file_01_squeeze.ipynb").
MOODLE = re.compile(r"^(?P<name>.+?)_(?P<participant>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<file>.*)$")
MOODLE_FOLDER = re.compile(r"^(?P<name>.+)_(?P<participant>\d+)_assignsubmission_(?P<plugin>[a-z]+)_$")
BLACKBOARD = re.compile(r"^(?P<assignment>.+?)_(?P<user>[^_]+)_attempt_"
                        r"(?P<date>\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})(?:_(?P<file>.+))?$")
BRIGHTSPACE = re.compile(r"^(?P<submission>\d+)-(?P<user>\d+) - (?P<name>.+) - "
                         r"(?P<date>[A-Z][a-z]{2} \d{1,2}, \d{4} \d{1,2}:?\d{2} [AP]M)$")
BLACKBOARD_NAME = re.compile(r"^Name:\s*(?P<name>.*?)\s*\((?P<user>[^()]*)\)\s*$", re.MULTILINE)


@dataclass
class Student:
    """One student as the LMS names them: `key` (its identifier), `name`, files (logical name -> path)."""
    key: str
    name: str
    files: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)


def entries(root: Path) -> list:
    return sorted((p for p in root.iterdir() if p.name not in IGNORED and not p.name.startswith(".")),
                  key=lambda p: p.name)


def plain_files(folder: Path) -> dict:
    return {p.name: p for p in entries(folder) if p.is_file() and not p.is_symlink()}


def files_of(folder: Path, student: "Student") -> dict:
    """The plain files of a student's folder; one that cannot be read is noted on the student, not raised."""
    try:
        return plain_files(folder)
    except OSError as error:
        student.notes.append(f"the folder cannot be read ({error.strerror or error})")
        return {}


def detect(root: Path) -> str:
    """The layout whose naming most of the entries of `root` follow (``folders`` when none does)."""
    items = entries(root)
    files = [p for p in items if p.is_file()]
    folders = [p for p in items if p.is_dir() and not p.is_symlink()]
    votes = {
        "canvas": sum(bool(CANVAS.match(p.name)) for p in files),
        "blackboard": sum(bool(BLACKBOARD.match(Path(p.name).stem if p.suffix == ".txt" else p.name)) for p in files),
        "moodle": sum(bool(MOODLE.match(p.name)) for p in items),
        "brightspace": sum(bool(BRIGHTSPACE.match(p.name)) for p in folders),
        "nbgrader": sum((p / ASSIGNMENT).is_dir() for p in folders),
    }
    best = max(votes, key=lambda name: votes[name])
    return best if votes[best] and votes[best] * 2 >= len(items) else "folders"


def folders(root: Path) -> tuple:
    """One student per folder; the notebooks in it or in its ASSIGNMENT folder."""
    students, notes = [], []
    for entry in entries(root):
        if entry.is_symlink() or not entry.is_dir():
            notes.append(f"{shown(entry.name)} is not a student folder, ignored")
            continue
        nested = entry / ASSIGNMENT
        home = nested if nested.is_dir() and not nested.is_symlink() else entry
        student = Student(entry.name, readable(entry.name))
        student.files = files_of(home, student)  # a folder the grader may not read: listed, with why
        students.append(student)
    return students, notes


def canvas(root: Path) -> tuple:
    students, notes = {}, []
    for name, path in plain_files(root).items():
        match = CANVAS.match(name)
        if not match:
            notes.append(f"{shown(name)} is not named as Canvas names submissions, ignored")
            continue
        student = students.setdefault(match["user"], Student(match["user"], match["name"]))
        student.files[match["file"]] = path
        if match["late"] and "submitted late (Canvas marked it LATE)" not in student.notes:
            student.notes.append("submitted late (Canvas marked it LATE)")
    notes += [f"{shown(p.name)} is a folder in a Canvas download, ignored" for p in entries(root) if p.is_dir()]
    return list(students.values()), notes


def moodle(root: Path) -> tuple:
    students, notes = {}, []
    for entry in entries(root):
        match = (MOODLE_FOLDER if entry.is_dir() else MOODLE).match(entry.name)
        if not match or entry.is_symlink():
            notes.append(f"{shown(entry.name)} is not named as Moodle names submissions, ignored")
            continue
        student = students.setdefault(match["participant"], Student(match["participant"], readable(match["name"])))
        if entry.is_dir():
            student.files.update(files_of(entry, student))
        elif match["file"] and entry.is_file():
            student.files[match["file"]] = entry
    return list(students.values()), notes


def blackboard(root: Path) -> tuple:
    """Files grouped by username; only the newest attempt's files are graded."""
    attempts, names, notes = {}, {}, []
    for name, path in plain_files(root).items():
        match = BLACKBOARD.match(Path(name).stem if name.endswith(".txt") else name)
        if not match:
            notes.append(f"{shown(name)} is not named as Blackboard names submissions, ignored")
            continue
        if name.endswith(".txt") and not match["file"]:  # the receipt
            receipt = BLACKBOARD_NAME.search(path.read_text("utf-8", "replace")[:10000])
            if receipt:
                names[match["user"]] = receipt["name"]
            continue
        attempts.setdefault(match["user"], {}).setdefault(match["date"], {})[match["file"]] = path
    students = []
    for user, by_date in sorted(attempts.items()):
        newest = max(by_date)
        student = Student(user, names.get(user, user), by_date[newest])
        if len(by_date) > 1:
            student.notes.append(f"{len(by_date)} attempts; the newest ({newest}) graded")
        students.append(student)
    return students, notes


def brightspace_date(text: str) -> datetime:
    """"Sep 24, 2024 926 PM" or "Sep 29, 2015 4:17 PM" as a time."""
    day, clock, half = text.rsplit(" ", 2)
    clock = clock.replace(":", "").zfill(4)
    return datetime.strptime(f"{day} {clock[:2]}:{clock[2:]} {half}", "%b %d, %Y %I:%M %p")


def brightspace(root: Path) -> tuple:
    """A folder per submission, grouped by user id; only the newest submission's files are graded."""
    by_user, notes = {}, []
    for entry in entries(root):
        match = BRIGHTSPACE.match(entry.name) if entry.is_dir() and not entry.is_symlink() else None
        if entry.name == "index.html" and entry.is_file():
            continue  # Brightspace's own list of the download
        try:
            when = brightspace_date(match["date"]) if match else None
        except ValueError:
            when = None
        if when is None:
            notes.append(f"{shown(entry.name)} is not named as Brightspace names submissions, ignored")
            continue
        by_user.setdefault(match["user"], []).append((when, entry.name, match["name"], entry))
    students = []
    for user, submitted in sorted(by_user.items()):
        when, _, name, folder = max(submitted)
        student = Student(user, readable(name))
        student.files = files_of(folder, student)
        if len(submitted) > 1:
            student.notes.append(f"{len(submitted)} submissions; the newest ({when:%Y-%m-%d %H:%M}) graded")
        students.append(student)
    return students, notes


def read(root: Path, layout: str) -> tuple:
    """(students, notes) of `root` read as `layout`."""
    if layout == "canvas":
        return canvas(root)
    if layout == "moodle":
        return moodle(root)
    if layout == "blackboard":
        return blackboard(root)
    if layout == "brightspace":
        return brightspace(root)
    return folders(root)
