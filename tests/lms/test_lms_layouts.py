"""Each LMS's download read as it comes: the layout detected, the LMS's id as student id, the name kept,
and a small class graded end to end from its zip."""
import csv
import os

import pytest
from lms_class import LAYOUTS, entries, write_zip

from autograder.grade.batch import SOCKET_PATH_MAX
from autograder.grade.submissions import extract, find_submissions


def unpacked(tmp_path, layout):
    files, expected = entries(layout)
    folder = tmp_path / "unpacked"
    folder.mkdir()
    extract(write_zip(tmp_path / f"{layout}.zip", files), folder)
    return folder, expected


@pytest.mark.parametrize("layout", LAYOUTS)
def test_each_download_is_detected_and_read_with_the_lms_ids_and_names(tmp_path, layout):
    folder, expected = unpacked(tmp_path, layout)
    submissions, notes = find_submissions(folder)
    assert notes[0] == f"layout: {layout} (detected)"
    assert {s.student: s.display_name for s in submissions} == {k: name for k, (name, _) in expected.items()}
    assert all(list(s.notebooks) == ["01_squeeze"] for s in submissions)


def test_canvas_grades_the_newest_resubmission_and_notes_late_work(tmp_path):
    submissions, _ = find_submissions(unpacked(tmp_path, "canvas")[0])
    smith, doe = sorted(submissions, key=lambda s: s.display_name, reverse=True)
    assert smith.notebooks["01_squeeze"].name == "smithjane_12345_67890_01_squeeze-1.ipynb"
    assert any("newest" in note for note in smith.notes)
    assert any("LATE" in note for note in doe.notes) and not any("LATE" in note for note in smith.notes)


def test_blackboard_grades_the_newest_attempt_and_names_the_student_from_the_receipt(tmp_path):
    submissions, _ = find_submissions(unpacked(tmp_path, "blackboard")[0])
    smith = next(s for s in submissions if s.student == "jsmith")
    assert "2026-03-02-18-40-12" in smith.notebooks["01_squeeze"].name
    assert smith.display_name == "Jane Smith" and any("2 attempts" in note for note in smith.notes)


def test_an_explicit_layout_overrides_detection(tmp_path):
    folder, _ = unpacked(tmp_path, "moodle")
    submissions, notes = find_submissions(folder, "folders")
    assert notes[0] == "layout: folders (as asked)"
    assert {s.display_name for s in submissions} == {"Jane Smith_512345_assignsubmission_file_",
                                                     "John Doe_523456_assignsubmission_file_"}
    with pytest.raises(ValueError, match="layout must be"):
        find_submissions(folder, "sakai")


@pytest.mark.slow
@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_class_is_graded_from_each_lms_zip_with_every_student_found(graded_layouts, layout):
    out = graded_layouts.results[layout]
    _, expected = entries(layout)
    assert f"layout: {layout} (detected)" in graded_layouts.summaries[layout]
    with open(out / "scores.csv", newline="", encoding="utf-8") as handle:
        squeeze = {r["student_id"]: r for r in csv.DictReader(handle) if r["exercise"] == "squeeze"}
    assert {s: (r["display_name"], r["status"]) for s, r in squeeze.items()} == expected


@pytest.mark.slow
def test_the_batchs_own_process_never_imports_torch(graded_layouts):
    """Only the fork server its workers start from does (once per batch), and it answers whether CUDA works."""
    assert all((folder / "grades.csv").exists() for folder in graded_layouts.results.values())
    assert graded_layouts.imported_torch is False


@pytest.mark.slow
def test_the_workers_start_under_a_temporary_folder_too_deep_for_a_unix_socket(graded_layouts):
    """multiprocessing's fork server would listen at TMPDIR/pymp-XXXXXXXX/listener-XXXXXXXX: too long a path there."""
    deep = graded_layouts.tmpdir
    assert len(os.path.join(deep, "pymp-12345678", "listener-12345678")) > SOCKET_PATH_MAX
    assert all((folder / "grades.csv").exists() for folder in graded_layouts.results.values())
    assert not list(deep.iterdir()), "nothing is left in TMPDIR"
