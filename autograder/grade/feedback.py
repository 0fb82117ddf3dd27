"""The feedback a student sees: RESULTS/feedback/STUDENT/NOTEBOOK.html, per exercise the score and the messages.

Everything that comes from a submission (ids, messages quoting the student's errors) is
HTML-escaped. The feedback never holds the hidden tests' source or the reference: only the
judge's words about what was got and what was expected.
"""
from html import escape
from pathlib import Path

from .records import write_atomically

STYLE = ("body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}"
         "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.4em;vertical-align:top}"
         ".passed{color:#060}.failed,.error,.timeout,.missing{color:#a00}")


def fmt(points: float) -> str:
    return f"{points:g}"


def page(student: str, notebook: str, results: list, notes: list) -> str:
    total = sum(r.score for r in results)
    maximum = sum(r.max_score for r in results)
    rows = "".join(
        f"<tr><td><code>{escape(r.exercise)}</code></td><td>{fmt(r.score)} / {fmt(r.max_score)}</td>"
        f"<td class=\"{escape(r.status)}\">{escape(r.status)}</td><td>{escape(r.message)}</td></tr>"
        for r in results)
    remarks = "".join(f"<li>{escape(n)}</li>" for n in notes if notebook in n)
    remarks = f"<h2>Notes</h2><ul>{remarks}</ul>" if remarks else ""
    return (f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{escape(notebook)}: feedback</title>"
            f"<style>{STYLE}</style></head><body><h1>{escape(notebook)}.ipynb</h1>"
            f"<p>Student: <b>{escape(student)}</b>. Score: <b>{fmt(total)} / {fmt(maximum)}</b>.</p>"
            f"<table><tr><th>Exercise</th><th>Score</th><th>Status</th><th>Feedback</th></tr>{rows}</table>"
            f"{remarks}</body></html>\n")


def write_feedback(results: Path, record: dict, cells: dict) -> None:
    """One page per notebook of the assignment (`cells`: notebook stem -> the student's code cells)."""
    from .scoring import ExerciseResult

    rows = [ExerciseResult(**row) for row in record["results"]]
    student = record["student"]
    for notebook in dict.fromkeys(r.notebook for r in rows):
        path = Path(results) / "feedback" / student / f"{notebook}.html"
        write_atomically(path, page(student, notebook, [r for r in rows if r.notebook == notebook], record["notes"]))


def write_class_page(results: Path, records: list) -> None:
    """RESULTS/class.html: each student's total."""
    rows = "".join(f"<tr><td>{escape(r['student'])}</td><td>{fmt(sum(x['score'] for x in r['results']))}</td></tr>"
                   for r in records)
    write_atomically(Path(results) / "class.html",
                     f"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Class</title></head><body>"
                     f"<table>{rows}</table></body></html>\n")
