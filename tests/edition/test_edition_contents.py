"""The student edition holds the book, the released notebooks and a README, and nothing that
grades students: no solution, hidden test, reference line or instructor-only path in any file."""
from pathlib import Path

import yaml

from autograder import leaks
from autograder.exercises import ASSIGNMENT, NOTEBOOKS

REPO = Path(__file__).resolve().parents[2]


def toc_pages() -> set:
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return set(files)


def test_only_the_student_files(edition):
    assert sorted(p.name for p in edition.iterdir()) == ["README.md", "docs", "notebooks"]
    notebooks = sorted(p.relative_to(edition).as_posix() for p in (edition / "notebooks").rglob("*") if p.is_file())
    assert notebooks == [f"notebooks/{ASSIGNMENT}/{stem}.ipynb" for stem in NOTEBOOKS]
    assert (edition / "docs" / "index.html").is_file() and (edition / "docs" / ".nojekyll").is_file()


def test_the_site_holds_only_the_pages_of_the_book(edition):
    site = edition / "docs"
    pages = {p.relative_to(site).with_suffix("").as_posix() for p in site.rglob("*.html")}
    assert pages == toc_pages() | {"index", "genindex", "search"}
    sources = {p.relative_to(site / "_sources").as_posix().split(".")[0] for p in (site / "_sources").rglob("*")
               if p.is_file()}
    assert sources <= toc_pages()
    assert not (site / "reports").exists(), "the build's execution logs are not for students"


def test_every_file_is_scanned(edition):
    """Every file the scan leaves out is binary (images, fonts, sounds); the search index, the
    chapter sources and the notebooks are among those it reads."""
    scanned = set(leaks.text_files(edition))
    for path in edition.rglob("*"):
        if path.is_file() and path not in scanned:
            data = path.read_bytes()
            assert b"\0" in data or not data.isascii(), f"{path.relative_to(edition)} is text the scan skips"
    names = {p.relative_to(edition).as_posix() for p in scanned}
    assert "docs/searchindex.js" in names
    assert any(name.startswith("docs/_sources/book/") for name in names)
    assert {f"notebooks/{ASSIGNMENT}/{stem}.ipynb" for stem in NOTEBOOKS} <= names


def test_no_secret_in_any_file(edition):
    assert leaks.scan(edition) == []


def test_readme_says_how_to_open_and_what_to_hand_in(edition):
    readme = (edition / "README.md").read_text()
    config = yaml.safe_load((REPO / "_config.yml").read_text())
    owner_name = config["repository"]["url"].removeprefix("https://github.com/")
    for stem in NOTEBOOKS:
        assert (f"https://colab.research.google.com/github/{owner_name}/blob/{config['repository']['branch']}/"
                f"notebooks/{ASSIGNMENT}/{stem}.ipynb") in readme
        assert f"{stem}.ipynb" in readme
    assert config["html"]["baseurl"] in readme
    assert "jupyter lab notebooks/attention/" in readme
    assert "## What to hand in" in readme
