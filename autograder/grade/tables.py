"""The class's tables: RESULTS/scores.csv (a row per student and exercise) and RESULTS/grades.csv (a row per student)."""
import csv
import io
from pathlib import Path

from .records import write_atomically

SCORE_COLUMNS = ("student_id", "exercise", "notebook", "score", "max_score", "status", "message")
GRADE_COLUMNS = ("student_id", "total", "max_total", "needs_attention")


def csv_text(columns: tuple, rows: list) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_tables(results_dir: Path, records: list) -> None:
    """Both tables from the students' records, sorted by student id."""
    scores, grades = [], []
    for record in sorted(records, key=lambda r: r["student"]):
        for row in record["results"]:
            scores.append({"student_id": record["student"], "exercise": row["exercise"], "notebook": row["notebook"],
                           "score": f"{row['score']:g}", "max_score": f"{row['max_score']:g}",
                           "status": row["status"], "message": row["message"]})
        grades.append({"student_id": record["student"],
                       "total": f"{sum(r['score'] for r in record['results']):g}",
                       "max_total": f"{sum(r['max_score'] for r in record['results']):g}",
                       "needs_attention": record["attention"]})
    write_atomically(Path(results_dir) / "scores.csv", csv_text(SCORE_COLUMNS, scores))
    write_atomically(Path(results_dir) / "grades.csv", csv_text(GRADE_COLUMNS, grades))
