"""The rendered book gives away no exercise solution and no line of the hidden reference.

Solution lines come from the instructor notebooks (``solutions/attention/*.ipynb``, between
``### BEGIN SOLUTION`` and ``### END SOLUTION``); reference lines from the code of
``autograder/reference/*.py``. Both are compared with the site's text with all whitespace
removed, so re-indented or re-spaced copies are found too. A line the text of the student
release states (the markdown of ``notebooks/attention/*.ipynb``, such as the hidden-width rule
of the exercise) is public, and the book may show it too.
"""
import ast
import html
import json
import re

import pytest

import book_site
from autograder.exercises import ASSIGNMENT, NOTEBOOKS

SOLUTIONS = book_site.REPO / "solutions" / ASSIGNMENT
RELEASE = book_site.REPO / "notebooks" / ASSIGNMENT
REFERENCE = book_site.REPO / "autograder" / "reference"
MIN_CHARS = 16  # shorter lines (once whitespace is gone) are too common to be telling
# Lines any PyTorch module has, that only open a call, or that the exercise API makes public
# (names, signatures).
COMMON = re.compile(
    r"^(import |from \S+ import |class |def |super\(\)\.__init__\(|return x$|pass$"
    r"|raise NotImplementedError|.*\($|self\.\w+ = \w+$|[\"'][\w ]*[\"'],?$)"
)
REFERENCE_IMPORT = re.compile(
    r"(from\s+autograder\.reference\b|import\s+autograder\.reference\b"
    r"|from\s+autograder\s+import\s+[^\n]*\breference\b)"
)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def telling(line: str) -> bool:
    """A line specific enough that finding it in the book means it was copied there."""
    line = line.split("  #")[0].strip()
    return (bool(line) and not line.startswith(("#", "@", '"""', "'''"))
            and not COMMON.match(line) and len(squash(line)) >= MIN_CHARS)


def cell_sources(notebook_text: str, cell_type=None) -> list[str]:
    return ["".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for cell in json.loads(notebook_text)["cells"]
            if cell_type is None or cell["cell_type"] == cell_type]


def solution_lines(notebook_text: str) -> set[str]:
    lines, inside = set(), False
    for source in cell_sources(notebook_text, "code"):
        for line in source.splitlines():
            marker = line.strip()
            if marker == "### BEGIN SOLUTION":
                inside = True
            elif marker == "### END SOLUTION":
                inside = False
            elif inside and telling(line):
                lines.add(squash(line.split("  #")[0]))
    return lines


def code_lines(python_source: str) -> set[str]:
    """The telling lines of a module's code, leaving out its docstrings."""
    tree = ast.parse(python_source)
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(getattr(body[0], "value", None), ast.Constant) \
                and isinstance(body[0].value.value, str):
            docstrings.update(range(body[0].lineno, body[0].end_lineno + 1))
    lines = python_source.splitlines()
    return {squash(line.split("  #")[0]) for number, line in enumerate(lines, start=1)
            if number not in docstrings and telling(line)}


def site_text(path) -> str:
    """A page's text as a reader sees it: tags dropped, entities decoded, no whitespace."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".html":
        text = re.sub(r"<[^>]+>", "", text)
    return squash(html.unescape(text))


def leaks(lines: set[str], pages: dict[str, str]) -> list[str]:
    return sorted(f"{name}: {line}" for name, text in pages.items()
                  for line in lines if line in text)


@pytest.fixture(scope="module")
def site_pages(built_book):
    return {p.relative_to(built_book).as_posix(): site_text(p)
            for p in book_site.text_files(built_book)}


@pytest.fixture(scope="module")
def release_text():
    """What the student release states in its text, squashed: public by definition."""
    return "".join(squash(source) for path in sorted(RELEASE.glob("*.ipynb"))
                   for source in cell_sources(path.read_text(), "markdown"))


@pytest.fixture(scope="module")
def all_solution_lines(release_text):
    missing = [stem for stem in NOTEBOOKS if not (SOLUTIONS / f"{stem}.ipynb").is_file()]
    assert not missing, f"no instructor notebooks for {missing} in {SOLUTIONS}"
    lines = {stem: solution_lines((SOLUTIONS / f"{stem}.ipynb").read_text())
             for stem in NOTEBOOKS}
    empty = [stem for stem, found in lines.items() if not found]
    assert not empty, f"no solution lines found between the markers in {empty}"
    return {line for found in lines.values() for line in found if line not in release_text}


@pytest.fixture(scope="module")
def all_reference_lines():
    files = sorted(REFERENCE.glob("*.py"))
    assert files, f"no reference modules in {REFERENCE}"
    return set().union(*(code_lines(f.read_text()) for f in files))


def test_no_solution_line_in_the_book(site_pages, all_solution_lines):
    assert leaks(all_solution_lines, site_pages) == []


def test_no_reference_line_in_the_book(site_pages, all_reference_lines):
    assert leaks(all_reference_lines, site_pages) == []


def test_no_reference_import_in_the_book(built_book):
    found = [p.relative_to(built_book).as_posix() for p in book_site.text_files(built_book)
             if REFERENCE_IMPORT.search(html.unescape(re.sub(r"<[^>]+>", "", p.read_text(
                 encoding="utf-8", errors="replace"))))]
    assert found == []


def test_a_planted_solution_line_is_found(all_solution_lines, tmp_path):
    """The search can fail: a solution line pasted into a highlighted code block is found."""
    line = sorted(all_solution_lines)[0]
    planted = "".join(f'<span class="n">{html.escape(ch)}</span>' for ch in line)
    page = tmp_path / "page.html"
    page.write_text(f"<html><body><pre>    {planted}\n</pre></body></html>")
    assert leaks(all_solution_lines, {"page.html": site_text(page)}) == [f"page.html: {line}"]


def test_a_planted_reference_import_is_found():
    for text in ("from autograder.reference import SEBlock",
                 "import autograder.reference as ref",
                 "from autograder import exercises, reference"):
        assert REFERENCE_IMPORT.search(text), text
    assert not REFERENCE_IMPORT.search("from autograder.exercises import NOTEBOOKS")


def test_reference_lines_are_code_not_docstrings():
    source = 'def f(x):\n    """return the_mean_of_each_channel(x)"""\n    ' \
             'return x.mean(dim=(2, 3), keepdim=True)\n'
    assert code_lines(source) == {"returnx.mean(dim=(2,3),keepdim=True)"}
