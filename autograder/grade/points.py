"""Trusted facts read from the instructor notebooks: each exercise's points and the test cells' text.

Points come from the nbgrader metadata of the test cell whose ``grade_id`` is the exercise
id in ``solutions/`` (never from a student's notebook). The test cells' sources of both the
instructor and the released notebooks let the grader recognise test cells in a notebook whose
metadata was lost.
"""
from pathlib import Path

import nbformat

from autograder.exercises import EXERCISES, NOTEBOOKS


class CourseError(RuntimeError):
    """The instructor files are missing or inconsistent: the grader cannot run."""


def nbgrader_meta(cell) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
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
            if meta.get("grade") and meta.get("grade_id"):
                points[meta["grade_id"]] = float(meta.get("points", 0))
    missing = [e.id for e in EXERCISES if e.id not in points]
    if missing:
        raise CourseError(f"no graded cell with grade_id {', '.join(missing)} in {source}")
    return {e.id: points[e.id] for e in EXERCISES}


def test_sources(*folders: Path) -> frozenset:
    """Normalised sources of every test cell in the notebooks of the given folders."""
    found = set()
    for folder in folders:
        for stem in NOTEBOOKS:
            path = Path(folder) / f"{stem}.ipynb"
            if path.exists():
                found.update(normalise(c.source) for c in nbformat.read(path, as_version=4).cells if is_test_cell(c))
    return frozenset(found)
