"""Archives a hostile or careless student can put into a class download: one student's files never stop
the batch nor cost another student theirs, and notebooks a student zipped up are graded like loose ones."""
import io
import json
import zipfile

import pytest

from autograder.grade import submissions
from autograder.grade.export import moodle_feedback
from autograder.grade.submissions import extract, find_submissions

NOTEBOOK = json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}).encode()


def unpack(archive, tmp_path):
    folder = tmp_path / "class"
    folder.mkdir()
    notes = extract(archive, folder)
    return folder, notes


def test_an_oversized_upload_loses_its_own_largest_files_not_the_batch(tmp_path, monkeypatch):
    monkeypatch.setattr(submissions, "MAX_TOTAL_BYTES", 2**20)  # the cap, made small enough to test
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for index in range(5):
            zf.writestr(f"hog/attention/filler{index}.bin", bytes(400 * 2**10))
        zf.writestr("zoe/attention/01_squeeze.ipynb", NOTEBOOK)
    folder, notes = unpack(archive, tmp_path)
    assert (folder / "zoe" / "attention" / "01_squeeze.ipynb").read_bytes() == NOTEBOOK
    assert [note.split(" entries")[0] for note in notes if "over the archive's caps" in note] == ["3"]
    assert sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) <= 2**20


def test_an_upload_of_many_files_loses_only_what_is_over_the_count(tmp_path, monkeypatch):
    monkeypatch.setattr(submissions, "MAX_ENTRIES", 40)
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("class/amy/attention/01_squeeze.ipynb", NOTEBOOK + b" " * 100)
        zf.writestr("class/amy/attention/notes.md", b"# my notes")
        for index in range(100):
            zf.writestr(f"class/hog/attention/f{index}.ipynb", b"")
    folder, notes = unpack(archive, tmp_path)
    assert (folder / "class" / "amy" / "attention" / "01_squeeze.ipynb").exists()
    assert len(list((folder / "class" / "hog" / "attention").iterdir())) < 40 and any("caps" in n for n in notes)


def test_a_repeated_entry_keeps_the_later_one_as_unzip_does(tmp_path):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf, pytest.warns(UserWarning, match="Duplicate"):
        zf.writestr("ann/attention/01_squeeze.ipynb", b"{}")
        zf.writestr("ann/attention/01_squeeze.ipynb", NOTEBOOK)
    folder, notes = unpack(archive, tmp_path)
    assert (folder / "ann" / "attention" / "01_squeeze.ipynb").read_bytes() == NOTEBOOK
    assert any("repeated" in note for note in notes)


def zipped_notebooks(names: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, content in names.items():
            zf.writestr(name, content)
    return buffer.getvalue()


def test_notebooks_a_student_zipped_are_graded_like_loose_ones(tmp_path):
    root = tmp_path / "submitted"
    for student, files in {
        "ann": {"attention.zip": zipped_notebooks({"attention/01_squeeze.ipynb": NOTEBOOK,
                                                    "attention/.ipynb_checkpoints/01_squeeze-checkpoint.ipynb": b"{}",
                                                    "__MACOSX/attention/._01_squeeze.ipynb": b"junk"})},
        "bob": {"01_squeeze.ipynb": NOTEBOOK, "work.zip": zipped_notebooks({"01_squeeze.ipynb": b"older"})},
        "cat": {"broken.zip": b"PK\x03\x04 not a zip"},
    }.items():
        (root / student).mkdir(parents=True)
        for name, content in files.items():
            (root / student / name).write_bytes(content)
    found, _ = find_submissions(root, scratch=tmp_path / "scratch")
    by_id = {s.student: s for s in found}
    assert by_id["ann"].notebooks["01_squeeze"].read_bytes() == NOTEBOOK
    assert by_id["bob"].notebooks["01_squeeze"] == root / "bob" / "01_squeeze.ipynb"  # the loose file wins
    assert by_id["cat"].notebooks == {} and any("broken.zip" in note for note in by_id["cat"].notes)
    assert list(root.rglob("*.ipynb")) and not (root / "ann" / "attention").exists()  # SUBMISSIONS only read


def test_a_student_zip_writes_only_its_notebooks_to_disk(tmp_path):
    """40 MiB of zeros beside the notebook unpack from a 40 KiB upload: none of it reaches the disk."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("attention/01_squeeze.ipynb", NOTEBOOK)
        for index in range(4):
            zf.writestr(f"attention/data/weights{index}.bin", bytes(10 * 2**20))
    assert len(buffer.getvalue()) < 2**20
    for student in ("dan", "eve"):
        (tmp_path / "submitted" / student).mkdir(parents=True)
    (tmp_path / "submitted" / "dan" / "attention.zip").write_bytes(buffer.getvalue())
    (tmp_path / "submitted" / "eve" / "01_squeeze.ipynb").write_bytes(NOTEBOOK)
    found, _ = find_submissions(tmp_path / "submitted", scratch=tmp_path / "scratch")
    dan = next(s for s in found if s.student == "dan")
    assert dan.notebooks["01_squeeze"].read_bytes() == NOTEBOOK
    assert sum(p.stat().st_size for p in (tmp_path / "scratch").rglob("*") if p.is_file()) == len(NOTEBOOK)
    assert any("4 entries that are not notebooks, not unpacked" in note for note in dan.notes)


def test_moodle_feedback_names_hold_no_path_separators(tmp_path):
    page = tmp_path / "index.html"
    page.write_text("<p>feedback</p>")
    students = {"17": {"name": "..\\..\\evil/../x", "total": 1.0, "max": 2.0, "pages": {"index.html": page}}}
    moodle_feedback(students, [], tmp_path / "feedback.zip")
    names = zipfile.ZipFile(tmp_path / "feedback.zip").namelist()
    assert len(names) == 1 and names[0].endswith("_17_assignsubmission_file_index.html")
    assert "/" not in names[0] and "\\" not in names[0]


def sparse_file(path, size: int):
    with open(path, "wb") as handle:
        handle.truncate(size)  # no disk blocks: reading it still yields `size` bytes
    return path


def test_a_cluster_task_carries_at_most_a_notebook_s_limit(tmp_path):
    from autograder.grade.cells import NOTEBOOK_BYTES
    from autograder.grade.cluster import payload
    from autograder.grade.submissions import Submission

    huge = sparse_file(tmp_path / "01_squeeze.ipynb", 4 * 2**30)
    files = payload(Submission("hog", "hog", {"01_squeeze": huge}))
    assert len(files["01_squeeze"]) == NOTEBOOK_BYTES + 1


FINGERPRINT_IN_BOUNDED_MEMORY = """
import resource, sys
from types import SimpleNamespace
resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))
from autograder.grade.student import submission_fingerprint
print(submission_fingerprint({"01_squeeze": sys.argv[1]}, SimpleNamespace(fingerprint="x")))
"""


@pytest.mark.slow
def test_the_resume_fingerprint_reads_a_huge_file_in_bounded_memory(tmp_path):
    import subprocess
    import sys

    huge = sparse_file(tmp_path / "01_squeeze.ipynb", 6 * 2**30)
    done = subprocess.run([sys.executable, "-c", FINGERPRINT_IN_BOUNDED_MEMORY, str(huge)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0 and len(done.stdout.strip()) == 64, done.stderr[-300:]


@pytest.mark.parametrize("layout, folder, other", [
    ("moodle", "Eve Evans_42_assignsubmission_file_", "Zed Z_43_assignsubmission_file_"),
    ("brightspace", "1-42 - Eve Evans - Dec 1, 2026 905 AM", "2-43 - Zed Z - Dec 1, 2026 906 AM"),
    ("folders", "eve", "zed"),
])
def test_a_student_folder_that_cannot_be_read_costs_only_that_student(tmp_path, monkeypatch, layout, folder, other):
    from autograder.grade import layouts

    root = tmp_path / "download"
    (root / folder).mkdir(parents=True)
    (root / other).mkdir()
    (root / other / "01_squeeze.ipynb").write_text(NOTEBOOK.decode())
    plain = layouts.plain_files

    def refusing(path):
        if path.name == folder:
            raise PermissionError(13, "Permission denied")
        return plain(path)

    monkeypatch.setattr(layouts, "plain_files", refusing)  # root reads any folder; a network share may not
    found, _ = find_submissions(root, layout)
    assert [len(s.notebooks) for s in found] == [0, 1]  # sorted by id: eve's unread, zed's found
    assert any("cannot be read" in note for note in found[0].notes)
