"""Student notebooks made from the instructor sources: what a student who solved everything would submit.

The released notebook (``notebooks/attention``) with each solution cell filled in from the
instructor notebook (``solutions/attention``, matched by nbgrader ``grade_id``, the
``### BEGIN/END SOLUTION`` markers dropped). Built at run time, so it never goes stale.

Later notebooks carry no earlier answer: a notebook that builds on an earlier exercise (02 and 03
on ``squeeze``, 05 on ``ChannelAttention``) has an ungraded "paste" cell, which ``paste_own`` fills
with the student's own solution cell from the earlier notebook.
"""
import ast
import copy
from pathlib import Path

import nbformat

from autograder.grade.course import Course, nbgrader_meta

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


def defined_names(source: str) -> set:
    """Top-level functions and classes a cell defines (nothing when it does not parse)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


def paste_own(notebooks: dict, course: Course) -> dict:
    """Each paste cell (a solution cell that defines another notebook's exercise) filled with the student's own
    solution cell for that exercise; left as released when the student's earlier notebook is missing.

    notebooks: stem -> notebook node, or None for a notebook the student did not hand in (or that cannot be
    read); returns stem -> notebook node for the notebooks handed in.
    """
    from autograder.exercises import EXERCISES

    owner = {e.name: e.notebook for e in EXERCISES}
    own = {}  # exercise name -> the student's solution cell for it, from its own notebook
    for stem, notebook in notebooks.items():
        for cell in _solution_cells(notebook):
            own.update({name: cell.source for name in defined_names(cell.source) if owner.get(name) == stem})
    pasted = {}
    for stem, notebook in notebooks.items():
        if notebook is None:
            continue
        notebook = copy.deepcopy(notebook)
        released = nbformat.read(course.release / f"{stem}.ipynb", as_version=4)
        stubs = {nbgrader_meta(c).get("grade_id"): c.source for c in released.cells}
        for cell in _solution_cells(notebook):
            earlier = sorted(name for name in defined_names(cell.source) if owner.get(name) not in (None, stem))
            if earlier:
                cell.source = own.get(earlier[0], stubs.get(nbgrader_meta(cell).get("grade_id"), cell.source))
        pasted[stem] = notebook
    return pasted


def _solution_cells(notebook) -> list:
    if notebook is None:
        return []
    return [c for c in notebook.cells if c.cell_type == "code" and nbgrader_meta(c).get("solution")]
