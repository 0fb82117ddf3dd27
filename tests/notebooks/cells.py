"""Read the course's notebooks and sort their cells by nbgrader role, for the notebook tests."""
from pathlib import Path

import nbformat

from autograder.exercises import ASSIGNMENT, EXERCISES, NOTEBOOKS

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "solutions" / ASSIGNMENT
RELEASES = ROOT / "notebooks" / ASSIGNMENT


def read(path: Path):
    return nbformat.read(path, as_version=4)


def source(stem: str):
    return read(SOURCES / f"{stem}.ipynb")


def nbgrader(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def graded_cells(nb) -> dict:
    """grade_id -> the autograded test cell (a graded code cell that is not a solution)."""
    return {nbgrader(c)["grade_id"]: c for c in nb.cells
            if c.cell_type == "code" and nbgrader(c).get("grade") and not nbgrader(c).get("solution")}


def answer_cells(nb) -> dict:
    """grade_id -> the manually graded answer cell (a graded markdown solution cell)."""
    return {nbgrader(c)["grade_id"]: c for c in nb.cells
            if c.cell_type == "markdown" and nbgrader(c).get("grade") and nbgrader(c).get("solution")}


def setup_code(nb) -> list:
    """Sources of the given (read-only) code cells and the solution cells, in notebook order."""
    return [c.source for c in nb.cells if c.cell_type == "code" and nbgrader(c)
            and not nbgrader(c).get("grade") and (nbgrader(c).get("locked") or nbgrader(c).get("solution"))]


def exercises_of(stem: str) -> list:
    return [e for e in EXERCISES if e.notebook == stem]


__all__ = ["ROOT", "SOURCES", "RELEASES", "NOTEBOOKS", "EXERCISES", "read", "source", "nbgrader", "graded_cells",
           "answer_cells", "setup_code", "exercises_of"]
