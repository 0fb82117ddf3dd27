"""The book's links into the public repository and to Colab open the files they name.

The public repository is the student edition (``python -m autograder publish``): the book's
site in ``docs/``, the released notebooks in ``notebooks/``. Expected URLs are built here from
``repository:`` in ``_config.yml`` (where the published location lives, once) and the exercise
registry; the site's links are read from its HTML. tests/edition/ checks every link of the
published edition itself.
"""
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import yaml

import book_site
from autograder.exercises import ASSIGNMENT, NOTEBOOKS

CONFIG = yaml.safe_load((book_site.REPO / "_config.yml").read_text())
REPOSITORY = CONFIG["repository"]["url"].rstrip("/")
BRANCH = CONFIG["repository"]["branch"]
OWNER_REPO = urlsplit(REPOSITORY).path.strip("/")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


def colab(stem: str) -> str:
    return (f"https://colab.research.google.com/github/{OWNER_REPO}/blob/{BRANCH}/"
            f"notebooks/{ASSIGNMENT}/{stem}.ipynb")


class Links(HTMLParser):
    """Every ``href`` of a page, each with whether it sits inside an exercise box."""

    def __init__(self):
        super().__init__()
        self.links, self.open_tags, self.exercise_depth = [], [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag not in VOID:
            self.open_tags.append(tag)
            if self.exercise_depth is None and "exercise" in (attrs.get("class") or "").split():
                self.exercise_depth = len(self.open_tags)
        if tag == "a" and attrs.get("href"):
            self.links.append((attrs["href"], self.exercise_depth is not None))

    def handle_endtag(self, tag):
        if tag in VOID or tag not in self.open_tags:
            return
        while self.open_tags and self.open_tags.pop() != tag:
            pass
        if self.exercise_depth is not None and len(self.open_tags) < self.exercise_depth:
            self.exercise_depth = None


def links(docname: str) -> list[tuple[str, bool]]:
    parser = Links()
    parser.feed(book_site.page_path(docname).read_text())
    return parser.links


@pytest.fixture(scope="module")
def site_links(built_book):
    return {doc: links(doc) for doc in book_site.toc_docnames()}


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_chapter_launches_its_own_notebook_in_colab(site_links, stem):
    hrefs = [href for href, _ in site_links[f"book/{stem}"]]
    assert colab(stem) in hrefs, "no Colab button or link for the chapter's notebook"
    colab_links = {h for h in hrefs if h.startswith("https://colab.research.google.com/")}
    assert colab_links == {colab(stem)}, "a Colab link on the page opens another file"


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_exercise_box_carries_the_colab_link(site_links, stem):
    inside = [href for href, in_exercise in site_links[f"book/{stem}"] if in_exercise]
    assert colab(stem) in inside, "the chapter's exercise box has no Colab link to its notebook"


def test_colab_links_open_released_notebooks(site_links):
    opened = {h for page in site_links.values() for h, _ in page
              if h.startswith("https://colab.research.google.com/")}
    assert opened, "the book links to no notebook in Colab"
    prefix = f"https://colab.research.google.com/github/{OWNER_REPO}/blob/{BRANCH}/"
    for url in opened:
        assert url.startswith(prefix), url
        path = url.removeprefix(prefix)
        assert path.endswith(".ipynb"), f"Colab opens only notebooks: {url}"
        assert (book_site.REPO / path).is_file(), f"{path} is not in the repository"


def edition_file(path: str, built_book):
    """Where a file of the public repository comes from in the course: the site's files from
    the built book, the notebooks from the release."""
    if path.startswith("docs/"):
        return built_book / path.removeprefix("docs/")
    return book_site.REPO / path if path.startswith(f"notebooks/{ASSIGNMENT}/") else None


def test_repository_links_name_files_of_the_public_repository(site_links, built_book):
    checked = 0
    for page in site_links.values():
        for href, _ in page:
            parts = urlsplit(href)
            if f"{parts.scheme}://{parts.netloc}{parts.path}".startswith(REPOSITORY + "/"):
                kind, branch, *path = parts.path.split("/")[3:]
                assert kind == "blob" and branch == BRANCH, href
                file = edition_file("/".join(path), built_book)
                assert file is not None and file.is_file(), f"{href} names no file of the student edition"
                checked += 1
    assert checked >= len(book_site.toc_docnames()), "every page links to its source file"


def test_repository_button_opens_the_configured_repository(site_links):
    for doc, page in site_links.items():
        assert REPOSITORY in [href for href, _ in page], doc


def test_link_parser_sees_exercise_boxes():
    parser = Links()
    parser.feed('<div class="exercise admonition"><p><a href="in">x</a><br></p></div>'
                '<a href="out">y</a>')
    assert parser.links == [("in", True), ("out", False)]
