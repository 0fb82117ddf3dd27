"""Accessibility of the built book: axe-core (through axe-playwright-python) audits every page
in headless Chromium, on the load the browser tests check (tests/book/page_visits.py), and
fails on serious or critical violations; every image has alt text that says what it shows,
not its file name."""
import importlib.util
from html.parser import HTMLParser

import pytest
from page_visits import audit, blocking
from test_book_in_browser import PAGES

import book_site


def accessibility_ext():
    path = book_site.REPO / "book" / "_ext" / "accessibility.py"
    spec = importlib.util.spec_from_file_location("book_ext_accessibility", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.parametrize("docname", PAGES)
def test_page_has_no_serious_accessibility_violation(page_visits, docname):
    assert blocking({"violations": page_visits[docname].violations}) == []


def test_the_audit_reports_an_image_without_alt_text(browser):
    page = browser.new_page()
    try:
        page.set_content('<html lang="en"><head><title>t</title></head><body><main>'
                         '<img src="data:image/png;base64,iVBORw0KGgo="></main></body></html>')
        assert any(line.startswith("image-alt (critical)") for line in blocking(audit(page)))
    finally:
        page.close()


class Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.alts = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            attrs = dict(attrs)
            self.alts.append((attrs.get("src", ""), attrs.get("alt")))


def test_every_image_has_alt_text_that_is_not_a_file_name(built_book):
    meaningless = accessibility_ext().meaningless
    found, bad = 0, []
    for docname in book_site.toc_docnames():
        parser = Images()
        parser.feed(book_site.page_path(docname).read_text(encoding="utf-8"))
        for src, alt in parser.alts:
            if "_images/" in src:
                found += 1
                if alt is None or meaningless(alt):
                    bad.append(f"{docname}: {src} alt={alt!r}")
    assert found > 20, "the chapters' figures were not found: the check checks nothing"
    assert bad == []


def test_alt_text_rules():
    ext = accessibility_ext()
    for alt in ("", "../_images/400b33a1.png", "_images/fig.png", "figure"):
        assert ext.meaningless(alt), alt
    assert not ext.meaningless("The squeeze of a feature map.")
    assert ext.first_sentence("The squeeze. Each of the maps becomes one number.") == "The squeeze."
    assert ext.first_sentence("word " * 100).endswith("…")


def test_citation_list_loses_its_list_role():
    ext = accessibility_ext()
    context = {"body": '<div role="list" class="citation-list"><div class="citation" role="doc-biblioentry">'}
    ext.fix_citation_list(None, "bibliography", "page.html", context, None)
    assert context["body"] == '<div class="citation-list"><div class="citation" role="doc-biblioentry">'
