"""The answers to grade by hand, read from real submitted notebooks as carefully as their code cells:
found by grade id or, without metadata, after their question; an untouched cell is "not answered";
a link, a pipe, a broken or oversized file gives a clear note and never stops the grading."""
import json
import os

import nbformat
import pytest

from autograder.demo.submission import solved_notebook, strip_metadata
from autograder.grade.cells import ANSWER_CHARS, NOTEBOOK_BYTES, course_questions, student_answers
from autograder.grade.course import load_course

COURSE = load_course()
MINE = "Odd k centres the window on the channel itself: <b>k // 2</b> neighbours on each side."


def submitted(tmp_path, notebook, name="03_eca.ipynb"):
    path = tmp_path / name
    nbformat.write(notebook, path)
    return path


def released(stem="03_eca"):
    return nbformat.read(COURSE.release / f"{stem}.ipynb", as_version=4)


def with_answer(notebook, grade_id, text):
    cell = next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    cell.source = text
    return notebook


def test_every_notebook_has_two_questions_of_one_point_each_read_from_the_instructor_notebooks():
    questions = course_questions(COURSE.source)
    assert sorted(questions) == ["01_squeeze", "02_excitation", "03_eca", "04_channel_attention",
                                 "05_spatial_attention"]
    for stem, found in questions.items():
        assert [q["id"] for q in found] == [f"{stem[:2]}-answer-1", f"{stem[:2]}-answer-2"]
        assert all(q["points"] == 1.0 and q["question"].startswith("**Question") for q in found), found


def test_an_untouched_notebook_answers_nothing_and_a_written_answer_is_read_as_written(tmp_path):
    untouched = submitted(tmp_path, released(), "untouched.ipynb")
    mine = submitted(tmp_path, with_answer(released(), "03-answer-1", MINE), "mine.ipynb")
    assert [(a["id"], a["state"], a["text"]) for a in student_answers({"03_eca": untouched})] == \
        [("03-answer-1", "not answered", ""), ("03-answer-2", "not answered", "")]
    answers = student_answers({"03_eca": mine})
    assert (answers[0]["state"], answers[0]["text"], answers[1]["state"]) == ("answered", MINE, "not answered")
    assert answers[0]["question"].startswith("**Question 1.** Why must `k` be odd?")
    assert {a["notebook"] for a in answers} == {"03_eca"}


def test_only_the_notebooks_handed_in_are_asked_about_and_a_solved_one_answers_all(tmp_path):
    path = submitted(tmp_path, solved_notebook(COURSE, "01_squeeze"), "01_squeeze.ipynb")
    answers = student_answers({"01_squeeze": path})
    assert [a["id"] for a in answers] == ["01-answer-1", "01-answer-2"]
    assert all(a["state"] == "answered" and len(a["text"]) > 40 for a in answers)


def test_an_answer_is_found_after_its_question_when_the_metadata_was_lost(tmp_path):
    path = submitted(tmp_path, strip_metadata(with_answer(released(), "03-answer-2", MINE)))
    answers = student_answers({"03_eca": path})
    assert [(a["state"], a["text"]) for a in answers] == [("not answered", ""), ("answered", MINE)]


def test_a_huge_answer_is_cut_to_what_the_page_shows(tmp_path):
    path = submitted(tmp_path, with_answer(released(), "03-answer-1", "x" * 100_000))
    (answer, _) = student_answers({"03_eca": path})
    assert answer["state"] == "answered" and len(answer["text"]) == ANSWER_CHARS + 1


@pytest.mark.parametrize("make, words", [
    (lambda p, good: p.write_text('{"cells": [', "utf-8"), "invalid JSON"),
    (lambda p, good: p.symlink_to(good), "link is not followed"),
    (lambda p, good: os.mkfifo(p), "not a regular file"),
    (lambda p, good: p.write_bytes(b""), "empty"),
    (lambda p, good: (p.write_bytes(b" "), os.truncate(p, NOTEBOOK_BYTES + 1)), "limit"),
])
def test_an_unreadable_notebook_gives_a_clear_note_for_each_question(tmp_path, make, words):
    good = submitted(tmp_path, with_answer(released(), "03-answer-1", MINE), "good.ipynb")
    path = tmp_path / "03_eca.ipynb"
    make(path, good)
    answers = student_answers({"03_eca": path})
    assert [a["state"] for a in answers] == ["unreadable", "unreadable"]
    assert all(words in a["text"] and MINE not in a["text"] for a in answers), answers


def test_a_malformed_answer_cell_is_noted_and_the_other_answer_still_read(tmp_path):
    notebook = with_answer(released(), "03-answer-2", MINE)
    path = submitted(tmp_path, notebook)
    data = json.loads(path.read_text("utf-8"))
    cell = next(c for c in data["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == "03-answer-1")
    cell["source"] = [1, {"not": "text"}]
    data["cells"].insert(0, "not a cell")
    path.write_text(json.dumps(data), "utf-8")
    answers = student_answers({"03_eca": path})
    assert [(a["state"], a["text"]) for a in answers] == [("unreadable", "the answer cell's source is not text"),
                                                          ("answered", MINE)]
