"""A tiny class graded by the real grader (real notebooks, sandbox and judge): a student's failed exercise
shows its failing input and expected against got, named, with the book section, and nothing hidden."""
import json
import sys
from pathlib import Path

import nbformat
import pytest
from in_browser import OVERFLOW, open_page
from page_parts import Parts

from autograder.exercises import BY_ID
from autograder.links import chapter_url

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "grader"))

from grader_class import grade_class, solved, write_class  # noqa: E402

MAX_SQUEEZE = "def squeeze(x):\n    return x.amax(dim=(2, 3), keepdim=True)\n"
MLP_OF_SUM = """class ChannelAttention(nn.Module):
    def __init__(self, channels, reduction=16):
        super().__init__()
        hidden = max(1, channels // reduction)
        self.mlp = nn.Sequential(nn.Linear(channels, hidden, bias=False), nn.ReLU(),
                                 nn.Linear(hidden, channels, bias=False))

    def forward(self, x):
        z = x.mean(dim=(2, 3)) + x.amax(dim=(2, 3))
        return x * torch.sigmoid(self.mlp(z))[:, :, None, None]
"""


pytestmark = pytest.mark.slow


def answered(stem: str, grade_id: str, source: str):
    """The solved notebook with one solution cell replaced by the student's own (wrong) answer."""
    notebook = solved(stem)
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    cell.source = source
    return notebook


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("feedback-class")
    write_class(base / "class", {
        "right": {"01_squeeze.ipynb": solved()},
        "wrong": {"01_squeeze.ipynb": answered("01_squeeze", "squeeze-solution", MAX_SQUEEZE),
                  "04_channel_attention.ipynb": answered("04_channel_attention", "channel-attention-solution",
                                                         MLP_OF_SUM)},
    })
    out = base / "results"
    grade_class(base / "class", out)
    return out


@pytest.mark.parametrize("exercise_id, words", [("squeeze", "max pooling"),
                                                ("channel_attention", "added before the MLP")])
def test_a_failed_exercise_shows_the_failing_input_expected_and_got_and_the_mistake(graded, exercise_id, words):
    record = json.loads((graded / "students" / "wrong.json").read_text("utf-8"))
    row = next(r for r in record["results"] if r["exercise"] == exercise_id)
    failing = [c for c in row["checks"] if not c["passed"]]
    assert row["status"] == "failed" and failing
    page = Parts((graded / "feedback" / "wrong" / "index.html").read_text("utf-8"))
    for check in failing:
        for key in ("input", "expected", "got"):
            assert check[key] and check[key] in page.text, (key, check)
    mistakes = {c["mistake"] for c in failing if c.get("mistake")}
    assert any(words in m for m in mistakes) and all(m in page.text for m in mistakes), mistakes
    assert any(h.startswith(chapter_url(BY_ID[exercise_id].notebook)) for h in page.hrefs)
    shown = json.loads((graded / "feedback" / "wrong" / "feedback.json").read_text("utf-8"))
    exercise = next(e for n in shown["notebooks"] for e in n["exercises"] if e["exercise"] == exercise_id)
    assert [(c["input"], c["expected"], c["got"]) for c in exercise["checks"] if not c["passed"]] == \
        [(c["input"], c["expected"], c["got"]) for c in failing]


def test_the_page_shows_the_students_code_and_never_the_hidden_tests(graded):
    text = Parts((graded / "feedback" / "wrong" / "index.html").read_text("utf-8")).text
    assert "return x.amax(dim=(2, 3), keepdim=True)" in text
    assert "z = x.mean(dim=(2, 3)) + x.amax(dim=(2, 3))" in text
    hidden = []
    for stem in ("01_squeeze", "04_channel_attention"):
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


def test_the_graded_pages_fit_a_phone_and_request_nothing(browser, graded):
    for name in ("feedback/wrong/index.html", "feedback/right/index.html", "class.html"):
        context, page, seen = open_page(browser, graded / name, (375, 812))
        try:
            assert page.locator("h1").first.is_visible() and page.evaluate("document.scripts.length") == 0
            assert seen["requests"] == [(graded / name).as_uri()] and seen["console"] == []
            fit = page.evaluate(OVERFLOW)
            assert fit["wide"] <= 0 and fit["out"] == [], (name, fit)
        finally:
            context.close()
