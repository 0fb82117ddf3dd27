"""The broken catalogue: damaged or odd submissions are graded or reported, and never stop the batch.

Each broken submission sits in one batch with an honest student, whose results must come out intact.
"""
import zipfile

import pytest
import torch

from autograder.grade.names import safe_id
from grader_class import WRONG_SQUEEZE, grade_class, grades, solved, strip_metadata, with_cells, write_class

pytestmark = [pytest.mark.needs_course, pytest.mark.slow]


def unknown_kernel():
    notebook = solved()
    notebook.metadata["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}
    return notebook


BROKEN = {  # student -> (files, expected squeeze status)
    "empty": ({"01_squeeze.ipynb": b""}, "missing"),
    "truncated": ({"01_squeeze.ipynb": b'{"cells": [{"cell_type": "code", "sour'}, "missing"),
    "not_a_notebook": ({"01_squeeze.ipynb": b"\x89PNG\r\n\x1a\n\x00\x00binary"}, "missing"),
    "colab_no_metadata": ({"01_squeeze.ipynb": strip_metadata(solved())}, "passed"),
    "endless_squeeze": ({"01_squeeze.ipynb": with_cells(solved(), "def squeeze(x):\n    while True:\n        pass\n")},
                        "timeout"),
    "memory_bomb_then_fine": ({"01_squeeze.ipynb": with_cells(solved(), "hog = [bytearray(2**30) for _ in range(64)]\n",
                                                              "x = 1\n")}, "passed"),
    "huge_output_then_fine": ({"01_squeeze.ipynb": with_cells(solved(), "for _ in range(50):\n    print('y' * 2**20)\n")},
                              "passed"),
    "unknown_kernel": ({"01_squeeze.ipynb": unknown_kernel()}, "passed"),
    "renamed": ({"Copy of 01_squeeze (1).ipynb": solved()}, "passed"),
    "no notebooks at all": ({}, "missing"),
    "spaces and ünïcødé": ({"01_squeeze.ipynb": solved()}, "passed"),
    "<b>html<b> & co": ({"01_squeeze.ipynb": solved()}, "passed"),
    "-dash": ({"01_squeeze.ipynb": with_cells(solved(), WRONG_SQUEEZE)}, "failed"),
    "honest": ({"01_squeeze.ipynb": solved()}, "passed"),
}
if not torch.cuda.is_available():
    BROKEN["cuda_on_cpu"] = ({"01_squeeze.ipynb": with_cells(solved(), "def squeeze(x):\n    return x.cuda().mean((2, 3), keepdim=True)\n")},
                             "failed")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("broken")
    submissions = write_class(base / "submissions", {s: files for s, (files, _) in BROKEN.items()})
    (submissions / "stray.txt").write_text("not a student")
    return grade_class(submissions, base / "results"), base / "results"


@pytest.mark.parametrize("student", sorted(BROKEN))
def test_each_submission_is_graded_or_reported(graded, student):
    rows, out = graded
    student_id = safe_id(student)  # the id a folder name becomes
    assert rows[student_id]["squeeze"]["status"] == BROKEN[student][1], rows[student_id]["squeeze"]
    assert student_id in grades(out)


def test_the_unreadable_and_missing_need_attention(graded):
    _, out = graded
    table = grades(out)
    for student in ("empty", "truncated", "not_a_notebook", "endless_squeeze", safe_id("no notebooks at all")):
        assert table[student]["needs_attention"], student
    assert "empty" in table["empty"]["needs_attention"] or "unreadable" in table["empty"]["needs_attention"]


def test_odd_ids_get_escaped_feedback_in_their_own_folder(graded):
    _, out = graded
    assert safe_id("<b>html<b> & co") == "b_html_b_co"  # the id is safe; the page shows the name escaped
    page = (out / "feedback" / "b_html_b_co" / "index.html").read_text("utf-8")
    assert "&lt;b&gt;html&lt;b&gt; &amp; co" in page and "<b>html<b>" not in page
    assert (out / "feedback" / safe_id("spaces and ünïcødé") / "index.html").exists()


def test_zip_entries_outside_the_folder_are_refused(tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("submitted/alice/attention/01_squeeze.ipynb", _text(solved()))
        zf.writestr("../x/01_squeeze.ipynb", _text(solved()))
        zf.writestr("/abs/01_squeeze.ipynb", _text(solved()))
    rows = grade_class(archive, tmp_path / "results")
    assert rows["alice"]["squeeze"]["status"] == "passed"
    assert set(rows) == {"alice", "batch"}
    assert not (tmp_path / "x").exists() and not any("x" == p.name for p in tmp_path.parent.iterdir())
    assert any("outside" in note for note in rows["batch"].notes)


def _text(notebook) -> str:
    import nbformat

    return nbformat.writes(notebook)
