"""Damaged notebook files: each must read as "not a notebook" (that notebook's exercises missing, the
student's other notebooks graded), never raise anything else out of the grader's reading of it."""
import json

import pytest

from autograder.grade.cells import NotebookError, student_cells

CODE = {"cell_type": "code", "source": "x = 1", "metadata": {}, "outputs": [], "execution_count": None}


def notebook(**changes) -> str:
    return json.dumps({"cells": [CODE], "metadata": {}, "nbformat": 4, "nbformat_minor": 5, **changes})


@pytest.mark.parametrize("text", [
    notebook(cells=[{**CODE, "source": [1, 2]}]),  # a source list holding numbers
    '{"cells": [], "n": ' + "9" * 5000 + "}",  # an integer longer than Python converts
    '{"cells": [], "x": ' + "[" * 100_000 + "]" * 100_000 + "}",  # valid JSON nested past the recursion limit
], ids=["source-numbers", "huge-integer", "deep-nesting"])
def test_a_damaged_notebook_is_refused_as_not_a_notebook(tmp_path, text):
    path = tmp_path / "01_squeeze.ipynb"
    path.write_text(text)
    try:
        sources, _ = student_cells(path, frozenset())  # read leniently: fine, as long as it is code
        assert all(isinstance(source, str) for source in sources)
    except NotebookError:
        pass  # refused with the grader's own message: that notebook's exercises become "missing"


@pytest.mark.parametrize("text", [
    notebook(metadata={"kernelspec": {"language": None}}),
    json.dumps({"cells": [{"cell_type": "code"}]}),  # no metadata, no outputs, no source
    notebook(cells=[{**CODE, "metadata": {"nbgrader": [1]}}]),
    notebook(cells=[{**CODE, "metadata": []}, "not a cell"]),  # metadata that is not an object, a stray value
])
def test_odd_but_readable_notebooks_are_read(tmp_path, text):
    path = tmp_path / "01_squeeze.ipynb"
    path.write_text(text)
    sources, _ = student_cells(path, frozenset())
    assert isinstance(sources, list)


@pytest.mark.parametrize("language", ["x" * 5_000_000, ["r"] * 1_000_000])
def test_an_odd_kernel_language_gives_a_short_note(tmp_path, language):
    path = tmp_path / "01_squeeze.ipynb"
    path.write_text(notebook(metadata={"kernelspec": {"language": language}}))
    _, notes = student_cells(path, frozenset())
    assert notes and all(len(note) < 300 for note in notes)
