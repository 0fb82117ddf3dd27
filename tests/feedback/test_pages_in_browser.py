"""The feedback and class pages opened from disk in headless Chromium, at a phone's and a laptop's size:
they render, run no script, request nothing, every link resolves, nothing overflows sideways, and
axe-core finds no serious or critical accessibility violation."""
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import records
from axe_playwright_python.sync_playwright import Axe
from in_browser import LINKS, OVERFLOW, open_page

from autograder.grade.feedback import write_class_page, write_feedback
from autograder.links import chapter_url

pytestmark = pytest.mark.slow

PAGES = ["class.html", "feedback/ada/index.html", "feedback/ben/index.html", "feedback/mallory/index.html"]
WINDOWS = {"phone": (375, 812), "laptop": (1366, 768)}
BOOK = chapter_url("01_squeeze").rsplit("book/", 1)[0]


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    out = tmp_path_factory.mktemp("results")
    group = [(records.honest(), {}), (records.typical(), records.TYPICAL_CELLS),
             (records.hostile(), records.HOSTILE_CELLS)]
    for record, cells in group:
        write_feedback(out, record, cells)
    write_class_page(out, [record for record, _ in group])
    return out


def inert_and_fitting(page, seen, path: Path) -> dict:
    """What a page shows of itself once loaded: a title, no script or request, nothing overflowing."""
    return {"h1 visible": page.locator("h1").first.is_visible(),
            "scripts": page.evaluate("document.scripts.length"),
            "pwned": page.evaluate("window.pwned") is not None or page.title() == "pwned",
            "requests": seen["requests"] == [path.as_uri()], "dialogs": seen["dialogs"],
            "console": seen["console"],  # not even a blocked script or style: nothing tried to run
            "fit": page.evaluate(OVERFLOW),
            "svg sized": page.evaluate("Array.from(document.querySelectorAll('svg')).every(s => "
                                       "s.getBoundingClientRect().width > 40 && s.getBoundingClientRect().height > 8)")}


@pytest.fixture(scope="module")
def laptop_visits(browser, results):
    """{page: what one load of it at a laptop's size gave}: its links and axe-core's violations, read
    before anything is changed, then the render checks (which open every <details>)."""
    visits = {}
    for name in PAGES:
        context, page, seen = open_page(browser, results / name, WINDOWS["laptop"])
        try:
            links = page.evaluate(LINKS)
            violations = Axe().run(page).response["violations"]  # axe is injected by playwright, not by the page
            visits[name] = {"links": links, "violations": violations,
                            "render": inert_and_fitting(page, seen, results / name)}
        finally:
            context.close()
    return visits


@pytest.mark.parametrize("window", WINDOWS)
@pytest.mark.parametrize("name", PAGES)
def test_page_renders_inert_and_fits_the_window(browser, results, laptop_visits, name, window):
    if window == "laptop":
        render = laptop_visits[name]["render"]
    else:
        context, page, seen = open_page(browser, results / name, WINDOWS[window])
        try:
            render = inert_and_fitting(page, seen, results / name)
        finally:
            context.close()
    assert render["h1 visible"] and render["scripts"] == 0 and not render["pwned"], render
    assert render["requests"] and not render["dialogs"], render
    assert render["console"] == []
    assert render["fit"]["wide"] <= 0 and render["fit"]["out"] == [], render["fit"]
    assert render["svg sized"]


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_accessibility_violation(laptop_visits, name):
    violations = laptop_visits[name]["violations"]
    assert [f"{v['id']} ({v['impact']}): {v['help']} at " + "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
            for v in violations if v.get("impact") in {"serious", "critical"}] == []


def test_the_questions_show_on_a_phone_with_the_answer_and_the_points(browser, results):
    context, page, _ = open_page(browser, results / "feedback/ben/index.html", WINDOWS["phone"])
    try:
        card = page.locator("#q-02-answer-1")
        card.scroll_into_view_if_needed()
        assert card.is_visible() and records.ANSWER in card.inner_text()
        assert "To be graded by hand (1 point)." in card.inner_text()
        assert "not answered" in page.locator("#q-02-answer-2").inner_text()
    finally:
        context.close()


@pytest.mark.parametrize("name", PAGES)
def test_every_link_resolves(laptop_visits, name):
    links = laptop_visits[name]["links"]
    assert links
    for link in links:
        if link["raw"].startswith("#"):
            assert link["target"], link
        elif link["raw"].startswith("https://"):
            assert link["raw"].startswith(BOOK + "book/"), link
        else:
            parts = urlsplit(link["url"])
            assert parts.scheme == "file" and Path(unquote(parts.path)).is_file(), link


def test_start_here_takes_the_student_to_the_exercise_and_the_class_page_to_the_student(browser, results):
    context, page, _ = open_page(browser, results / "feedback/ben/index.html", WINDOWS["phone"])
    try:
        page.click('.start a[href="#ex-channel_attention"]')
        top = page.evaluate("document.getElementById('ex-channel_attention').getBoundingClientRect().top")
        assert abs(top) < 5 and page.evaluate("location.hash") == "#ex-channel_attention"
        assert page.locator("#ex-channel_attention .mistake").first.is_visible()
    finally:
        context.close()
    context, page, _ = open_page(browser, results / "class.html", WINDOWS["phone"])
    try:
        page.click("#students + details summary")
        page.click('a[href="feedback/ben/index.html"]')
        page.wait_for_load_state("load")
        assert page.url.endswith("/feedback/ben/index.html") and page.locator("h1").inner_text() == "Feedback"
    finally:
        context.close()
