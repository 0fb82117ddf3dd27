"""Safe extraction of a class's submissions from a .zip as an LMS hands it out.

Entries that would land outside the destination (absolute paths, ``..``), links, and
archives over the size or count caps are refused; what is skipped is reported, never silently lost.
"""
import stat
import zipfile
from pathlib import Path, PurePosixPath

MAX_TOTAL_BYTES = 2 * 2**30
MAX_ENTRY_BYTES = 50 * 2**20
MAX_ENTRIES = 20000


class ArchiveError(ValueError):
    """The archive cannot be used at all (not a zip, too big)."""


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


def extract(archive: Path, destination: Path) -> list:
    """Extract `archive` into `destination`; returns messages about skipped entries."""
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as error:
        raise ArchiveError(f"{archive} is not a readable zip file: {error}") from None
    skipped = []
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise ArchiveError(f"{archive} holds {len(infos)} entries, more than {MAX_ENTRIES}")
        total = 0
        for info in infos:
            parts = safe_parts(info.filename)
            mode = info.external_attr >> 16
            if parts is None:
                if not info.filename.startswith("__MACOSX") and not info.filename.endswith(".DS_Store"):
                    skipped.append(f"{info.filename!r}: path outside the archive's folder, skipped")
                continue
            if stat.S_ISLNK(mode):
                skipped.append(f"{info.filename!r}: a symbolic link, skipped")
                continue
            target = destination.joinpath(*parts)
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            if info.file_size > MAX_ENTRY_BYTES:
                skipped.append(f"{info.filename!r}: {info.file_size} bytes, more than {MAX_ENTRY_BYTES}, skipped")
                continue
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise ArchiveError(f"{archive} unpacks to more than {MAX_TOTAL_BYTES} bytes")
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as source, open(target, "wb") as sink:
                written = 0
                while chunk := source.read(2**20):
                    written += len(chunk)
                    if written > MAX_ENTRY_BYTES:  # the header lied about the size
                        break
                    sink.write(chunk)
            if written > MAX_ENTRY_BYTES:
                target.unlink()
                skipped.append(f"{info.filename!r}: larger than its header says, skipped")
    return skipped
