"""What an instructor reads after grading: RESULTS/class.html.

A histogram of the students' totals, per exercise the share of students in each status (a
chart, with the numbers beside it), the named mistakes most students made (what the next
lecture should address), how many students answered each question to be graded by hand, and
the students who need a look (the grader flagged their submission, or they have under half the
points), each linked to their feedback page.
"""
from collections import Counter
from pathlib import Path
from statistics import mean, median
from urllib.parse import quote

from autograder.exercises import BY_ID, EXERCISES
from autograder.links import chapter_url

from .feedback_charts import STATUS_COLOURS, histogram, legend, stacked_bar
from .feedback_html import clean, document, esc, number, points, safe_url
from .outputs import write_atomically

TOP_MISTAKES = 15


def total(record: dict, key: str = "score") -> float:
    return sum(number(r.get(key)) or 0 for r in record.get("results", []))


def exercise_counts(records: list) -> dict:
    """exercise id -> Counter of statuses, in course order (then any other id, as found)."""
    counts = {e.id: Counter() for e in EXERCISES}
    for record in records:
        for row in record.get("results", []):
            status = row.get("status") if row.get("status") in STATUS_COLOURS else "error"
            counts.setdefault(row.get("exercise"), Counter())[status] += 1
    return {k: v for k, v in counts.items() if v}


def common_mistakes(records: list) -> list:
    """[(exercise id, mistake, students who made it)], most students first."""
    made = Counter()
    for record in records:
        seen = set()
        for row in record.get("results", []):
            for check in row.get("checks") or []:
                if isinstance(check, dict) and not check.get("passed") and check.get("mistake"):
                    seen.add((row.get("exercise"), clean(check["mistake"], 400)))
        made.update(seen)
    return sorted(((e, m, n) for (e, m), n in made.items()), key=lambda t: (-t[2], str(t[0]), t[1]))


def answer_counts(records: list) -> list:
    """[(notebook, question id, students who answered it, students who handed in its notebook)], in course order."""
    counts = {}
    for record in records:
        answers = record.get("answers") if isinstance(record.get("answers"), list) else []
        for answer in (a for a in answers if isinstance(a, dict)):
            key = (clean(answer.get("notebook", "?"), 100), clean(answer.get("id", "?"), 100))
            answered, handed_in = counts.get(key, (0, 0))
            counts[key] = (answered + (answer.get("state") == "answered"), handed_in + 1)
    return [(stem, question, a, n) for (stem, question), (a, n) in counts.items()]


def answers_list(records: list) -> str:
    found = answer_counts(records)
    if not found:
        return "<p>No answers to grade by hand were handed in.</p>"
    items = "".join(f'<li><code>{esc(question)}</code> ({esc(stem)}): <b>{answered} of {handed_in}</b> '
                    f'student{"s" * (handed_in != 1)} answered</li>' for stem, question, answered, handed_in in found)
    return f'<ul class="plain">{items}</ul>'


def student_link(results: Path, student: str) -> str:
    if isinstance(student, str) and (Path(results) / "feedback" / student / "index.html").is_file():
        return f'<a href="{safe_url("feedback/" + quote(student, safe="") + "/index.html")}">{esc(student, 100)}</a>'
    return esc(student, 100)


def pass_rates(records: list) -> str:
    rows = []
    for exercise, counts in exercise_counts(records).items():
        n = sum(counts.values())
        name = BY_ID[exercise].name if exercise in BY_ID else clean(exercise, 100)
        detail = ", ".join(f"{counts[s]} {s}" for s in ("failed", "error", "timeout", "missing") if counts[s])
        rows.append(f'<div class="bar-row"><code>{esc(name)}</code>{stacked_bar(counts, name)}'
                    f'<span><b>{100 * counts["passed"] / n:.0f}%</b> passed ({counts["passed"]}/{n})'
                    f'{"; " + esc(detail) if detail else ""}</span></div>')
    return f'{legend()}{"".join(rows)}'


def chapter_link(exercise: str) -> str:
    if exercise not in BY_ID:
        return ""
    return f'(<a href="{safe_url(chapter_url(BY_ID[exercise].notebook))}">chapter {esc(BY_ID[exercise].notebook)}</a>)'


def mistakes_list(records: list) -> str:
    found = common_mistakes(records)
    if not found:
        return "<p>No named mistake was found in this class.</p>"
    items = "".join(
        f'<li><b>{n} student{"s" * (n != 1)}</b>, <code>{esc(BY_ID[e].name if e in BY_ID else e, 100)}</code>: '
        f'{esc(m)} {chapter_link(e)}</li>' for e, m, n in found[:TOP_MISTAKES])
    more = f'<p class="muted">And {len(found) - TOP_MISTAKES} more.</p>' if len(found) > TOP_MISTAKES else ""
    return f'<ol class="plain">{items}</ol>{more}'


def why_attention(record: dict) -> str:
    """The grader's reason (not submitted, unreadable, crashed, timed out), else a total under half the points."""
    if record.get("attention"):
        return clean(record["attention"], 500)
    if total(record) < total(record, "max_score") / 2:
        return "under half the points"
    return ""


def attention_list(results: Path, records: list) -> str:
    flagged = [(r, why_attention(r)) for r in records if why_attention(r)]
    if not flagged:
        return "<p>No submission needs attention.</p>"
    items = "".join(
        f'<li>{student_link(results, r.get("student"))} {name_of(r)}<span class="score">{points(total(r))} / '
        f'{points(total(r, "max_score"))}</span>: {esc(why)}</li>' for r, why in flagged)
    return f'<ul class="plain">{items}</ul>'


def name_of(record: dict) -> str:
    name = record.get("display_name")
    return f'<span class="muted">({esc(name, 200)})</span> ' if name and name != record.get("student") else ""


def student_rows(results: Path, records: list) -> str:
    return "".join(
        f'<tr><td>{student_link(results, r.get("student"))}</td><td>{esc(r.get("display_name") or "", 200)}</td>'
        f'<td class="score">{points(total(r))} / {points(total(r, "max_score"))}</td>'
        f'<td>{esc(r.get("attention") or "", 500)}</td></tr>' for r in records)


def class_page(results: Path, records: list) -> str:
    records = sorted(records, key=lambda r: str(r.get("student")))
    totals = [total(r) for r in records]
    maximum = max((total(r, "max_score") for r in records), default=0)
    summary = (f"{len(records)} students; mean {mean(totals):.1f}, median {median(totals):g} of {points(maximum)} "
               "points." if records else "No students were graded.")
    body = (f'<h1>Class results</h1><p>{summary}</p>'
            '<nav><ul><li><a href="#totals">Totals</a></li><li><a href="#exercises">Exercises</a></li>'
            '<li><a href="#mistakes">Common mistakes</a></li><li><a href="#questions">Questions</a></li>'
            '<li><a href="#attention">Needs attention</a></li>'
            '<li><a href="#students">All students</a></li></ul></nav>'
            f'<h2 id="totals">Totals</h2><figure>{histogram(totals, maximum)}'
            '<figcaption>Students per total score.</figcaption></figure>'
            f'<h2 id="exercises">Exercises</h2><p>Each bar is the class, split by the status of the exercise.</p>'
            f'{pass_rates(records)}'
            f'<h2 id="mistakes">Common mistakes</h2><p>Named mistakes, by how many students made each.</p>'
            f'{mistakes_list(records)}'
            f'<h2 id="questions">Questions</h2><p>Answers to grade by hand, by how many of the students who handed '
            f'in the notebook answered each question.</p>{answers_list(records)}'
            f'<h2 id="attention">Needs attention</h2>{attention_list(results, records)}'
            f'<h2 id="students">All students</h2><details><summary>{len(records)} students</summary>'
            '<div class="table-wrap"><table><thead><tr><th>Student</th><th>Name</th><th>Total</th><th>Attention</th>'
            f'</tr></thead><tbody>{student_rows(results, records)}</tbody></table></div></details>')
    return document("Class results", body)


def write_class_page(results: Path, records: list) -> None:
    """RESULTS/class.html from every student's record (links to RESULTS/feedback/STUDENT/index.html)."""
    write_atomically(Path(results) / "class.html", class_page(results, records))
