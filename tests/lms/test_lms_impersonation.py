"""A student names the file they upload: the name must never move the file to another student.

Moodle and Blackboard prefix each uploaded file with the student's identity; a file name that
itself looks like such a prefix must stay with the student who uploaded it.
"""
import json

from autograder.grade.submissions import find_submissions

NOTEBOOK = json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


def flat(tmp_path, files: dict):
    root = tmp_path / "download"
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text)
    return root


def test_a_moodle_file_named_like_another_participant_stays_with_its_uploader(tmp_path):
    root = flat(tmp_path, {
        "Bob Brown_43_assignsubmission_file_01_squeeze.ipynb": "bob's own",
        "Eve Evans_42_assignsubmission_file_x_43_assignsubmission_file_01_squeeze.ipynb": "eve's, for bob",
    })
    found, _ = find_submissions(root, "moodle")
    by_key = {s.key: s for s in found}
    assert by_key["43"].notebooks["01_squeeze"].read_text() == "bob's own"
    assert by_key["43"].display_name == "Bob Brown" and by_key["42"].display_name == "Eve Evans"


def test_a_moodle_folder_is_its_participant_s_whatever_the_name(tmp_path):
    root = tmp_path / "download"
    folder = root / "Eve_43_assignsubmission_file__42_assignsubmission_file_"
    folder.mkdir(parents=True)
    (folder / "01_squeeze.ipynb").write_text(NOTEBOOK)
    found, _ = find_submissions(root, "moodle")
    assert [s.key for s in found] == ["42"]


def test_a_blackboard_file_named_like_a_later_attempt_of_another_student_stays_with_its_uploader(tmp_path):
    root = flat(tmp_path, {
        "Homework 1_bob_attempt_2026-11-30-10-00-00_01_squeeze.ipynb": "bob's own",
        "Homework 1_bob_attempt_2026-11-30-10-00-00.txt": "Name: Bob Brown (bob)\n",
        "Homework 1_eve_attempt_2026-11-30-11-00-00_x_bob_attempt_2099-01-01-00-00-00_01_squeeze.ipynb": "eve's",
        "Homework 1_eve_attempt_2026-11-30-11-00-00_y_bob_attempt_2099-01-01-00-00-00.txt":
            "Name: =HYPERLINK(1) (bob)\n",
    })
    found, _ = find_submissions(root, "blackboard")
    by_key = {s.key: s for s in found}
    assert by_key["bob"].notebooks["01_squeeze"].read_text() == "bob's own"
    assert by_key["bob"].display_name == "Bob Brown" and not by_key["bob"].notes
