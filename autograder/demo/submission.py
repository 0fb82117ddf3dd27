"""Student notebooks made from the instructor sources: what a student who solved everything would submit.

The released notebook (``notebooks/attention``) with each solution cell filled in from the
instructor notebook (``solutions/attention``, matched by nbgrader ``grade_id``, the
``### BEGIN/END SOLUTION`` markers dropped). Built at run time, so it never goes stale.
"""
import copy
from pathlib import Path

import nbformat

from autograder.grade.course import Course
from autograder.grade.course import nbgrader_meta

MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def solved_source(source: str) -> str:
    return "\n".join(line for line in source.splitlines() if line.strip() not in MARKERS)


def solved_notebook(course: Course, stem: str) -> nbformat.NotebookNode:
    """The released notebook `stem` with every solution cell solved."""
    source = nbformat.read(course.source / f"{stem}.ipynb", as_version=4)
    answers = {nbgrader_meta(c).get("grade_id"): solved_source(c.source)
               for c in source.cells if nbgrader_meta(c).get("solution")}
    released = course.release / f"{stem}.ipynb"
    if not released.exists():  # no release yet: the instructor notebook, hidden tests and all, is skipped as tests
        notebook = copy.deepcopy(source)
    else:
        notebook = nbformat.read(released, as_version=4)
    for cell in notebook.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if nbgrader_meta(cell).get("solution") and grade_id in answers:
            cell.source = answers[grade_id]
    return notebook


def strip_metadata(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook as it comes back from Colab: no nbgrader metadata, ids and kernel kept."""
    notebook = copy.deepcopy(notebook)
    for cell in notebook.cells:
        cell.metadata.pop("nbgrader", None)
    return notebook


def with_cells(notebook: nbformat.NotebookNode, *sources: str) -> nbformat.NotebookNode:
    """The notebook with code cells appended (a student's later redefinition or trick)."""
    notebook = copy.deepcopy(notebook)
    notebook.cells.extend(nbformat.v4.new_code_cell(source) for source in sources)
    return notebook


def write(notebook: nbformat.NotebookNode, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return path
