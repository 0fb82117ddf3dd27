"""A tiny class graded by the real grader (real notebooks, sandbox and judge): a student's failed exercise
shows its failing input and expected against got, named, with the book section, and nothing hidden."""
import json
from pathlib import Path

import nbformat
import pytest
from in_browser import OVERFLOW, open_page
from page_parts import Parts

from autograder.exercises import BY_ID
from autograder.links import chapter_url
from grader_class import grade_class, solved, write_class
from mutants import named_slip

ROOT = Path(__file__).resolve().parents[2]
# Three typical wrong submissions and a wrong squeeze, each one slip of the catalogue the visible checks name
WRONG = {"squeeze": ("01_squeeze", "squeeze-solution", named_slip("squeeze", "max pooling")),
         "excitation": ("02_excitation", "excitation-solution", named_slip("excitation", "no ReLU")),
         "eca_block": ("03_eca", "eca-block-solution", named_slip("eca_block", "pass gamma and b")),
         "channel_attention": ("04_channel_attention", "channel-attention-solution",
                               named_slip("channel_attention", "before the MLP"))}
ANSWER = "The max path keeps the <b>strongest</b> response & the mean the overall level."


pytestmark = pytest.mark.slow


def answered(stem: str, grade_id: str, source: str, **cells):
    """The solved notebook with one solution cell replaced by the student's own (wrong) answer, and any
    other cells (grade id -> source) replaced too."""
    notebook = solved(stem)
    for cell in notebook.cells:
        grade_id_here = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id_here == grade_id:
            cell.source = source
        elif grade_id_here in cells:
            cell.source = cells[grade_id_here]
    return notebook


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("feedback-class")
    wrong = {f"{stem}.ipynb": answered(stem, grade_id, source) for stem, grade_id, source in WRONG.values()}
    stem, grade_id, source = WRONG["channel_attention"]
    wrong[f"{stem}.ipynb"] = answered(stem, grade_id, source, **{"04-answer-1": ANSWER,
                                                                 "04-answer-2": "YOUR ANSWER HERE"})
    write_class(base / "class", {"right": {"01_squeeze.ipynb": solved()}, "wrong": wrong})
    out = base / "results"
    grade_class(base / "class", out)
    return out


@pytest.mark.parametrize("exercise_id, words", [("squeeze", "max pooling"), ("excitation", "no ReLU"),
                                                ("channel_attention", "added before the MLP"),
                                                ("eca_block", "pass gamma and b on")])
def test_a_failed_exercise_shows_the_failing_input_expected_and_got_and_the_mistake(graded, exercise_id, words):
    record = json.loads((graded / "students" / "wrong.json").read_text("utf-8"))
    row = next(r for r in record["results"] if r["exercise"] == exercise_id)
    failing = [c for c in row["checks"] if not c["passed"]]
    assert row["status"] == "failed" and failing
    page = Parts((graded / "feedback" / "wrong" / "index.html").read_text("utf-8"))
    shown = json.loads((graded / "feedback" / "wrong" / "feedback.json").read_text("utf-8"))
    exercise = next(e for n in shown["notebooks"] for e in n["exercises"] if e["exercise"] == exercise_id)
    failing_shown = [c for c in exercise["checks"] if not c["passed"]]
    assert len(failing_shown) == len(failing)
    for check, recorded in zip(failing_shown, failing):
        for key in ("input", "expected", "got"):
            assert check.get(key) and check[key] in page.text, (key, check)
            assert check[key] == recorded.get(key, check[key]), key  # as the judge wrote it, where it did
        assert check["book"] in page.hrefs and check["book"].startswith(chapter_url(BY_ID[exercise_id].notebook))
    mistakes = {c["mistake"] for c in failing_shown if c.get("mistake")}
    assert any(words in m for m in mistakes) and all(m in page.text for m in mistakes), mistakes
    first = next(s for s in shown["start_here"] if exercise_id in [e["exercise"] for e in s["exercises"]])
    assert words in first["step"]  # the first thing to fix names the mistake


def test_the_page_shows_the_students_code_and_never_the_hidden_tests(graded):
    text = Parts((graded / "feedback" / "wrong" / "index.html").read_text("utf-8")).text
    for _, _, source in WRONG.values():
        assert all(line.strip() in text for line in source.splitlines() if line.strip()), source
    hidden = []
    for stem, _, _ in WRONG.values():
        for cell in nbformat.read(ROOT / "solutions" / "attention" / f"{stem}.ipynb", as_version=4).cells:
            if "### BEGIN HIDDEN TESTS" in cell.source:
                block = cell.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
                hidden += [line.strip() for line in block.splitlines() if len(line.strip()) > 20]
    assert hidden and not [line for line in hidden if line in text]


def test_the_right_student_is_told_everything_passed_and_the_class_page_counts_the_mistake(graded):
    right = json.loads((graded / "feedback" / "right" / "feedback.json").read_text("utf-8"))
    assert [e["status"] for n in right["notebooks"] for e in n["exercises"] if e["exercise"] == "squeeze"] == ["passed"]
    text = Parts((graded / "class.html").read_text("utf-8")).text
    record = json.loads((graded / "students" / "wrong.json").read_text("utf-8"))
    squeeze = next(r for r in record["results"] if r["exercise"] == "squeeze")
    mistake = next(c["mistake"] for c in squeeze["checks"] if c.get("mistake"))
    assert f"1 student, squeeze: {mistake}" in text
    assert "50% passed (1/2); 1 failed" in text


def test_the_answers_are_shown_as_handed_in_and_counted_on_the_class_page(graded):
    html = (graded / "feedback" / "wrong" / "index.html").read_text("utf-8")
    shown = json.loads((graded / "feedback" / "wrong" / "feedback.json").read_text("utf-8"))
    answers = {a["id"]: a for n in shown["notebooks"] for a in n["answers"]}
    assert sorted(answers) == ["01-answer-1", "01-answer-2", "02-answer-1", "02-answer-2", "03-answer-1",
                               "03-answer-2", "04-answer-1", "04-answer-2"]
    assert (answers["04-answer-1"]["state"], answers["04-answer-1"]["answer"]) == ("answered", ANSWER)
    assert answers["04-answer-2"]["state"] == "not answered" and shown["to_grade_by_hand"] == 8.0
    assert ANSWER in Parts(html).text and "<b>strongest</b>" not in html  # shown as text, not markup
    assert answers["04-answer-1"]["question"] in Parts(html).text
    text = Parts((graded / "class.html").read_text("utf-8")).text
    assert "01-answer-1 (01_squeeze): 2 of 2 students answered" in text
    assert "04-answer-2 (04_channel_attention): 0 of 1 student answered" in text


@pytest.mark.parametrize("window", [(375, 812), (1366, 768)])
def test_the_graded_pages_fit_a_phone_and_a_laptop_and_request_nothing(browser, graded, window):
    for name in ("feedback/wrong/index.html", "feedback/right/index.html", "class.html"):
        context, page, seen = open_page(browser, graded / name, window)
        try:
            assert page.locator("h1").first.is_visible() and page.evaluate("document.scripts.length") == 0
            assert seen["requests"] == [(graded / name).as_uri()] and seen["console"] == []
            fit = page.evaluate(OVERFLOW)
            assert fit["wide"] <= 0 and fit["out"] == [], (name, fit)
        finally:
            context.close()
