"""Every public link of the course, built from the one location the instructor sets.

Students see the *student edition* (``python -m autograder publish``): a public repository that
holds the released notebooks and, in its ``docs/`` folder, the rendered book, served as a static
site (GitHub Pages: branch, ``/docs``). ``_config.yml`` names it once:

    repository: {url: https://github.com/OWNER/NAME, branch: main}
    html: {baseurl: https://OWNER.github.io/NAME/}

and this module turns it into the links: the notebooks' Colab badges and their links to their
chapters, the book's Colab buttons and links to the notebooks. Jupyter Book reads the same keys
for the book's repository button and canonical URLs.
"""
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

import yaml

from autograder.exercises import ASSIGNMENT, NOTEBOOKS

ROOT = Path(__file__).resolve().parent.parent
GITHUB = "https://github.com/"
COLAB = "https://colab.research.google.com/github/"
SITE_FOLDER = "docs"  # the edition's folder that holds the rendered book
NOTEBOOK_FOLDER = f"notebooks/{ASSIGNMENT}"  # the edition's folder that holds the notebooks


class Location(NamedTuple):
    """Where the student edition is published."""

    repository: str  # https://github.com/OWNER/NAME
    branch: str
    site: str  # the book's address, ending in "/"

    @property
    def owner_name(self) -> str:
        return self.repository.removeprefix(GITHUB)


@lru_cache(maxsize=8)
def _config(root: Path) -> dict:
    path = root / "_config.yml"
    try:
        return yaml.safe_load(path.read_text()) or {}
    except FileNotFoundError:
        raise ValueError(f"{path} is missing: it sets repository.url and html.baseurl") from None


def location(root: Path = ROOT) -> Location:
    """The published location, read from ``root/_config.yml`` and checked."""
    config = _config(Path(root).resolve())
    repo = config.get("repository") or {}
    url = str(repo.get("url", "")).rstrip("/")
    owner_name = url.removeprefix(GITHUB)
    if not url.startswith(GITHUB) or owner_name.count("/") != 1 or not all(owner_name.split("/")):
        raise ValueError(f"_config.yml: repository.url must be a GitHub repository ({GITHUB}OWNER/NAME), "
                         f"the public repository of the student edition; got {url!r}")
    site = str((config.get("html") or {}).get("baseurl") or "")
    if not site.startswith(("https://", "http://")):
        raise ValueError("_config.yml: html.baseurl must be the address the student edition's book is served at "
                         f"(GitHub Pages: https://OWNER.github.io/NAME/); got {site!r}")
    return Location(url, str(repo.get("branch") or "main"), site.rstrip("/") + "/")


@lru_cache(maxsize=8)
def chapters(root: Path = ROOT) -> tuple:
    """The stems of the book's pages (``book/STEM.md``), in the order of ``_toc.yml``."""
    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text())
    files = [toc["root"]] + [chapter["file"] for part in toc.get("parts", [])
                             for chapter in part.get("chapters", [])]
    return tuple(Path(file).name for file in files)


def notebook_path(stem: str) -> str:
    """Where the released notebook ``stem`` lies in the edition (and in the course repository)."""
    if stem not in NOTEBOOKS:
        raise ValueError(f"no exercise notebook {stem!r}; the notebooks are {', '.join(NOTEBOOKS)}")
    return f"{NOTEBOOK_FOLDER}/{stem}.ipynb"


def page_path(stem: str, root: Path = ROOT) -> str:
    """The chapter ``stem``'s page, relative to the book's site."""
    if stem not in chapters(Path(root)):
        raise ValueError(f"no chapter {stem!r} in the book; its pages are {', '.join(chapters(Path(root)))}")
    return f"book/{stem}.html"


def colab_url(stem: str, root: Path = ROOT) -> str:
    """The URL that opens the released notebook ``stem`` in Colab, from the public repository."""
    where = location(root)
    return f"{COLAB}{where.owner_name}/blob/{where.branch}/{notebook_path(stem)}"


def chapter_url(stem: str, anchor: str = "", root: Path = ROOT) -> str:
    """The published page of chapter ``stem`` (``"02_excitation"``), at ``anchor`` if given.

    ``stem`` may carry the anchor itself, as in ``"02_excitation#the-excitation"``.
    """
    stem, _, inline = stem.partition("#")
    anchor = (anchor or inline).lstrip("#")
    url = location(root).site + page_path(stem, root)
    return f"{url}#{anchor}" if anchor else url
