"""What a batch leaves behind: a JSON record per student (the resume point), the class's tables, the summary.

RESULTS/students/ID.json is written atomically; a record whose fingerprint (the submitted files, the
points, the grader's settings and library) matches is reused on the next run. RESULTS/scores.csv has a
row per student and exercise, RESULTS/grades.csv a row per student. Everything a submission controls is
neutralised on the way out: CSV cells cannot start a spreadsheet formula, the summary's text cannot
carry terminal escapes.
"""
import csv
import io
import json
import os
import tempfile
from collections import Counter
from pathlib import Path

from .names import one_line, spreadsheet_safe

SCORE_COLUMNS = ("student_id", "display_name", "exercise", "notebook", "score", "max_score", "status", "message")
GRADE_COLUMNS = ("student_id", "display_name", "total", "max_total", "to_grade_by_hand", "needs_attention")


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
    text = json.dumps(record, indent=1, ensure_ascii=False).encode("utf-8", "backslashreplace").decode("utf-8")
    write_atomically(record_path(results, record["student"]), text)


def load_record(results: Path, student: str, fingerprint: str) -> dict | None:
    """The finished record of `student`, if it exists and matches `fingerprint`."""
    try:
        record = json.loads(record_path(results, student).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("fingerprint") == fingerprint else None


def csv_text(columns: tuple, rows: list) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: spreadsheet_safe(value) for key, value in row.items()} for row in rows)
    return buffer.getvalue()


def display_name(record: dict) -> str:
    return record.get("display_name") or record["student"]


def by_hand(manual: dict, record: dict) -> str:
    """"03_eca: 2 points; ..." for the notebooks a student submitted that hold manually graded answers."""
    submitted = {row["notebook"] for row in record["results"] if row["status"] != "missing"}
    return "; ".join(f"{stem}: {points:g} points" for stem, points in sorted(manual.items())
                     if points and stem in submitted)


def write_tables(results_dir: Path, records: list, manual: dict | None = None) -> None:
    """Both tables from the students' records, sorted by student id; `manual`: stem -> points graded by hand."""
    scores, grades = [], []
    for record in sorted(records, key=lambda r: r["student"]):
        name = display_name(record)
        for row in record["results"]:
            scores.append({"student_id": record["student"], "display_name": name, "exercise": row["exercise"],
                           "notebook": row["notebook"], "score": f"{row['score']:g}",
                           "max_score": f"{row['max_score']:g}", "status": row["status"], "message": row["message"]})
        grades.append({"student_id": record["student"], "display_name": name,
                       "total": f"{sum(r['score'] for r in record['results']):g}",
                       "max_total": f"{sum(r['max_score'] for r in record['results']):g}",
                       "to_grade_by_hand": by_hand(manual or {}, record), "needs_attention": record["attention"]})
    write_atomically(Path(results_dir) / "scores.csv", csv_text(SCORE_COLUMNS, scores))
    write_atomically(Path(results_dir) / "grades.csv", csv_text(GRADE_COLUMNS, grades))


def summarise(records: list, reused: int, notes: list, manual: dict | None = None) -> str:
    """The end-of-batch summary: students graded, mean score, exercises most often failed, what to look at."""
    if not records:
        return "No student folders were found: nothing was graded."
    totals = [sum(r["score"] for r in rec["results"]) for rec in records]
    maximum = max(sum(r["max_score"] for r in rec["results"]) for rec in records)
    failed = Counter(r["exercise"] for rec in records for r in rec["results"] if r["status"] != "passed")
    lines = [f"Graded {len(records)} students ({reused} unchanged since the last run, not regraded); "
             f"mean score {sum(totals) / len(totals):.2f} / {maximum:g} autograded points."]
    hand = {stem: points for stem, points in (manual or {}).items() if points}
    if hand:
        lines.append("To be graded by hand: " + ", ".join(f"{stem}: {points:g} points"
                                                          for stem, points in sorted(hand.items())) + ".")
    if failed:
        lines.append("Exercises most often not passed: " +
                     ", ".join(f"{exercise} ({count}/{len(records)})"
                               for exercise, count in failed.most_common(5)) + ".")
    attention = [rec for rec in records if rec["attention"]]
    if attention:
        lines.append(f"{len(attention)} submissions need attention:")
        lines.extend(f"  {one_line(rec['student'])} ({one_line(display_name(rec))}): {one_line(rec['attention'])}"
                     for rec in attention)
    if notes:
        lines.append("Read from the submissions:")
        lines.extend(f"  {one_line(note)}" for note in notes)
    return "\n".join(lines)
