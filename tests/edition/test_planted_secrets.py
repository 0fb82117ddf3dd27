"""The edition's scan can fail: a solution, hidden-test or reference line planted in a copy of a
released notebook (its solution cell or a given cell), a chapter page, the search index or a
chapter source is found, and so is an instructor-only path; publishing refuses such an edition."""
import html
import json
import shutil

import pytest

from autograder import leaks
from autograder.exercises import ASSIGNMENT
from autograder.links import ROOT
from autograder.publish import EditionError, prepare, publish, refuse_leaks


@pytest.fixture(scope="module")
def known():
    return leaks.secrets()


def original(kind: str, stem: str, known=None) -> str:
    """A secret line of the instructor notebook as written there (indentation kept)."""
    known = known or leaks.secrets()
    text = (ROOT / "solutions" / ASSIGNMENT / f"{stem}.ipynb").read_text()
    return next(line for line in leaks.marked_lines(text, kind)
                if known.lines.get(leaks.squash(line.split("  #")[0])) == f"{kind} {stem}")


def reference_line() -> str:
    source = (ROOT / "autograder" / "reference" / "se.py").read_text()
    code = leaks.code_lines(source)
    return next(line for line in source.splitlines() if leaks.squash(line.split("  #")[0]) in code)


def copy(edition, relative, tmp_path):
    target = tmp_path / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(edition / relative, target)
    return target


def plant_in_cell(path, line, solution_cell: bool):
    nb = json.loads(path.read_text())
    cell = next(c for c in nb["cells"] if c["cell_type"] == "code"
                and bool(c["metadata"].get("nbgrader", {}).get("solution")) == solution_cell)
    source = "".join(cell["source"])
    cell["source"] = source.replace("raise NotImplementedError()", line.strip()) if solution_cell \
        else source + "\n" + line
    path.write_text(json.dumps(nb, indent=1))


def plant_in_page(path, line):
    spans = "".join(f'<span class="n">{html.escape(ch)}</span>' for ch in line)
    text = path.read_text()
    path.write_text(text.replace("</main>", f'<div class="highlight"><pre>{spans}\n</pre></div></main>', 1))


def plant_in_text(path, line):
    path.write_text(path.read_text() + "\n" + line + "\n")


CASES = {
    "a released notebook's solution cell": ("notebooks/attention/01_squeeze.ipynb", "solution", "01_squeeze",
                                            lambda p, line: plant_in_cell(p, line, True)),
    "a given cell of a later notebook": ("notebooks/attention/02_excitation.ipynb", "solution", "01_squeeze",
                                         lambda p, line: plant_in_cell(p, line, False)),
    "a chapter page": ("docs/book/04_channel_attention.html", "solution", "04_channel_attention", plant_in_page),
    "the search index": ("docs/searchindex.js", "solution", "05_spatial_attention", plant_in_text),
    "a hidden test in a notebook": ("notebooks/attention/03_eca.ipynb", "hidden test", "03_eca",
                                    lambda p, line: plant_in_cell(p, line, False)),
}


@pytest.mark.parametrize("where", CASES)
def test_a_planted_secret_is_found(edition, known, tmp_path, where):
    relative, kind, stem, plant = CASES[where]
    path = copy(edition, relative, tmp_path)
    assert leaks.scan(tmp_path, known) == [], "the unplanted copy must be clean for the test to mean anything"
    line = original(kind, stem, known)
    plant(path, line)
    found = leaks.scan(tmp_path, known)
    assert leaks.Leak(relative, f"{kind} {stem}", leaks.squash(line.split("  #")[0])) in found


def test_a_reference_line_in_a_chapter_source_is_found(edition, known, tmp_path):
    relative = next(p for p in (edition / "docs" / "_sources" / "book").iterdir()
                    if p.name.startswith("02_excitation")).relative_to(edition).as_posix()
    path = copy(edition, relative, tmp_path)
    assert leaks.scan(tmp_path, known) == []
    plant_in_text(path, "    " + reference_line().strip())
    assert [leak.kind.split()[0] for leak in leaks.scan(tmp_path, known)] == ["reference"]


@pytest.mark.parametrize("name", ["solutions/attention/01_squeeze.ipynb", "from autograder.reference import SEBlock",
                                  "### BEGIN SOLUTION", "see the instructor_guide", "gradebook.db"])
def test_an_instructor_name_is_found(edition, known, tmp_path, name):
    path = copy(edition, "README.md", tmp_path)
    plant_in_text(path, name)
    assert [leak.kind for leak in leaks.scan(tmp_path, known)] == ["name"]


def test_docstrings_are_not_reference_lines():
    source = 'def f(x):\n    """return the_mean_of_each_channel(x)"""\n    ' \
             'return x.mean(dim=(2, 3), keepdim=True)\n'
    assert leaks.code_lines(source) == {"returnx.mean(dim=(2,3),keepdim=True)"}


def test_publish_refuses_a_leaking_book(tmp_path):
    """A site with a solution in a page: publish stops, says where, and leaves nothing to push."""
    site = tmp_path / "site"
    (site / "book").mkdir(parents=True)
    (site / "index.html").write_text("<html><body>the course</body></html>")
    line = original("solution", "02_excitation")
    page = f"<html><body><main><pre>{html.escape(line)}</pre></main></body></html>"
    (site / "book" / "01_squeeze.html").write_text(page)
    into = tmp_path / "student"
    with pytest.raises(EditionError, match=r"docs/book/01_squeeze\.html: solution 02_excitation"):
        publish(into=into, html=site)
    assert [p.name for p in into.iterdir()] == []


def test_what_is_added_after_the_book_is_scanned_too(known, tmp_path):
    """The release and the README, scanned after the book: a secret in a file or a folder is
    reported by its path in the edition, and the edition is emptied."""
    into = tmp_path / "student"
    (into / "notebooks").mkdir(parents=True)
    (into / "notebooks" / "01_squeeze.ipynb").write_text(original("solution", "01_squeeze", known))
    (into / "README.md").write_text("from autograder.reference import SEBlock\n")
    (into / "docs").mkdir()
    refuse_leaks(into, ["docs"], known)  # a clean book: nothing raised, nothing removed
    assert (into / "README.md").is_file()
    with pytest.raises(EditionError) as refused:
        refuse_leaks(into, ["README.md", "notebooks"], known)
    assert "README.md: name" in str(refused.value)
    assert "notebooks/01_squeeze.ipynb: solution 01_squeeze" in str(refused.value)
    assert list(into.iterdir()) == []


def test_prepare_keeps_git_and_refuses_other_files(tmp_path):
    clone = tmp_path / "clone"
    (clone / ".git").mkdir(parents=True)
    (clone / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (clone / "docs").mkdir()
    (clone / "docs" / "old.html").write_text("old")
    prepare(clone)
    assert [p.name for p in clone.iterdir()] == [".git"] and (clone / ".git" / "HEAD").is_file()
    (clone / "thesis.tex").write_text("mine")
    with pytest.raises(EditionError, match="thesis.tex"):
        prepare(clone)
    assert (clone / "thesis.tex").read_text() == "mine"
