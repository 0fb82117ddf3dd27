"""Extracting a class's zip entry by entry: whatever one entry is, it is written or skipped with a note."""
import zipfile

from autograder.grade.submissions import extract


def unpack(tmp_path, entries, *, method=zipfile.ZIP_STORED, damage=None):
    archive = tmp_path / "class.zip"
    with zipfile.ZipFile(archive, "w", method) as zf:
        for name, content in entries:
            zf.writestr(name, content)
    if damage:
        archive.write_bytes(damage(archive.read_bytes()))
    folder = tmp_path / "out"
    folder.mkdir()
    return extract(archive, folder), sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_a_damaged_entry_is_skipped_and_the_next_one_kept(tmp_path):
    def corrupt(data: bytes) -> bytes:
        start = data.find(b"a/01_squeeze.ipynb") + len("a/01_squeeze.ipynb")
        return data[:start + 2] + b"\xff" * 8 + data[start + 10:]
    notes, files = unpack(tmp_path, [("a/01_squeeze.ipynb", b"{}" * 1000), ("b/01_squeeze.ipynb", b"{}" * 1000)],
                          method=zipfile.ZIP_DEFLATED, damage=corrupt)
    assert files == ["b/01_squeeze.ipynb"] and "cannot be unpacked" in notes[0]


def test_names_that_clash_both_ways_and_names_too_long_are_noted(tmp_path):
    notes, files = unpack(tmp_path, [("s/clash", b"file"), ("s/clash/x.ipynb", b"{}"), ("s/c2/x.ipynb", b"{}"),
                                     ("s/c2", b"file"), ("s/" + "l" * 300 + "/x.ipynb", b"{}")])
    assert "s/clash" in files and "s/c2/x.ipynb" in files
    assert any("cannot be written" in n for n in notes) and any("already there" in n for n in notes)
    assert any(f.startswith("s/lll") and len(f.split("/")[1]) < 255 for f in files)
    assert any("shortened" in n for n in notes)


def test_names_that_are_not_utf8_are_read_with_a_replacement_character(tmp_path):
    def bad_bytes(data: bytes) -> bytes:
        return data.replace("äXX".encode(), "ä".encode() + b"\xff\xfe")
    notes, files = unpack(tmp_path, [("s/äXX/x.ipynb", b"{}"), ("s/ok/x.ipynb", b"{}")], damage=bad_bytes)
    assert files == ["s/ok/x.ipynb", "s/ä\ufffd\ufffd/x.ipynb"] and not notes
