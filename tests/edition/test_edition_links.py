"""Every link of the edition that students follow opens a file inside it: Colab links open its
notebooks, links to the published book open its pages (at an anchor the page has), links into
the public repository name its files, and the site's own relative links resolve.

The expected addresses are worked out here from ``_config.yml``, independently of autograder/links.py.
"""
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from autograder.exercises import ASSIGNMENT, NOTEBOOKS

REPO = Path(__file__).resolve().parents[2]
CONFIG = yaml.safe_load((REPO / "_config.yml").read_text())
REPOSITORY = CONFIG["repository"]["url"].rstrip("/")
BRANCH = CONFIG["repository"]["branch"]
SITE = CONFIG["html"]["baseurl"].rstrip("/") + "/"
COLAB = f"https://colab.research.google.com/github/{REPOSITORY.removeprefix('https://github.com/')}/blob/{BRANCH}/"
MARKDOWN_LINK = re.compile(r"\]\(([^)\s]+)\)")


def colab(stem: str) -> str:
    return f"{COLAB}notebooks/{ASSIGNMENT}/{stem}.ipynb"


def chapter(stem: str) -> str:
    return f"{SITE}book/{stem}.html"


class Links(HTMLParser):
    """The ``href``s and ``src``s of a page, and the ids it defines."""

    def __init__(self):
        super().__init__()
        self.links, self.ids = [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for key in ("href", "src"):
            if attrs.get(key):
                self.links.append(attrs[key])


def parse(page: Path) -> Links:
    parser = Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def markdown_links(edition: Path) -> dict:
    """Links of the README and of the notebooks' markdown cells, by file."""
    found = {"README.md": MARKDOWN_LINK.findall((edition / "README.md").read_text())}
    for path in sorted((edition / "notebooks").rglob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        found[path.relative_to(edition).as_posix()] = MARKDOWN_LINK.findall(text)
    return found


@pytest.fixture(scope="module")
def pages(edition):
    site = edition / "docs"
    return {p.relative_to(site).as_posix(): parse(p) for p in sorted(site.rglob("*.html"))}


@pytest.fixture(scope="module")
def all_links(edition, pages):
    """(file the link is in, link) for every link of the edition."""
    links = [(f"docs/{page}", link) for page, parsed in pages.items() for link in parsed.links]
    links += [(name, link) for name, found in markdown_links(edition).items() for link in found]
    return links


def target(edition: Path, pages: dict, where: str, link: str):
    """The edition's file (and anchor) a link opens; None for a link that leaves the course."""
    parts = urlsplit(link)
    if link.startswith(COLAB):
        return link.removeprefix(COLAB), ""
    if link.startswith("https://colab.research.google.com/"):
        if link == "https://colab.research.google.com/assets/colab-badge.svg":
            return None
        pytest.fail(f"{where}: {link} opens another repository or branch than {REPOSITORY} ({BRANCH})")
    if link.startswith(SITE):
        return "docs/" + (unquote(parts.path).removeprefix(urlsplit(SITE).path) or "index.html"), parts.fragment
    if link.rstrip("/") == REPOSITORY:
        return "", ""
    if link.startswith(REPOSITORY + "/"):
        kind, branch, *path = parts.path.removeprefix(urlsplit(REPOSITORY).path + "/").split("/")
        assert kind in ("blob", "tree") and branch == BRANCH, f"{where}: {link}"
        return "/".join(path), ""
    if parts.scheme or link.startswith(("#", "//", "mailto:", "data:", "javascript:")):
        return None
    base = Path(where).parent
    return (base / unquote(parts.path)).as_posix(), parts.fragment


def normalised(path: str) -> str:
    stack = []
    for part in path.split("/"):
        if part == "..":
            stack.pop()
        elif part not in ("", "."):
            stack.append(part)
    return "/".join(stack)


def test_every_link_opens_a_file_of_the_edition(edition, pages, all_links):
    checked, broken = 0, []
    for where, link in all_links:
        found = target(edition, pages, where, link)
        if found is None:
            continue
        path, anchor = found
        path = normalised(path)
        checked += 1
        if not (edition / path).exists():
            broken.append(f"{where}: {link} -> {path} is not in the edition")
        elif anchor and path.endswith(".html") and path.startswith("docs/"):
            if anchor not in pages[path.removeprefix("docs/")].ids:
                broken.append(f"{where}: {link} -> {path} has no #{anchor}")
    assert broken == []
    assert checked > 100, f"only {checked} links checked"


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_each_notebook_opens_with_its_colab_badge_and_chapter(edition, stem):
    nb = json.loads((edition / "notebooks" / ASSIGNMENT / f"{stem}.ipynb").read_text())
    first = "".join(nb["cells"][0]["source"])
    assert nb["cells"][0]["cell_type"] == "markdown"
    assert f"]({colab(stem)})" in first and f"]({chapter(stem)})" in first
    assert "solutions" not in first and "generated" not in first.lower()


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_each_chapter_opens_its_own_notebook_only(pages, stem):
    links = pages[f"book/{stem}.html"].links
    assert colab(stem) in links, "no Colab button or link for the chapter's notebook"
    assert {link for link in links if link.startswith(COLAB)} == {colab(stem)}


def test_the_repository_button_opens_the_public_repository(pages):
    for page in ("book/00_introduction.html", *(f"book/{stem}.html" for stem in NOTEBOOKS)):
        assert REPOSITORY in pages[page].links, page
