"""A page of the built book opened once in headless Chromium, offline, and measured: what the
render checks need (console errors, failed and outside requests, images, math) and axe-core's
audit of that same load.

The browser tests and the accessibility tests read one visit of each page (``page_visits`` in
tests/book/conftest.py): each page is loaded, typeset and audited once per session; the index,
which redirects to the first page, is followed to it, and that page's own visit stands for what it
lands on.
"""
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe

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
# MathJax has nothing left in its queue (or there is no math to typeset).
MATH_SETTLED = """() => !document.querySelector('.math.notranslate') ||
    (window.MathJax && MathJax.Hub && MathJax.Hub.queue && MathJax.Hub.queue.pending === 0
     && MathJax.Hub.queue.running === 0)"""
# TeX MathJax could not parse (an merror) or a macro it does not know (shown in red).
MATH_ERRORS = r"""() => Array.from(document.querySelectorAll('.MathJax[data-mathml]'))
    .map(e => e.getAttribute('data-mathml'))
    .filter(m => m.includes('<merror') || /<mtext mathcolor="red">\\/.test(m))
    .concat(Array.from(document.querySelectorAll('.noError, .MathJax_Error'))
        .map(e => e.textContent))"""
BLOCKING = {"serious", "critical"}


@dataclass
class Visit:
    console_errors: list = field(default_factory=list)
    external_requests: list = field(default_factory=list)
    failed_requests: list = field(default_factory=list)
    broken_images: list = field(default_factory=list)
    math_elements: int = 0
    untypeset_math: int = 0
    math_errors: list = field(default_factory=list)
    violations: list = field(default_factory=list)  # axe-core's, of every impact


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in {"data", "blob", "about"} or parts.hostname in LOCAL_HOSTS


def audit(page) -> dict:
    """axe-core's results for the page as it stands (axe is injected by playwright, not by the page)."""
    return Axe().run(page).response


def blocking(results: dict) -> list[str]:
    """One line per serious or critical violation: rule, impact, and the first few elements."""
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            + "; ".join(" ".join(node["target"]) for node in v["nodes"][:3])
            for v in results["violations"] if v.get("impact") in BLOCKING]


@contextmanager
def opened(browser, url: str, seen: Visit, lands_on=None):
    """The page at ``url`` loaded offline (requests to other hosts are refused and recorded), and
    ``recording``: clear it to stop recording the page's requests and messages (axe's own requests,
    since it fetches the style sheets, some at the wrong address, and messages are not the page's);
    ``lands_on``: the URL a redirecting page must lead to (followed until the browser commits to it)."""
    recording = [True]

    def record(found: list, item) -> None:
        if recording:
            found.append(item)

    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  service_workers="block")

    def route(request_route):
        if is_local(request_route.request.url):
            request_route.continue_()
        else:
            record(seen.external_requests, request_route.request.url)
            request_route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and record(seen.console_errors, m.text))
    page.on("pageerror", lambda error: record(seen.console_errors, f"uncaught: {error}"))
    page.on("requestfailed", lambda r: is_local(r.url)
            and record(seen.failed_requests, f"{r.url} ({r.failure})"))
    page.on("response", lambda r: r.status >= 400
            and record(seen.failed_requests, f"{r.url} (HTTP {r.status})"))
    try:
        page.goto(url, wait_until="load")
        if lands_on is not None:
            page.wait_for_url(lands_on, wait_until="commit", timeout=15_000)
        yield page, recording
    finally:
        recording.clear()  # closing the context cancels what is still loading: not the page's failures
        context.close()


def visit(browser, url: str, screenshot=None, accessibility=True) -> Visit:
    """Open one page offline, wait for its images and its math, take a screenshot of the window
    (the whole page would cost Chromium a CPU-second a chapter), and audit it with axe-core once
    MathJax is done."""
    seen = Visit()
    with opened(browser, url, seen) as (page, recording):
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
            page.screenshot(path=str(screenshot))
        if accessibility:
            page.wait_for_function(MATH_SETTLED, timeout=30_000)
            recording.clear()
            seen.violations = audit(page)["violations"]
    return seen


def redirect(browser, url: str, lands_on: str, landed: Visit) -> Visit:
    """A page that redirects to ``lands_on``, whose own visit is ``landed``: the redirect is followed
    until the browser commits to the landed page, and what the redirecting page requested and logged
    is added to what the landed page's visit found (a second visit of that page would find the same)."""
    seen = Visit()
    with opened(browser, url, seen, lands_on=lands_on):
        pass
    return replace(landed, console_errors=seen.console_errors + landed.console_errors,
                   external_requests=seen.external_requests + landed.external_requests,
                   failed_requests=seen.failed_requests + landed.failed_requests)
