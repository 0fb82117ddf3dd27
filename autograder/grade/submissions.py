"""A class's submissions as an LMS hands them out (a .zip or a folder) -> one Submission per student.

    extract (a zip, safely) -> class_root (past wrapping folders) -> layouts.read -> match notebooks -> ids

Archive entries that would land outside the destination (absolute paths, ``..``), links, names the
file system refuses, and archives over the size or count caps are skipped with a note, never silently
lost and never raising out of the batch. Every student gets a safe, unique id (see ``names``) and keeps
the name the LMS gave as ``display_name``. A notebook renamed by a download ("01_squeeze (1).ipynb",
"Copy of 01_squeeze.ipynb") is matched by its NN_topic stem; of resubmitted files ("01_squeeze-2.ipynb")
the newest is graded; both are noted.
"""
import atexit
import os
import re
import shutil
import stat
import struct
import tempfile
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from autograder.exercises import ASSIGNMENT, NOTEBOOKS

from . import layouts
from .cells import NOTEBOOK_BYTES
from .names import one_line, readable, short_hash, shown, unique_ids

MAX_TOTAL_BYTES = 2 * 2**30
MAX_ENTRY_BYTES = 50 * 2**20
MAX_ENTRIES = 20000  # written; beyond it (or MAX_TOTAL_BYTES) the largest entries are skipped with a note
MAX_LISTED = 1_000_000  # entries an archive may list at all (its directory is read into memory)
MAX_NOTES = 200  # notes kept about one archive's skipped entries
MAX_PART_BYTES = 200  # file systems refuse names over 255 bytes
# A student's own zip: only its notebooks are written, each at most a notebook's limit, all of them at most
# this much (its other entries, however large they unpack, never reach the disk).
STUDENT_ZIP_BYTES = len(NOTEBOOKS) * NOTEBOOK_BYTES
RESUBMITTED = re.compile(r"^(?P<stem>.*?)-(?P<version>\d+)$")


class ArchiveError(ValueError):
    """The archive cannot be used at all (not a zip, too big)."""


@dataclass
class Submission:
    student: str  # safe and unique: a file name
    display_name: str  # as the LMS gave it, any text
    notebooks: dict  # stem -> Path, for the notebooks found
    notes: list = field(default_factory=list)
    key: str = ""  # the LMS's identifier (Canvas user id, Moodle participant id, username)
    layout: str = "folders"


def safe_parts(name: str) -> tuple | None:
    """The path's parts when it stays inside the destination, else None."""
    name = name.replace("\\", "/")
    path = PurePosixPath(name)
    if not path.parts or path.is_absolute() or ":" in path.parts[0]:
        return None
    parts = tuple(p for p in path.parts if p not in ("", "."))
    if not parts or any(p == ".." for p in parts) or any("\x00" in p for p in parts):
        return None
    if parts[0] == "__MACOSX" or parts[-1] == ".DS_Store":
        return None
    return parts


def disk_part(part: str) -> str:
    """A path part the file system accepts: too long a name is cut, keeping its extension, with a hash."""
    if len(part.encode("utf-8", "surrogateescape")) <= MAX_PART_BYTES:
        return part
    suffix = PurePosixPath(part).suffix if len(PurePosixPath(part).suffix) <= 16 else ""
    head = part.encode("utf-8", "surrogateescape")[:MAX_PART_BYTES - 30].decode("utf-8", "ignore")
    return f"{head}-{short_hash(part)}{suffix}"


def undecodable_names(archive: Path) -> tuple:
    """(the archive's bytes with the UTF-8 flag cleared on names that are not UTF-8, so that they read as
    cp437, the indexes of those entries). Python's zipfile refuses the whole archive over one such name."""
    data = bytearray(archive.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    if end < 0:
        return None, set()
    count, size, offset = struct.unpack_from("<HII", data, end + 10)
    position, changed = offset, set()
    for index in range(count):
        if data[position:position + 4] != b"PK\x01\x02":
            return None, set()
        flags, = struct.unpack_from("<H", data, position + 8)
        name_length, extra_length, comment_length = struct.unpack_from("<HHH", data, position + 28)
        name = bytes(data[position + 46:position + 46 + name_length])
        if flags & 0x800:
            try:
                name.decode("utf-8")
            except UnicodeDecodeError:
                struct.pack_into("<H", data, position + 8, flags & ~0x800)
                local, = struct.unpack_from("<I", data, position + 42)  # its local header says it too
                if data[local:local + 4] == b"PK\x03\x04":
                    local_flags, = struct.unpack_from("<H", data, local + 6)
                    struct.pack_into("<H", data, local + 6, local_flags & ~0x800)
                changed.add(index)
        position += 46 + name_length + extra_length + comment_length
    return (bytes(data) if changed else None), changed


def open_archive(archive: Path, scratch: Path) -> tuple:
    """(an open ZipFile, the indexes of entries whose names were not UTF-8 and are read as cp437)."""
    try:
        return zipfile.ZipFile(archive), set()
    except UnicodeDecodeError:
        repaired, indexes = undecodable_names(archive)
        if repaired is None:
            raise ArchiveError(f"{archive} has entry names that cannot be read") from None
        copy = scratch / "names-repaired.zip"
        copy.write_bytes(repaired)
        return zipfile.ZipFile(copy), indexes
    except (zipfile.BadZipFile, OSError) as error:
        raise ArchiveError(f"{archive} is not a readable zip file: {error}") from None


def admitted(infos: list, max_total: int | None = None) -> tuple:
    """(indexes of the entries to write, notes). Within the count and size caps, notebooks, zips and receipts
    go first, then each folder's first entries before any folder's later ones, smallest first: an oversized
    upload costs only its own files. Of entries repeating a name, the last (as unzip and zipfile read them)."""
    def named(info):
        return info.filename.replace("\\", "/").rstrip("/")

    last = {named(info): index for index, info in enumerate(infos)}
    wrapping = len(os.path.commonprefix([named(info).split("/")[:-1] for info in infos])) if infos else 0
    rank, seen = {}, {}
    for index, info in sorted(enumerate(infos), key=lambda item: (item[1].file_size, item[0])):
        parts = named(info).split("/")
        folder = parts[wrapping] if len(parts) > wrapping + 1 else ""  # the student's folder, past wrapping ones
        rank[index] = seen[folder] = seen.get(folder, -1) + 1
    chosen, notes, over, total = set(), [], [], 0
    max_total = MAX_TOTAL_BYTES if max_total is None else max_total
    for index, info in sorted(enumerate(infos), key=lambda item: (
            not named(item[1]).lower().endswith((".ipynb", ".zip", ".txt")), rank[item[0]], item[1].file_size,
            item[0])):
        if last[named(info)] != index:
            notes.append(f"{shown(info.filename)}: repeated in the archive; the later entry used, this one skipped")
        elif len(chosen) >= MAX_ENTRIES or total + info.file_size > max_total:
            over.append(info.filename)
        else:
            chosen.add(index)
            total += info.file_size if info.file_size <= MAX_ENTRY_BYTES else 0
    if over:
        notes.append(f"{len(over)} entries over the archive's caps ({MAX_ENTRIES} entries, {max_total} bytes "
                     f"in all) skipped, the largest ones: {', '.join(shown(name) for name in over[-5:])}")
    return chosen, notes[:MAX_NOTES]


def extract(archive: Path, destination: Path, notebooks_only: bool = False) -> list:
    """Extract `archive` into `destination`; returns messages about skipped entries.

    `notebooks_only` (a student's own zip): only .ipynb entries are written, within STUDENT_ZIP_BYTES.
    """
    zf, repaired = open_archive(Path(archive), Path(destination).parent)
    entry_cap = NOTEBOOK_BYTES if notebooks_only else MAX_ENTRY_BYTES
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_LISTED:
            raise ArchiveError(f"{archive} lists {len(infos)} entries, more than {MAX_LISTED}")
        view = [i for i, info in enumerate(infos) if not notebooks_only or info.filename.lower().endswith(".ipynb")]
        picked, skipped = admitted([infos[i] for i in view], STUDENT_ZIP_BYTES if notebooks_only else None)
        chosen = {view[i] for i in picked}
        if len(view) < len(infos):
            skipped.append(f"{len(infos) - len(view)} entries that are not notebooks, not unpacked")
        for index, info in enumerate(infos):
            if index not in chosen:
                continue
            name = info.filename
            if index in repaired:
                name = name.encode("cp437").decode("utf-8", "replace")  # what the student's zip tool meant
            entry = shown(name)
            parts = safe_parts(name)
            if parts is None:
                if not name.startswith("__MACOSX") and not name.endswith(".DS_Store"):
                    skipped.append(f"{entry}: path outside the archive's folder, skipped")
                continue
            if stat.S_ISLNK(info.external_attr >> 16):
                skipped.append(f"{entry}: a symbolic link, skipped")
                continue
            if not info.is_dir() and info.file_size > entry_cap:
                skipped.append(f"{entry}: {info.file_size} bytes, more than {entry_cap}, skipped")
                continue
            target = Path(destination).joinpath(*map(disk_part, parts))
            try:
                why = write_entry(zf, info, target, entry_cap)
            except OSError as error:  # a file where a folder should be, or the other way round
                why = f"cannot be written ({error.strerror or error})"
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error) as error:
                target.unlink(missing_ok=True)  # damaged, encrypted or of an unknown compression: nothing half-written
                why = f"cannot be unpacked ({one_line(str(error))[:200]})"
            if why:
                skipped.append(f"{entry}: {why}, skipped")
            elif tuple(map(disk_part, parts)) != parts:
                skipped.append(f"{entry}: name too long, shortened")
    if len(skipped) > MAX_NOTES:
        skipped = skipped[:MAX_NOTES] + [f"... and {len(skipped) - MAX_NOTES} more entries skipped"]
    return skipped


def write_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, cap: int = MAX_ENTRY_BYTES) -> str:
    """Write one entry; returns why it was not written ("" when it was)."""
    if info.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return ""
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.exists():
        return "a file or folder of that name is already there"
    written = 0
    with zf.open(info) as source, open(target, "xb") as sink:
        while chunk := source.read(2**20):
            written += len(chunk)
            if written > cap:  # the header lied about the size
                break
            sink.write(chunk)
    if written > cap:
        target.unlink()
        return "larger than its header says"
    return ""


def holds_notebooks(folder: Path) -> bool:
    return any(folder.glob("*.ipynb")) or any((folder / ASSIGNMENT).glob("*.ipynb"))


def class_root(root: Path) -> Path:
    """Descend through single wrapping folders (a zip's name, nbgrader's ``submitted/``) to the class."""
    for _ in range(4):
        items = layouts.entries(root)
        children = [c for c in items if c.is_dir() and not c.is_symlink()]
        if len(items) == 1 and children and not holds_notebooks(children[0]) and \
                not layouts.MOODLE.match(children[0].name):
            root = children[0]
        else:
            break
    return root


def version(stem: str) -> tuple:
    """(the stem without an LMS's resubmission suffix, the suffix's number; 0 for none)."""
    match = RESUBMITTED.match(stem)
    return (match["stem"], int(match["version"])) if match and match["stem"] else (stem, 0)


def match_notebooks(files: dict) -> tuple:
    """({stem: path}, notes) from a student's files (logical name -> path)."""
    found, notes, used = {}, [], set()
    names = sorted(n for n in files if n.lower().endswith(".ipynb"))
    for stem in NOTEBOOKS:
        exact = [n for n in names if version(n[:-6])[0] == stem]
        loose = [n for n in names if stem.lower() in n.lower()]
        candidates = exact or loose
        if not candidates:
            continue
        chosen = max(candidates, key=lambda n: (version(n[:-6])[1], n == f"{stem}.ipynb"))
        found[stem] = files[chosen]
        used.update(candidates)
        if len(candidates) > 1:
            notes.append(f"{len(candidates)} files for {stem}.ipynb; the newest, {one_line(chosen)}, graded")
        elif chosen != f"{stem}.ipynb":
            notes.append(f"{one_line(chosen)} graded as {stem}.ipynb")
    unused = [one_line(n) for n in sorted(files) if n not in used and not n.lower().endswith(".txt")]
    if unused:
        notes.append("not a notebook of the assignment, ignored: " + ", ".join(unused))
    return found, notes


def private_scratch() -> Path:
    """A private folder for unpacking students' own archives, removed when the grader exits."""
    folder = Path(tempfile.mkdtemp(prefix="autograder-unzipped-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def unpacked(files: dict, into: Path) -> tuple:
    """(`files` with the notebooks of the student's own .zip files added, notes): a student who uploaded their
    notebooks zipped is graded like one who uploaded them loose (loose files win on equal names; one level)."""
    archives = sorted(n for n in files if n.lower().endswith(".zip"))
    kept, notes = {n: p for n, p in files.items() if n not in archives}, []
    for number, name in enumerate(archives):
        folder = into / str(number)
        folder.mkdir(parents=True)
        try:
            skipped = extract(files[name], folder, notebooks_only=True)
        except ArchiveError:
            notes.append(f"{one_line(name)}: not a readable zip file, ignored")
            continue
        inside = sorted(p for p in folder.rglob("*.ipynb") if p.is_file() and not p.is_symlink()
                        and ".ipynb_checkpoints" not in p.parts)
        notes.append(f"{one_line(name)} unpacked: {len(inside)} notebooks" +
                     (f" ({'; '.join(skipped[:3])}{'; ...' if len(skipped) > 3 else ''})" if skipped else ""))
        for path in inside:
            kept.setdefault(path.name, path)
    return kept, notes


def find_submissions(root: Path, layout: str = "auto", scratch: Path | None = None) -> tuple:
    """(submissions sorted by student id, notes about entries that are not students) of `root` as `layout`.

    `scratch`: a private folder for students' own zip files, unpacked (a temporary one removed at exit if None).
    """
    if layout not in ("auto", *layouts.LAYOUTS):
        raise ValueError(f"layout must be auto or one of {', '.join(layouts.LAYOUTS)}, got {layout!r}")
    root = class_root(Path(root))
    chosen = layouts.detect(root) if layout == "auto" else layout
    students, notes = layouts.read(root, chosen)
    notes = [f"layout: {chosen} ({'detected' if layout == 'auto' else 'as asked'})", *notes]
    ids, id_notes = unique_ids([s.key for s in students])
    notes += id_notes
    submissions = []
    for student, safe in zip(students, ids):
        if any(name.lower().endswith(".zip") for name in student.files):
            scratch = scratch or private_scratch()
            student.files, zip_notes = unpacked(student.files, Path(scratch) / safe)
            student.notes += zip_notes
        notebooks, found_notes = match_notebooks(student.files)
        display = readable(student.name)
        submissions.append(Submission(safe, display, notebooks, student.notes + found_notes, readable(student.key),
                                      chosen))
    return sorted(submissions, key=lambda s: s.student), notes
