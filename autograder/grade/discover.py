"""Find the students and their notebooks in a submissions folder.

Accepted layouts: ``ROOT/STUDENT/NN_topic.ipynb`` and nbgrader's
``ROOT/STUDENT/attention/NN_topic.ipynb``, under any number of single wrapping folders
(``submitted/``, the name of a zip). A notebook renamed by a download ("01_squeeze (1).ipynb",
"Copy of 01_squeeze.ipynb") is matched by its NN_topic stem and noted.
"""
from dataclasses import dataclass, field
from pathlib import Path

from autograder.exercises import ASSIGNMENT, NOTEBOOKS

IGNORED = {"__MACOSX", ".ipynb_checkpoints"}


@dataclass
class Submission:
    student: str
    folder: Path
    notebooks: dict  # stem -> Path, for the notebooks found
    notes: list = field(default_factory=list)


def notebook_folder(folder: Path) -> Path:
    nested = folder / ASSIGNMENT
    return nested if nested.is_dir() else folder


def holds_notebooks(folder: Path) -> bool:
    return any(notebook_folder(folder).glob("*.ipynb"))


def class_root(root: Path) -> Path:
    """Descend through single wrapping folders until the student folders appear."""
    for _ in range(4):
        children = [c for c in root.iterdir() if c.is_dir() and c.name not in IGNORED and not c.name.startswith(".")]
        if len(children) == 1 and not holds_notebooks(children[0]) and not any(root.glob("*.ipynb")):
            root = children[0]
        else:
            break
    return root


def find_notebooks(folder: Path) -> tuple:
    found, notes = {}, []
    files = sorted(p for p in notebook_folder(folder).glob("*.ipynb") if p.is_file() and not p.is_symlink())
    for stem in NOTEBOOKS:
        exact = [p for p in files if p.stem == stem]
        loose = [p for p in files if stem.lower() in p.stem.lower()]
        if exact:
            found[stem] = exact[0]
        elif loose:
            found[stem] = loose[0]
            notes.append(f"{loose[0].name} graded as {stem}.ipynb")
    unused = [p.name for p in files if p not in found.values()]
    if unused:
        notes.append("not a notebook of the assignment, ignored: " + ", ".join(unused))
    return found, notes


def find_submissions(root: Path) -> tuple:
    """(submissions sorted by student id, notes about entries that are not student folders)."""
    root = class_root(Path(root))
    submissions, notes = [], []
    for entry in sorted(root.iterdir(), key=lambda p: p.name):
        if entry.name in IGNORED or entry.name.startswith("."):
            continue
        if entry.is_symlink() or not entry.is_dir():
            notes.append(f"{entry.name!r} is not a student folder, ignored")
            continue
        notebooks, found_notes = find_notebooks(entry)
        submissions.append(Submission(entry.name, entry, notebooks, found_notes))
    return submissions, notes
