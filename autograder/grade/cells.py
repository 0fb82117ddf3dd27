"""The code a student wrote: the code cells of a submitted notebook, test cells left out.

A test cell is recognised by its nbgrader metadata or, when the metadata was lost (after a
round trip through Colab, say), by its source matching a released test cell. IPython magics
(``%matplotlib``, ``!pip``) have no meaning outside a kernel and are blanked. The notebook is
parsed as plain JSON, leniently: a kernel other than Python is noted, not refused. A Windows editor's
byte-order mark and CRLF lines are read as any other notebook; an nbformat 3 notebook is upgraded to 4.
"""
import json
from pathlib import Path

from .course import is_test_cell, normalise

NOTEBOOK_BYTES = 20 * 2**20


class NotebookError(ValueError):
    """The file cannot be read as a notebook (truncated, empty, not JSON, too large)."""


def blank_magics(source: str) -> str:
    lines = source.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        lines = lines[1:]
    kept = []
    for line in lines:
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            line = line[: len(line) - len(stripped)] + "pass  # IPython magic left out"
        kept.append(line)
    return "\n".join(kept)


def cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def read_notebook(path: Path) -> dict:
    size = path.stat().st_size
    if size == 0:
        raise NotebookError("the file is empty")
    if size > NOTEBOOK_BYTES:
        raise NotebookError(f"the file is {size / 2**20:.0f} MiB, more than a notebook's limit of {NOTEBOOK_BYTES // 2**20} MiB")
    try:
        notebook = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise NotebookError(f"the file is not a notebook (invalid JSON: {error})") from None
    if isinstance(notebook, dict) and notebook.get("nbformat") == 3:
        notebook = upgraded(notebook)
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise NotebookError("the file is not a notebook (no list of cells)")
    return notebook


def upgraded(notebook: dict) -> dict:
    """An nbformat 3 notebook (cells in worksheets, code in "input") as nbformat 4."""
    import nbformat

    try:
        return nbformat.convert(nbformat.from_dict(notebook), 4)
    except Exception as error:  # nbformat raises what the malformed notebook makes it raise
        raise NotebookError(f"the file is an nbformat 3 notebook that cannot be upgraded ({error})") from None


def student_cells(path: Path, test_sources: frozenset) -> tuple:
    """(sources of the student's code cells, notes about the notebook)."""
    notebook = read_notebook(path)
    notes = []
    kernel = notebook.get("metadata", {}).get("kernelspec", {}) if isinstance(notebook.get("metadata"), dict) else {}
    language = str(kernel.get("language", "python")) if isinstance(kernel, dict) else "python"
    if language.lower() != "python":
        notes.append(f"the notebook's kernel is {language!r}; its cells were run as Python")
    sources, metadata_lost = [], True
    for cell in notebook["cells"]:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        if isinstance(cell.get("metadata"), dict) and "nbgrader" in cell["metadata"]:
            metadata_lost = False
        source = cell_source(cell)
        if is_test_cell(cell) or normalise(source) in test_sources or "### BEGIN HIDDEN TESTS" in source:
            continue
        sources.append(blank_magics(source))
    if metadata_lost:
        notes.append("the notebook has no nbgrader metadata (as after Colab); graded by the names of the API")
    return sources, notes
