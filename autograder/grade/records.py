"""One JSON record per graded student in RESULTS/students/, written atomically: the resume point.

A record whose fingerprint (the submitted files, the points, the grader's settings and
library) matches is reused on the next run; anything else is regraded.
"""
import json
import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".partial-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def record_path(results: Path, student: str) -> Path:
    return Path(results) / "students" / f"{student}.json"


def save_record(results: Path, record: dict) -> None:
    write_atomically(record_path(results, record["student"]), json.dumps(record, indent=1, ensure_ascii=False))


def load_record(results: Path, student: str, fingerprint: str) -> dict | None:
    """The finished record of `student`, if it exists and matches `fingerprint`."""
    try:
        record = json.loads(record_path(results, student).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("fingerprint") == fingerprint else None
