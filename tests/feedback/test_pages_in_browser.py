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


@pytest.mark.parametrize("window", WINDOWS)
@pytest.mark.parametrize("name", PAGES)
def test_page_renders_inert_and_fits_the_window(browser, results, name, window):
    path = results / name
    context, page, seen = open_page(browser, path, WINDOWS[window])
    try:
        assert page.locator("h1").first.is_visible()
        assert page.evaluate("document.scripts.length") == 0
        assert page.evaluate("window.pwned") is None and page.title() != "pwned"
        assert seen["requests"] == [path.as_uri()] and not seen["dialogs"]
        assert seen["console"] == []  # not even a blocked script or style: nothing tried to run
        fit = page.evaluate(OVERFLOW)
        assert fit["wide"] <= 0 and fit["out"] == [], fit
        assert page.evaluate("Array.from(document.querySelectorAll('svg')).every("
                             "s => s.getBoundingClientRect().width > 40 && s.getBoundingClientRect().height > 8)")
    finally:
        context.close()


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_accessibility_violation(browser, results, name):
    context, page, _ = open_page(browser, results / name, WINDOWS["laptop"])
    try:
        violations = Axe().run(page).response["violations"]  # axe is injected by playwright, not by the page
    finally:
        context.close()
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
def test_every_link_resolves(browser, results, name):
    context, page, _ = open_page(browser, results / name, WINDOWS["laptop"])
    try:
        links = page.evaluate(LINKS)
    finally:
        context.close()
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
