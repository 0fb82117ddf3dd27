"""The instructor's facts: where the course's files live, and what its instructor notebooks say.

``CourseDirectory.source_directory`` (the instructor sources, ``solutions``) and
``release_directory`` (the student notebooks, ``notebooks``) come from the repository's
nbgrader configuration; the gradebook defaults to ``gradebook.db`` at the course root.

Points come from the nbgrader metadata of the test cell whose ``grade_id`` is the exercise
id in ``solutions/`` (never from a student's notebook); manually graded answers (nbgrader cells
with ``grade`` and ``solution`` both true) are counted apart, for the instructor to grade by hand.
The test cells' sources of both the instructor and the released notebooks let the grader
recognise test cells in a notebook whose metadata was lost.
"""
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.exercises import ASSIGNMENT, EXERCISES, NOTEBOOKS

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Course:
    root: Path
    source: Path  # solutions/attention: trusted, with points and hidden tests
    release: Path  # notebooks/attention: what students received
    gradebook: Path


def load_course(root: Path = ROOT, gradebook: Path | None = None) -> Course:
    """The course at `root`, with the directories nbgrader_config.py names (the course's names otherwise)."""
    root = Path(root).resolve()
    source_dir, release_dir = "solutions", "notebooks"  # the course's names, also in nbgrader_config.py
    config_file = root / "nbgrader_config.py"
    if config_file.exists():
        from traitlets.config.loader import PyFileConfigLoader

        config = PyFileConfigLoader(config_file.name, path=str(root)).load_config()
        source_dir = config.CourseDirectory.get("source_directory", source_dir)
        release_dir = config.CourseDirectory.get("release_directory", release_dir)
    return Course(
        root=root,
        source=root / source_dir / ASSIGNMENT,
        release=root / release_dir / ASSIGNMENT,
        gradebook=Path(gradebook) if gradebook else root / "gradebook.db",
    )


class CourseError(RuntimeError):
    """The instructor files are missing or inconsistent: the grader cannot run."""


def nbgrader_meta(cell) -> dict:
    """A cell's nbgrader metadata; {} for anything else, whatever a damaged notebook holds there."""
    metadata = cell.get("metadata") if isinstance(cell, dict) else None
    meta = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return meta if isinstance(meta, dict) else {}


def is_test_cell(cell) -> bool:
    meta = nbgrader_meta(cell)
    return cell.get("cell_type") == "code" and bool(meta.get("grade")) and not meta.get("solution")


def normalise(source: str) -> str:
    """Source compared without blank lines and trailing spaces (students' editors change those)."""
    return "\n".join(line.rstrip() for line in source.splitlines() if line.strip())


def max_scores(source: Path) -> dict:
    """Exercise id -> points, from the instructor notebooks' graded test cells."""
    points = {}
    for stem in NOTEBOOKS:
        path = Path(source) / f"{stem}.ipynb"
        if not path.exists():
            raise CourseError(f"the instructor notebook {path} is missing: max scores come from it")
        for cell in nbformat.read(path, as_version=4).cells:
            meta = nbgrader_meta(cell)
            if meta.get("grade") and not meta.get("solution") and meta.get("grade_id"):
                points[meta["grade_id"]] = float(meta.get("points", 0))
    missing = [e.id for e in EXERCISES if e.id not in points]
    if missing:
        raise CourseError(f"no graded cell with grade_id {', '.join(missing)} in {source}")
    return {e.id: points[e.id] for e in EXERCISES}


def manual_points(source: Path) -> dict:
    """Notebook stem -> points of its manually graded answer cells (grade and solution both true)."""
    points = {}
    for stem in NOTEBOOKS:
        path = Path(source) / f"{stem}.ipynb"
        if path.exists():
            points[stem] = sum(float(nbgrader_meta(c).get("points", 0)) for c in nbformat.read(path, as_version=4).cells
                               if nbgrader_meta(c).get("grade") and nbgrader_meta(c).get("solution"))
    return points


def test_sources(*folders: Path) -> frozenset:
    """Normalised sources of every test cell in the notebooks of the given folders."""
    found = set()
    for folder in folders:
        for stem in NOTEBOOKS:
            path = Path(folder) / f"{stem}.ipynb"
            if path.exists():
                found.update(normalise(c.source) for c in nbformat.read(path, as_version=4).cells if is_test_cell(c))
    return frozenset(found)
