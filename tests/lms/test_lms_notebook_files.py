"""Notebooks as editors and older tools save them are read like any other: a Windows editor's byte-order
mark and CRLF lines, and nbformat 3 (cells in worksheets, code in "input")."""
import nbformat
import pytest

from autograder.grade.cells import NotebookError, student_cells

SOURCE = "def squeeze(x):\n    return x.mean((2, 3), keepdim=True)"


def test_a_byte_order_mark_and_crlf_lines_are_read(tmp_path):
    path = tmp_path / "01_squeeze.ipynb"
    text = nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SOURCE)]))
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert student_cells(path, frozenset())[0] == [SOURCE]


def test_an_nbformat3_notebook_is_upgraded(tmp_path):
    path = tmp_path / "01_squeeze.ipynb"
    path.write_text(nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SOURCE)]), version=3))
    assert '"worksheets"' in path.read_text() and '"input"' in path.read_text()
    assert student_cells(path, frozenset())[0] == [SOURCE]


def test_a_broken_nbformat3_notebook_is_a_notebook_error(tmp_path):
    path = tmp_path / "01_squeeze.ipynb"
    path.write_text('{"nbformat": 3, "nbformat_minor": 0, "worksheets": 7, "metadata": {}}')
    with pytest.raises(NotebookError):
        student_cells(path, frozenset())
