"""Every page of the built book in headless Chromium: no console errors, every image
loaded, the math typeset, no request to another host; a screenshot of each chapter."""
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

import book_site

PAGES = ["index", *book_site.toc_docnames(), *book_site.EXTRA_PAGES]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
# Sphinx's math elements (MathJax's own output also uses the class "math"), and the
# rendered MathJax output one of them holds once typeset.
MATH = ".math.notranslate"
RENDERED = ".MathJax, .MathJax_Display, mjx-container"
UNTYPESET = f"""() => Array.from(document.querySelectorAll('{MATH}'))
    .filter(m => !m.querySelector('{RENDERED}')).length"""
# Resolves once MathJax's first pass over the page (previews replaced) has finished.
TYPESET_DONE = """() => new Promise(done =>
    MathJax.Hub.Register.StartupHook("End", () => done(true)))"""
# TeX MathJax could not parse (an merror) or a macro it does not know (shown in red).
MATH_ERRORS = r"""() => Array.from(document.querySelectorAll('.MathJax[data-mathml]'))
    .map(e => e.getAttribute('data-mathml'))
    .filter(m => m.includes('<merror') || /<mtext mathcolor="red">\\/.test(m))
    .concat(Array.from(document.querySelectorAll('.noError, .MathJax_Error'))
        .map(e => e.textContent))"""


@dataclass
class Visit:
    console_errors: list = field(default_factory=list)
    external_requests: list = field(default_factory=list)
    failed_requests: list = field(default_factory=list)
    broken_images: list = field(default_factory=list)
    math_elements: int = 0
    untypeset_math: int = 0
    math_errors: list = field(default_factory=list)


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"data", "blob", "about"} or parts.hostname in LOCAL_HOSTS


def visit(browser, url: str, screenshot=None, lands_on=None) -> Visit:
    """Open one page offline (requests to other hosts are refused and recorded);
    ``lands_on``: the URL a redirecting page must lead to, where the checks then run."""
    seen = Visit()
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  service_workers="block")

    def route(request_route):
        if is_local(request_route.request.url):
            request_route.continue_()
        else:
            seen.external_requests.append(request_route.request.url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and seen.console_errors.append(m.text))
    page.on("pageerror", lambda error: seen.console_errors.append(f"uncaught: {error}"))
    page.on("requestfailed", lambda r: is_local(r.url)
            and seen.failed_requests.append(f"{r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400
            and seen.failed_requests.append(f"{r.url} (HTTP {r.status})"))
    try:
        page.goto(url, wait_until="load")
        if lands_on is not None:
            page.wait_for_url(lands_on, wait_until="load", timeout=15_000)
        page.evaluate("document.querySelectorAll('img[loading=lazy]')"
                      ".forEach(img => img.loading = 'eager')")
        page.wait_for_function("Array.from(document.images).every(img => img.complete)",
                               timeout=15_000)
        seen.broken_images = page.evaluate(
            "Array.from(document.images).filter(img => img.naturalWidth === 0)"
            ".map(img => img.getAttribute('src'))")
        seen.math_elements = page.locator(MATH).count()
        if seen.math_elements:
            page.wait_for_function("() => window.MathJax && MathJax.Hub && MathJax.Hub.Register",
                                   timeout=30_000)
            page.evaluate(TYPESET_DONE)
            seen.untypeset_math = page.evaluate(UNTYPESET)
            seen.math_errors = page.evaluate(MATH_ERRORS)
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot), full_page=True)
    finally:
        context.close()
    return seen


@pytest.mark.slow
@pytest.mark.parametrize("docname", PAGES)
def test_page_renders_offline(browser, site_url, docname):
    is_chapter = docname.startswith("book/")
    shot = book_site.SCREENSHOTS / f"{docname.split('/')[-1]}.png" if is_chapter else None
    root = f"{site_url}/{book_site.toc_docnames()[0]}.html"
    seen = visit(browser, f"{site_url}/{docname}.html", screenshot=shot,
                 lands_on=root if docname == "index" else None)
    assert seen.external_requests == [], "the page needs the network"
    assert seen.console_errors == [], "the browser reported errors"
    assert seen.failed_requests == [], "some files of the page did not load"
    assert seen.broken_images == [], "some images did not load"
    assert seen.untypeset_math == 0, f"{seen.untypeset_math} of {seen.math_elements} " \
                                     "math elements were not typeset by MathJax"
    assert seen.math_errors == [], "MathJax could not typeset some math"
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


def test_the_introduction_has_typeset_math(browser, site_url):
    seen = visit(browser, f"{site_url}/{book_site.toc_docnames()[0]}.html")
    assert seen.math_elements > 0
    assert seen.untypeset_math == 0
