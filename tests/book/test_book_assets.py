"""The built HTML loads every script, style sheet, font and image from the site itself."""
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

LOADING = {"script": ("src",), "img": ("src", "srcset"), "iframe": ("src",), "source": ("src", "srcset"),
           "audio": ("src",), "video": ("src", "poster"), "embed": ("src",), "object": ("data",)}
LINK_RELS_THAT_LOAD = {"stylesheet", "preload", "prefetch", "icon", "modulepreload", "manifest"}
CSS_URL = re.compile(r"url\(\s*['\"]?(https?:)?//", re.IGNORECASE)


class Assets(HTMLParser):
    """The URLs a page makes the browser fetch (not the links a reader may follow)."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in LOADING.get(tag, ()):
            if attrs.get(name):
                self.urls.extend(part.split()[0] for part in attrs[name].split(",") if part.strip())
        if tag == "link" and LINK_RELS_THAT_LOAD & set((attrs.get("rel") or "").lower().split()):
            self.urls.append(attrs.get("href") or "")


def external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) or parts.scheme in {"http", "https"}


def page_assets(path) -> list[str]:
    parser = Assets()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.urls


@pytest.fixture(scope="module")
def pages(built_book):
    return sorted(p for p in built_book.rglob("*.html") if "_static" not in p.parts)


def test_no_page_loads_from_another_host(pages, built_book):
    found = {p.relative_to(built_book).as_posix(): [u for u in page_assets(p) if external(u)]
             for p in pages}
    assert {page: urls for page, urls in found.items() if urls} == {}


def test_no_style_sheet_imports_from_another_host(built_book):
    sheets = [p.relative_to(built_book).as_posix() for p in (built_book / "_static").rglob("*.css")
              if CSS_URL.search(p.read_text(encoding="utf-8", errors="replace"))]
    assert sheets == []


def test_pages_with_math_load_the_local_mathjax(pages):
    with_math = [p for p in pages if 'class="math notranslate' in p.read_text(encoding="utf-8")]
    assert with_math, "no page has math: the MathJax check checks nothing"
    for page in with_math:
        scripts = [u for u in page_assets(page) if "mathjax" in u.lower()]
        assert scripts and all(u.split("?")[0].endswith("_static/mathjax/MathJax.js") for u in scripts), \
            f"{page.name} loads MathJax from {scripts}"


def test_the_asset_scan_sees_external_loads():
    parser = Assets()
    parser.feed('<script src="https://cdn.example.org/x.js"></script><link rel="stylesheet" '
                'href="//fonts.example.org/f.css"><a href="https://example.org/">a link</a>'
                '<img srcset="local.png 1x, https://img.example.org/b.png 2x">')
    assert [u for u in parser.urls if external(u)] == [
        "https://cdn.example.org/x.js", "//fonts.example.org/f.css", "https://img.example.org/b.png"]
