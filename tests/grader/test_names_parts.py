"""Student ids and the text written for spreadsheets and terminals, checked alone."""
import re

import pytest

from autograder.grade.export import unquoted
from autograder.grade.names import one_line, printable, safe_id, short_hash, spreadsheet_safe, unique_ids

SAFE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._@+-]{0,99}$")
DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"{port}{n}" for port in ("COM", "LPT") for n in range(10))}  # Windows


@pytest.mark.parametrize("name, expected", [
    ("alice", "alice"), ("Jane Smith", "Jane_Smith"), ("ünïcødé", "unic_de"), ("-dash", "dash"), ("..", None),
    ("=HYPERLINK(1)", "HYPERLINK_1"), ("@SUM(1)", "SUM_1"), ("+1", "1"), ("a/../b", "a_.._b"),
    ("\x1b[2Jclean", "2Jclean"), ("日本語", None), ("caf\udce9", "caf"),
])
def test_ids_are_safe_file_names_that_keep_what_they_can(name, expected):
    student = safe_id(name)
    assert SAFE.match(student), student
    if expected:
        assert student == expected
    else:
        assert student.startswith("student-") and safe_id(name) == student  # stable across runs


def test_long_names_are_cut_with_a_hash_and_collisions_get_one_too():
    long_a, long_b = "x" * 300 + "a", "x" * 300 + "b"
    assert len(safe_id(long_a)) <= 100 and safe_id(long_a) != safe_id(long_b)
    ids, notes = unique_ids(["a b", "a_b", "a b"])
    assert ids[0] == "a_b" and len(set(ids[:2])) == 2 and all(SAFE.match(i) for i in ids)
    assert len(notes) == 2


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_starts_are_quoted(value):
    cell = spreadsheet_safe(value)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")) and "\t" not in cell and "\r" not in cell
    assert cell.lstrip("'").replace("\\x09", "\t").replace("\\x0d", "\r") == value  # still says what it was


def test_plain_values_are_kept_and_control_characters_escaped():
    assert spreadsheet_safe("Smith, Jane") == "Smith, Jane" and spreadsheet_safe("2.5") == "2.5"
    assert printable("a\x1b[2Jb\u202ec") == "a\\x1b[2Jb\\u202ec"
    assert one_line("two\nlines") == "two\\nlines"


def test_ids_differ_where_a_file_system_ignores_case():
    ids, notes = unique_ids(["Alice", "alice", "ALICE"])
    assert len({i.lower() for i in ids}) == 3 and ids[0] == "Alice" and len(notes) == 2


def test_a_name_shaped_like_a_hashed_id_cannot_take_another_students_id():
    forged = f"a_b-{short_hash('a b')}"  # what "a b" would get after "a_b"
    ids, _ = unique_ids([forged, "a_b", "a b"])
    assert len({i.lower() for i in ids}) == 3 and all(SAFE.match(i) for i in ids)


@pytest.mark.parametrize("name", ["CON", "nul.txt", "com1", "LPT9.tar.gz", "aux", "Prn.ipynb"])
def test_ids_are_never_windows_device_names(name):
    student = safe_id(name)
    assert SAFE.match(student) and student.split(".")[0].upper() not in DEVICES, student


@pytest.mark.parametrize("name", ["alice.", "bob..", "c._."])
def test_ids_never_end_with_a_dot(name):
    assert not safe_id(name).endswith("."), safe_id(name)


@pytest.mark.parametrize("value", [" =1+1", "  @SUM(A1)", "\uff1d1+1", "\u3000=1", "\uff0bcmd"])
def test_formula_starts_behind_spaces_or_in_full_width_are_quoted(value):
    cell = spreadsheet_safe(value)
    assert cell == "'" + value and unquoted(cell) == value


def test_a_cell_never_spans_lines():
    assert spreadsheet_safe("Bob\n=HYPERLINK(1)") == "Bob\\n=HYPERLINK(1)"
    assert spreadsheet_safe("\n=1") == "\\n=1"
