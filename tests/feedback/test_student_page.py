"""A student's feedback page and its JSON, from records built by hand: what a student can act on, and
nothing a hostile submission could turn against the reader."""
import json

import pytest
import records
from page_parts import Parts

from autograder.grade.feedback import write_feedback
from autograder.links import chapter_url


def written(tmp_path, record, cells=None):
    write_feedback(tmp_path, record, cells or {})
    folder = tmp_path / "feedback" / record["student"]
    html = (folder / "index.html").read_text("utf-8")
    return html, Parts(html), json.loads((folder / "feedback.json").read_text("utf-8"))


def exercise(data, exercise_id):
    return next(e for n in data["notebooks"] for e in n["exercises"] if e["exercise"] == exercise_id)


def test_a_failed_check_shows_its_input_expected_got_difference_mistake_and_book_section(tmp_path):
    html, page, data = written(tmp_path, records.typical(), records.TYPICAL_CELLS)
    check = records.failing_channel_attention()
    for text in (check["input"], check["expected"], check["got"], "Largest difference 0.412", check["where"],
                 records.MLP_OF_SUM, records.NO_RELU):
        assert text in page.text, text
    assert chapter_url("04_channel_attention", "two-descriptors-one-mlp") in page.hrefs
    assert chapter_url("02_excitation", "the-bottleneck-mlp") in page.hrefs
    shown = exercise(data, "channel_attention")["checks"][0]
    assert (shown["expected"], shown["got"], shown["largest_difference"], shown["where"], shown["mistake"]) == \
        (check["expected"], check["got"], 0.412, check["where"], records.MLP_OF_SUM)


def test_each_exercise_has_its_score_and_status_and_the_page_its_total(tmp_path):
    _, page, data = written(tmp_path, records.typical(), records.TYPICAL_CELLS)
    assert "2 / 16 points" in page.text
    statuses = {e["exercise"]: (e["status"], e["score"], e["max_score"])
                for n in data["notebooks"] for e in n["exercises"]}
    assert statuses["squeeze"] == ("passed", 2.0, 2.0) and statuses["excitation"] == ("failed", 0.0, 2.0)
    assert statuses["se_block"][0] == "error" and statuses["eca_block"][0] == "timeout"
    assert statuses["cbam"] == ("missing", 0.0, 3.0)
    for status in ("passed", "failed", "error", "timeout", "missing"):
        assert sum(1 for tag, attrs in page.attrs if "status-" + status in attrs.get("class", "")) >= 1, status


def test_start_here_names_the_first_thing_to_fix_in_each_exercise_that_lost_points(tmp_path):
    _, page, data = written(tmp_path, records.typical(), records.TYPICAL_CELLS)
    steps = {e["exercise"]: s["step"] for s in data["start_here"] for e in s["exercises"]}
    assert set(steps) == {"excitation", "se_block", "eca_kernel_size", "eca_block", "channel_attention",
                          "spatial_attention", "cbam"}
    assert steps["excitation"] == records.NO_RELU and steps["channel_attention"] == records.MLP_OF_SUM
    # one entry for the two exercises of the notebook that was not handed in
    assert [[e["exercise"] for e in s["exercises"]] for s in data["start_here"] if s["status"] == "missing"] == \
        [["spatial_attention", "cbam"]]
    assert "#ex-channel_attention" in page.hrefs and "ex-channel_attention" in page.ids


def test_the_students_own_code_for_each_exercise_is_shown(tmp_path):
    _, page, data = written(tmp_path, records.typical(), records.TYPICAL_CELLS)
    assert "return torch.sigmoid(self.fc2(self.fc1(z)))  # no ReLU" in page.text
    assert "x.mean((2, 3)) + x.amax((2, 3))" in page.text
    assert exercise(data, "excitation")["your_code"] == [2]  # the cell defining Excitation, not the imports


def test_the_json_holds_what_the_page_shows(tmp_path):
    _, page, data = written(tmp_path, records.typical(), records.TYPICAL_CELLS)
    for notebook in data["notebooks"]:
        assert notebook["notebook"] + ".ipynb" in page.text
        for cell in notebook["cells"]:
            assert cell["source"] in page.text
        for item in notebook["exercises"]:
            failing = [c for c in item["checks"] if not c["passed"]]
            if item["status"] != "passed" and not failing:  # else the failing checks say it, one by one
                assert item["message"] in page.text
            for check in item["checks"]:
                for key in ("case", "expected", "got", "mistake", "where"):
                    assert check.get(key, "") in page.text, key
                if not check["passed"]:
                    assert check["book"] in page.hrefs


def test_every_internal_link_has_its_target_and_ids_are_unique(tmp_path):
    _, page, _ = written(tmp_path, records.typical(), records.TYPICAL_CELLS)
    assert len(page.ids) == len(set(page.ids))
    internal = [h for h in page.hrefs if h.startswith("#")]
    assert internal and all(h[1:] in page.ids for h in internal)
    assert all(h.startswith("#") or h.startswith("https://") for h in page.hrefs)


def test_hostile_strings_are_escaped_cleaned_and_capped(tmp_path):
    html, page, data = written(tmp_path, records.hostile(), records.HOSTILE_CELLS)
    assert "script" not in page.tags and "img" not in page.tags
    assert "<script" not in html and "<img" not in html and "<b>bold" not in html
    assert "&lt;script&gt;" in html and "&lt;img src=x" in html
    assert "\x1b" not in html and "\u202e" not in html and "\\u202e" in page.text
    assert "All submissions graded cleanly" in page.text  # the words stay, the terminal codes go
    assert "THE-END-OF-A-HUGE-MESSAGE" not in html and "more characters cut" in page.text
    assert len(html.encode()) < 150_000
    assert all(h.startswith(("#", "https://")) for h in page.hrefs)  # "javascript:" sections give the chapter
    assert chapter_url("01_squeeze") in page.hrefs
    check = exercise(data, "squeeze")["checks"]
    assert len(check) == 3 and check[0]["largest_difference"] is None  # NaN is not shown as a number
    assert check[2]["case"] == "12345" and len(check[2]["input"]) < 400 and "99999" not in html
    assert exercise(data, "excitation")["status"] == "error"  # an unknown status is not put in a class name
    assert exercise(data, "se_block")["score"] is None


def test_the_page_forbids_scripts_and_requests_elsewhere(tmp_path):
    html, page, _ = written(tmp_path, records.honest())
    policy = next(a["content"] for tag, a in page.attrs
                  if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert "http://" not in html and "src=" not in html


@pytest.mark.parametrize("student", ["../escape", "a/b", "", ".", "..", "nul\0"])
def test_an_id_that_is_not_a_folder_name_is_refused(tmp_path, student):
    record = dict(records.honest(), student=student)
    with pytest.raises(ValueError, match="student id"):
        write_feedback(tmp_path / "results", record, {})
    assert not (tmp_path / "escape").exists() and not (tmp_path / "results").exists()


def test_an_honest_student_is_told_everything_passed(tmp_path):
    _, page, data = written(tmp_path, records.honest())
    assert data["start_here"] == [] and "Every exercise passed every check." in page.text
    assert "16 / 16 points" in page.text and "Ada Lovelace" in page.text


def test_each_question_shows_the_answer_or_not_answered_and_is_graded_by_hand(tmp_path):
    _, page, data = written(tmp_path, records.typical(), records.TYPICAL_CELLS)
    shown = {(n["notebook"], a["id"]): a for n in data["notebooks"] for a in n["answers"]}
    assert set(shown) == {("02_excitation", "02-answer-1"), ("02_excitation", "02-answer-2"),
                          ("04_channel_attention", "04-answer-1")}
    assert shown["02_excitation", "02-answer-1"]["state"] == "answered"
    assert shown["02_excitation", "02-answer-1"]["answer"] == records.ANSWER
    assert shown["02_excitation", "02-answer-2"] | {"answer": ""} == shown["02_excitation", "02-answer-2"]
    assert [a["state"] for a in shown.values()] == ["answered", "not answered", "not answered"]
    assert all(a["points"] == 1.0 and a["graded"] == "by hand" for a in shown.values())
    assert data["to_grade_by_hand"] == 3.0 and data["score"] == 2.0  # kept apart from the autograded points
    assert records.QUESTION in page.text and records.ANSWER in page.text
    assert page.text.count("not answered") == 2 and page.text.count("To be graded by hand (1 point).") == 3
    assert "q-02-answer-1" in page.ids and "(and 3 points for your answers, to be graded by hand)" in page.text


def test_hostile_answers_are_escaped_capped_and_a_malformed_one_is_shown_as_unreadable(tmp_path):
    html, page, data = written(tmp_path, records.hostile(), records.HOSTILE_CELLS)
    answers = [a for n in data["notebooks"] for a in n["answers"]]
    assert len(answers) == 3  # "not an answer" is no record of one
    assert "<script" not in html and "<img" not in html and "\x1b" not in html
    assert "&lt;script&gt;" in html and records.SCRIPT in page.text  # shown as text, never run
    assert answers[1]["state"] == "unreadable" and "more characters cut" in answers[1]["answer"]
    assert len(answers[1]["answer"]) < 4100 and "THE-END-OF-A-HUGE-MESSAGE" not in html
    assert answers[2]["points"] is None and len(answers[2]["question"]) < 1100 and "99999" not in html


def test_a_module_that_cannot_hold_the_weights_shows_what_was_expected_and_what_was_found(tmp_path):
    record = records.honest()
    row = next(r for r in record["results"] if r["exercise"] == "eca_block")
    case = "ECABlock(16, gamma=1, b=0) on x (2, 16, 3, 2) float64 cpu"
    hint = "conv.weight holds k = 3, the kernel size for the default gamma=2, b=1: pass gamma and b on"
    message = (f"ECABlock ({case}): expected one bias-free 1-D convolution kernel of k = 5 weights "
               f"(nn.Conv1d(1, 1, kernel_size=5, padding=2, bias=False)); found conv.weight (1, 1, 3). Hint: {hint}.")
    row.update(status="failed", score=0.0, checks=[{"case": case, "passed": False, "message": message, "input": case,
                                                   "mistake": hint, "section": "03_eca#how-wide-should-the-kernel-be"}])
    _, page, data = written(tmp_path, record)
    (check,) = exercise(data, "eca_block")["checks"]
    assert check["expected"].startswith("one bias-free 1-D convolution kernel of k = 5 weights")
    assert check["got"] == "conv.weight (1, 1, 3)" and hint in page.text
    assert check["expected"] in page.text and check["got"] in page.text
    assert data["start_here"][0]["step"] == hint
