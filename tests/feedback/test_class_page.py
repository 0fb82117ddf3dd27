"""The instructor's class page: the totals' histogram, pass rates per exercise as a chart, the common
named mistakes with how many students made each, and who needs attention."""
import copy
import re

import records
from page_parts import Parts

from autograder.grade.feedback import write_class_page, write_feedback


def student(name, *mistakes_per_check, attention=""):
    """A student who failed ChannelAttention with the given mistake in each failing check."""
    record = copy.deepcopy(records.honest())
    record.update(student=name, display_name=name.title(), attention=attention)
    row = next(r for r in record["results"] if r["exercise"] == "channel_attention")
    row.update(status="failed", score=0.0, checks=[dict(records.failing_channel_attention(), mistake=m)
                                                   for m in mistakes_per_check])
    return record


def klass():
    return [student("s1", records.MLP_OF_SUM, records.MLP_OF_SUM),  # twice in one student counts once
            student("s2", records.MLP_OF_SUM), student("s3", records.NO_RELU, attention="error: cbam"),
            records.honest(), records.typical()]


def class_page(tmp_path, group, with_pages=()):
    for record in with_pages:
        write_feedback(tmp_path, record, {})
    write_class_page(tmp_path, group)
    html = (tmp_path / "class.html").read_text("utf-8")
    return html, Parts(html)


def titles(html: str) -> list:
    return re.findall(r"<title>([^<]*)</title>", html)[1:]  # the page's own title first


def test_the_histogram_counts_students_per_total(tmp_path):
    # totals: s1, s2, s3 14 of 16 (ChannelAttention lost), ada 16, ben 2
    html, page = class_page(tmp_path, klass())
    bars = {t.split(" points: ")[0]: t.split(": ")[1] for t in titles(html) if " points: " in t}
    assert bars["14"] == "3 students" and bars["16"] == "1 student" and bars["2"] == "1 student"
    assert bars["0"] == "0 students" and len(bars) == 17
    assert "5 students; mean 12.0, median 14 of 16 points." in page.text


def test_each_exercise_has_its_pass_rate_as_a_chart_and_in_words(tmp_path):
    html, page = class_page(tmp_path, klass())
    assert "20% passed (1/5); 4 failed" in page.text  # ChannelAttention: only ada
    assert "80% passed (4/5); 1 failed" in page.text  # Excitation: all but ben
    assert "Excitation: 4 passed" in titles(html) and "ChannelAttention: 4 failed" in titles(html)
    assert page.tags.count("svg") == 1 + 8  # the histogram, and a bar per exercise


def test_common_mistakes_are_counted_once_per_student_most_common_first(tmp_path):
    _, page = class_page(tmp_path, klass())
    text = page.text
    assert f"3 students, ChannelAttention: {records.MLP_OF_SUM}" in text  # s1, s2, ben
    assert f"2 students, Excitation: {records.NO_RELU}" not in text
    assert text.index(records.MLP_OF_SUM) < text.index(records.NO_RELU)
    assert f"1 student, ChannelAttention: {records.NO_RELU}" in text
    assert f"1 student, Excitation: {records.NO_RELU}" in text


def test_students_needing_attention_are_listed_with_a_link_to_their_page(tmp_path):
    group = klass()
    html, page = class_page(tmp_path, group, with_pages=[group[2]])
    attention = page.text[page.text.rindex("Needs attention"):page.text.rindex("All students")]
    assert "s3" in attention and "error: cbam" in attention and "ben" in attention and "s1" not in attention
    low = student("s4")
    low["results"] = [dict(r, score=0.0, status="failed") for r in low["results"]]
    _, page = class_page(tmp_path, [low, *group])
    assert "s4 (S4) 0 / 16: under half the points" in page.text
    assert "feedback/s3/index.html" in page.hrefs
    assert "feedback/ben/index.html" not in page.hrefs  # no page written for ben: no dead link


def test_hostile_records_are_escaped_on_the_class_page(tmp_path):
    html, page = class_page(tmp_path, [records.hostile(), records.typical()])
    assert "script" not in page.tags and "img" not in page.tags and "\x1b" not in html and "\u202e" not in html
    assert "&lt;script&gt;" in html and len(html) < 100_000
    assert all(h.startswith(("#", "https://", "feedback/")) for h in page.hrefs)


def test_an_empty_class_still_gives_a_page(tmp_path):
    _, page = class_page(tmp_path, [])
    assert "No students were graded." in page.text


def test_the_class_page_counts_who_answered_each_question(tmp_path):
    group = klass()
    group[2]["answers"][1] = dict(group[2]["answers"][1], state="not answered", text="")  # s2 left one untouched
    _, page = class_page(tmp_path, group)
    text = page.text
    assert "01-answer-1 (01_squeeze): 4 of 4 students answered" in text
    assert "01-answer-2 (01_squeeze): 3 of 4 students answered" in text
    assert "02-answer-2 (02_excitation): 0 of 1 student answered" in text
    assert "#questions" in page.hrefs and "questions" in page.ids
