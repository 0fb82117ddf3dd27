"""The built book as the tests see it: its pages, its build, its source digest.

The suite builds the book as ``make book`` does (autograder/publish.py's ``build_book``) but with
the study's quick "smoke" preset, which checks that the experiments chapter runs and renders,
not what it finds, and into a folder of its own with its own execution cache: ``make book``'s
``_build/html`` and cache never hold the smoke outputs (and the cache keys on the preset besides:
book/_ext/code_dependencies.py).
"""
import hashlib
from pathlib import Path

import pytest
import yaml

from autograder.publish import build_book

REPO = Path(__file__).resolve().parents[2]
OUTPUT = REPO / "_build" / "suite"  # jupyter-book's --path-output: the build goes to OUTPUT/_build
BUILD = OUTPUT / "_build"
HTML = BUILD / "html"
CACHE = BUILD / ".jupyter_cache"
SCREENSHOTS = BUILD / "screenshots"
STAMP = HTML / ".tested-sources.sha256"
STUDY_PRESET = "smoke"
# Everything a build reads: the chapters and their helpers, the configuration, and the code
# the chapters import (book/_ext/code_dependencies.py re-executes them when it changes).
SOURCES = ("_config.yml", "_toc.yml", "book", "experiments", "autograder/exercises.py",
           "autograder/inside/exercises.py", "autograder/reference", "pyproject.toml", "constraints.txt")
# Pages Sphinx writes besides the chapters.
EXTRA_PAGES = ("genindex", "search")


def toc_docnames() -> list[str]:
    """The documents of ``_toc.yml``, root first, in reading order."""
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    names = [toc["root"]]
    for part in toc.get("parts", [{"chapters": toc.get("chapters", [])}]):
        names.extend(chapter["file"] for chapter in part["chapters"])
    return names


def source_digest() -> str:
    digest = hashlib.sha256()
    for name in SOURCES:
        path = REPO / name
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            if "__pycache__" in file.parts or file.suffix == ".pyc":
                continue
            digest.update(file.relative_to(REPO).as_posix().encode() + b"\0")
            digest.update(file.read_bytes())
    return digest.hexdigest()


def build(*options: str) -> Path:
    """Build the suite's book (raises autograder.publish.EditionError when the build fails)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COURSE_STUDY_PRESET", STUDY_PRESET)
        return build_book(REPO, OUTPUT, *options)


def screenshot(docname: str) -> Path | None:
    """Where the browser test keeps a chapter's screenshot (None for the other pages)."""
    return SCREENSHOTS / f"{docname.split('/')[-1]}.png" if docname.startswith("book/") else None


def page_path(docname: str) -> Path:
    return HTML / f"{docname}.html"


def text_files(root: Path = HTML) -> list[Path]:
    """The files of the site a reader can open or download as text."""
    suffixes = {".html", ".txt", ".md", ".ipynb", ".js", ".py"}
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in suffixes
                  and "_static" not in p.relative_to(root).parts)
