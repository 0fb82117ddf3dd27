"""The grader's small steps alone: zip paths, test-cell recognition, magics, feedback escaping, tables."""
import csv

import nbformat
import pytest

from autograder.grade.cells import NotebookError, blank_magics, student_cells
from autograder.grade.course import normalise
from autograder.grade.outputs import write_tables
from autograder.grade.submissions import safe_parts


@pytest.mark.parametrize("name, parts", [
    ("a/b.ipynb", ("a", "b.ipynb")), ("./a//b", ("a", "b")), ("../x/a.ipynb", None), ("/etc/passwd", None),
    ("a/../../b", None), ("C:/x", None), ("a\\..\\..\\b", None), ("__MACOSX/a/._b", None),
])
def test_zip_paths_stay_inside(name, parts):
    assert safe_parts(name) == parts


def notebook_file(tmp_path, cells, metadata=True):
    notebook = nbformat.v4.new_notebook()
    for source, meta in cells:
        cell = nbformat.v4.new_code_cell(source)
        if metadata and meta:
            cell.metadata["nbgrader"] = meta
        notebook.cells.append(cell)
    path = tmp_path / "n.ipynb"
    nbformat.write(notebook, path)
    return path


def test_test_cells_are_left_out_by_metadata_or_by_their_released_text(tmp_path):
    test = "from autograder.checks import check\ncheck('squeeze', squeeze)"
    cells = [("def squeeze(x):\n    return x", {"solution": True, "grade": False, "grade_id": "a"}),
             (test, {"grade": True, "solution": False, "grade_id": "squeeze", "points": 1})]
    with_meta, notes = student_cells(notebook_file(tmp_path, cells), frozenset())
    assert with_meta == ["def squeeze(x):\n    return x"] and not notes
    lost, notes = student_cells(notebook_file(tmp_path, cells, metadata=False), frozenset({normalise(test + "\n\n")}))
    assert lost == ["def squeeze(x):\n    return x"] and "no nbgrader metadata" in notes[0]


def test_magics_are_blanked_keeping_indentation():
    assert blank_magics("%matplotlib inline\nif x:\n    !pip install y\nz = 1") == \
        "pass  # IPython magic left out\nif x:\n    pass  # IPython magic left out\nz = 1"
    assert blank_magics("%%time\nx = 1") == "x = 1"


@pytest.mark.parametrize("content", [b"", b"{", b"[1, 2]", b"\xff\xfe"])
def test_unreadable_files_raise_a_notebook_error(tmp_path, content):
    path = tmp_path / "n.ipynb"
    path.write_bytes(content)
    with pytest.raises(NotebookError):
        student_cells(path, frozenset())


def test_tables_total_each_student(tmp_path):
    records = [{"student": "b", "attention": "", "results": [
        {"exercise": "squeeze", "notebook": "01_squeeze", "score": 2.0, "max_score": 2.0, "status": "passed",
         "message": "ok, \"quoted\""},
        {"exercise": "cbam", "notebook": "05_spatial_attention", "score": 0.0, "max_score": 3.0, "status": "missing",
         "message": "x"}]}]
    write_tables(tmp_path, records)
    grades = list(csv.DictReader((tmp_path / "grades.csv").open()))
    assert grades == [{"student_id": "b", "display_name": "b", "total": "2", "max_total": "5", "to_grade_by_hand": "",
                       "needs_attention": ""}]
    scores = list(csv.DictReader((tmp_path / "scores.csv").open()))
    assert [r["status"] for r in scores] == ["passed", "missing"] and scores[0]["message"] == 'ok, "quoted"'


def test_a_check_whose_probe_raised_keeps_its_input_section_and_mistake():
    from autograder.checks import cases
    from autograder.exercises import BY_ID
    from autograder.grade.scoring import judged

    exercise, plan = BY_ID["eca_block"], cases("eca_block")[:2]
    error = "ECABlock(64): expected 3 kernel taps; found 5. Hint: gamma and b were not passed on."
    entries = {"defined": True, "cells": [], "cases": [{"ok": False, "error": error}] * 2}
    status, _, checks = judged(exercise, plan, entries)
    assert status == "failed" and len(checks) == 2
    assert checks[0]["section"] == "03_eca#the-1-d-convolution-across-channels", checks[0]
    assert checks[0]["mistake"] == "gamma and b were not passed on"
    assert "64" in checks[0]["input"]
