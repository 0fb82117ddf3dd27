"""What a student wrote: the code cells of a submitted notebook (test cells left out), and its answers.

A test cell is recognised by its nbgrader metadata or, when the metadata was lost (after a
round trip through Colab, say), by its source matching a released test cell. IPython magics
(``%matplotlib``, ``!pip``) have no meaning outside a kernel and are blanked. The notebook is
parsed as plain JSON, leniently: a kernel other than Python is noted, not refused. A Windows editor's
byte-order mark and CRLF lines are read as any other notebook; an nbformat 3 notebook is upgraded to 4.
The file is opened without following a link, and only a regular file of at most NOTEBOOK_BYTES is read.

The answers to the questions at the end of each notebook (manually graded markdown cells) are
found by their grade id or, without metadata, as the markdown cell right after the question;
the questions themselves come from the instructor notebooks, never from the student's file.
"""
import json
import os
import stat
from functools import lru_cache
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
    if isinstance(source, str):
        return source
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        return "".join(source)
    raise NotebookError("a cell's source is neither text nor a list of lines of text")


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file of at most NOTEBOOK_BYTES, opened without following a link."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        raise NotebookError(f"the file cannot be opened ({error.strerror}; a link is not followed)") from None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise NotebookError("the file is not a regular file")
        if info.st_size == 0:
            raise NotebookError("the file is empty")
        if info.st_size > NOTEBOOK_BYTES:
            raise NotebookError(f"the file is {info.st_size / 2**20:.0f} MiB, more than a notebook's limit of "
                                f"{NOTEBOOK_BYTES // 2**20} MiB")
        data = file.read(NOTEBOOK_BYTES + 1)
    if len(data) > NOTEBOOK_BYTES:
        raise NotebookError(f"the file grew past a notebook's limit of {NOTEBOOK_BYTES // 2**20} MiB while read")
    return data


def read_notebook(path: Path) -> dict:
    data = read_bytes(Path(path))
    try:
        notebook = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:  # ValueError: bad JSON, or an integer of thousands of digits
        raise NotebookError(f"the file is not a notebook (invalid JSON: {str(error)[:200]})") from None
    except RecursionError:
        raise NotebookError("the file is not a notebook (JSON nested too deeply)") from None
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
    language = kernel.get("language", "python") if isinstance(kernel, dict) else "python"
    # a note, not the student's text: a name of at most 100 characters, never the str() of a large value
    language = str(language)[:100] if isinstance(language, (str, int, float, type(None))) else type(language).__name__
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


ANSWER_CHARS = 4000  # of one answer, kept in the record (the page shows it whole, or cut with a note)
UNTOUCHED = "YOUR ANSWER HERE"  # what nbgrader leaves in a released answer cell


def _meta(cell: dict) -> dict:
    meta = cell.get("metadata")
    meta = meta.get("nbgrader") if isinstance(meta, dict) else None
    return meta if isinstance(meta, dict) else {}


def _words(text: str) -> str:
    return " ".join(text.split())


def _text(cell: dict) -> str:
    """A cell's source as text; "" where a malformed notebook holds something else there."""
    try:
        return cell_source(cell)
    except NotebookError:
        return ""


@lru_cache(maxsize=8)
def course_questions(source: Path) -> dict:
    """Notebook stem -> [{id, question, points}] of its manually graded answer cells, from the instructor
    notebooks in ``source``: the question is the markdown cell just before its answer cell."""
    import nbformat

    from autograder.exercises import NOTEBOOKS

    questions = {}
    for stem in NOTEBOOKS:
        path = Path(source) / f"{stem}.ipynb"
        if not path.exists():
            continue
        cells = nbformat.read(path, as_version=4).cells
        for i, cell in enumerate(cells):
            meta = _meta(cell)
            if cell.cell_type == "markdown" and meta.get("grade") and meta.get("solution") and meta.get("grade_id"):
                before = cells[i - 1].source if i and cells[i - 1].cell_type == "markdown" else ""
                questions.setdefault(stem, []).append(
                    {"id": meta["grade_id"], "question": before, "points": float(meta.get("points", 0))})
    return questions


def _answer(cell) -> tuple:
    """(state, text) of an answer cell: "answered" with its text, or "not answered" (blank or untouched)."""
    try:
        text = cell_source(cell) if isinstance(cell, dict) else ""
    except NotebookError:
        return "unreadable", "the answer cell's source is not text"
    if _words(text) in ("", UNTOUCHED):
        return "not answered", ""
    return "answered", text[:ANSWER_CHARS + 1]  # one more character than kept: the page says it was cut


def notebook_answers(path: Path, questions: list) -> list:
    """The student's answer to each question of one notebook: [{id, question, points, state, text}].

    state: "answered", "not answered", or "unreadable" (then ``text`` says why; nothing raises).
    """
    try:
        cells = [c for c in read_notebook(Path(path))["cells"] if isinstance(c, dict)]
    except (NotebookError, OSError) as error:
        return [{**q, "state": "unreadable", "text": f"the notebook could not be read: {error}"} for q in questions]
    found = []
    for q in questions:
        cell = next((c for c in cells if c.get("cell_type") == "markdown" and _meta(c).get("grade_id") == q["id"]),
                    None)
        if cell is None:  # metadata lost: the markdown cell right after the question
            after = [cells[i + 1] for i, c in enumerate(cells[:-1])
                     if c.get("cell_type") == "markdown" and cells[i + 1].get("cell_type") == "markdown"
                     and _words(_text(c)) == _words(q["question"])]
            cell = after[0] if after else None
        state, text = _answer(cell) if cell is not None else ("not answered", "")
        found.append({**q, "state": state, "text": text})
    return found


def student_answers(notebooks: dict, source: Path | None = None) -> list:
    """Every question of the notebooks a student handed in, with their answer, in course order.

    ``notebooks``: stem -> the submitted file; ``source``: the instructor notebooks (the course's own by default).
    """
    if source is None:
        from .course import load_course

        source = load_course().source
    questions = course_questions(Path(source))
    return [{"notebook": stem, **answer} for stem in questions if stem in notebooks
            for answer in notebook_answers(notebooks[stem], questions[stem])]
