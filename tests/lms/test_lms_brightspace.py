"""Brightspace's download: a folder per submission, named with the user id, the name and the time."""
from autograder.grade.submissions import find_submissions


def test_each_user_s_newest_submission_is_graded_and_the_index_page_is_not_a_student(tmp_path):
    root = tmp_path / "Attention Download Dec 1, 2026 1015 AM"
    folders = {
        "397063-2557369 - Mary - Ann Smith - Nov 30, 2026 926 PM": "older",
        "397070-2557369 - Mary - Ann Smith - Dec 1, 2026 9:05 AM": "newer",  # an older download's clock
        "397064-2557400 - John Doe - Nov 30, 2026 1159 PM": "john's",
    }
    for folder, text in folders.items():
        (root / folder).mkdir(parents=True)
        (root / folder / "01_squeeze.ipynb").write_text(text)
    (root / "index.html").write_text("<html>the download's list</html>")
    found, notes = find_submissions(tmp_path)
    assert notes[0] == "layout: brightspace (detected)" and not [n for n in notes[1:] if "index.html" in n]
    by_key = {s.key: s for s in found}
    assert set(by_key) == {"2557369", "2557400"}
    assert by_key["2557369"].display_name == "Mary - Ann Smith"
    assert by_key["2557369"].notebooks["01_squeeze"].read_text() == "newer"
    assert any("2 submissions" in note for note in by_key["2557369"].notes)
