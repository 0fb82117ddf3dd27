"""Every page of the built book in headless Chromium: no console errors, every image
loaded, the math typeset, no request to another host; a screenshot of the top of each chapter
(tests/book/page_visits.py opens each page once for these checks and the accessibility audit)."""
import functools
import http.server
import threading

import pytest
from page_visits import MATH_ERRORS, UNTYPESET, Visit, redirect

import book_site

PAGES = ["index", *book_site.toc_docnames(), *book_site.EXTRA_PAGES]


@pytest.mark.slow
@pytest.mark.parametrize("docname", PAGES)
def test_page_renders_offline(page_visits, docname):
    seen = page_visits[docname]
    assert seen.external_requests == [], "the page needs the network"
    assert seen.console_errors == [], "the browser reported errors"
    assert seen.failed_requests == [], "some files of the page did not load"
    assert seen.broken_images == [], "some images did not load"
    assert seen.untypeset_math == 0, f"{seen.untypeset_math} of {seen.math_elements} " \
                                     "math elements were not typeset by MathJax"
    assert seen.math_errors == [], "MathJax could not typeset some math"
    shot = book_site.screenshot(docname)
    if shot is not None:
        assert shot.stat().st_size > 10_000


def test_every_built_page_is_visited(built_book):
    """The browser test's page list covers every HTML page of the site."""
    built = {p.relative_to(built_book).with_suffix("").as_posix()
             for p in built_book.rglob("*.html") if "_static" not in p.parts}
    assert built == set(PAGES)


def test_the_checks_catch_untypeset_and_broken_math(browser):
    """Math that MathJax never saw, and TeX it could not read, are both reported."""
    page = browser.new_page()
    try:
        page.set_content('<span class="math notranslate">\\(x\\)</span>')
        assert page.evaluate(UNTYPESET) == 1
        page.set_content(
            '<span class="math notranslate"><span class="MathJax" data-mathml='
            '"<math><mtext mathcolor=&quot;red&quot;>\\foo</mtext></math>"></span></span>'
            '<span class="math notranslate"><span class="MathJax" data-mathml='
            '"<math><merror><mtext>\\frac{1}{</mtext></merror></math>"></span></span>')
        assert page.evaluate(UNTYPESET) == 0
        assert len(page.evaluate(MATH_ERRORS)) == 2
    finally:
        page.close()


def test_the_introduction_has_typeset_math(page_visits):
    seen = page_visits[book_site.toc_docnames()[0]]
    assert seen.math_elements > 0
    assert seen.untypeset_math == 0


def test_a_redirect_adds_what_it_logged_and_requested_to_the_landed_visit(browser, tmp_path):
    """The index's checks: what the redirecting page itself did wrong is reported beside the
    landed page's own findings."""
    (tmp_path / "landed.html").write_text("<html><body><p>landed</p></body></html>")
    (tmp_path / "redirect.html").write_text(
        '<html><head><meta http-equiv="refresh" content="0; url=landed.html"></head><body>'
        '<img src="missing.png" alt="x"><script>console.error("from the redirect")</script></body></html>')
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        landed = Visit(console_errors=["the landed page's"], math_elements=3, violations=[{"id": "rule"}])
        seen = redirect(browser, f"{url}/redirect.html", lands_on=f"{url}/landed.html", landed=landed)
    finally:
        server.shutdown()
        server.server_close()
    assert seen.console_errors[-1] == "the landed page's"
    assert any("from the redirect" in error for error in seen.console_errors)
    assert any("missing.png" in failure for failure in seen.failed_requests)
    assert (seen.math_elements, seen.violations) == (3, [{"id": "rule"}])
