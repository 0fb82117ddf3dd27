"""What a student reads after grading: RESULTS/feedback/STUDENT/index.html, and the same content as feedback.json.

Per notebook and exercise: the score and status; each check that ran, with its input (shapes,
dtype, device, constructor arguments), expected against got, the largest difference and where
it is, the named mistake when it is a known one, and a link to the book section that explains
the step; then the student's own code for the exercise. A "start here" list at the top names
the first thing to fix in each exercise that lost points. Each notebook ends with its questions:
the question, the student's answer (or "not answered") and the points to be graded by hand.

Compared with nbgrader's feedback (the whole notebook back, with a score per test cell and the
traceback of a failed assert) and Otter-Grader's per-test output (each test's name, pass or
fail, and its failing doctest's output), a student here sees which input failed, what was
expected against what came out, the mistake's name and the book section to read.

The page never holds the hidden tests' source or the reference: only the judge's excerpts.
Every string from a record is hostile (ids, display names, error messages written by student
code): it is capped, cleaned and escaped (`feedback_html`), and the page runs no script.
"""
import json
import re
from pathlib import Path

from autograder.exercises import BY_ID
from autograder.links import chapter_url

from .feedback_class import write_class_page
from .feedback_html import clean, document, esc, number, points, safe_url
from .outputs import write_atomically

STATUSES = ("passed", "failed", "error", "timeout", "missing")
STATUS_TEXT = {
    "passed": "Full marks: every check passed.",
    "failed": "Your code ran, but it gave a wrong answer on the checks marked ✗ below. Fix the first one, "
              "run the notebook's own checks again, then hand in.",
    "error": "This exercise could not be checked: your notebook stopped or its results could not be read. "
             "The message says where; run the whole notebook from the top (Restart & Run All) to see it.",
    "timeout": "Your code ran past the time limit, so it could not be checked: look for a loop that never "
               "ends, or for far more work than the exercise needs.",
    "missing": "Nothing was graded: the notebook was not handed in, or it could not be read.",
}
CHECK_TEXT = {"case": 200, "message": 1000, "input": 300, "expected": 600, "got": 600, "where": 200, "mistake": 400}
MAX_CHECKS, MAX_CELLS, CELL_CHARS, MAX_NOTES = 40, 40, 6000, 40
MAX_ANSWERS, QUESTION_CHARS, ANSWER_CHARS = 20, 1000, 4000
ANSWER_STATES = ("answered", "not answered", "unreadable")
SECTION = re.compile(r"^([A-Za-z0-9_-]{1,80})(?:#([A-Za-z0-9_-]{1,120}))?$")


def anchor(prefix: str, key: str) -> str:
    return prefix + "-" + re.sub(r"[^A-Za-z0-9_-]", "-", str(key))[:80]


def book_link(section, stem: str) -> str:
    """The book section a check names ("02_excitation#the-bottleneck-mlp"), else the exercise's chapter."""
    found = SECTION.match(section) if isinstance(section, str) else None
    return chapter_url(found[1], found[2] or "") if found else chapter_url(stem)


# A check whose probe raised carries only its case and message. A module whose parameters cannot hold
# the exercise's weights says "expected <the parameters asked for>; found <what it holds>."
# (autograder/inside/matching.py), and a recognised mistake ends the message in " Hint: <it>." (probe.py).
EXPECTED_FOUND = re.compile(r"\bexpected ([^;]{1,1500}); found (.{1,1500}?)\.(?= Hint: |$)", re.S)


def check_model(check: dict, stem: str) -> dict:
    model = {key: clean(check[key], limit) for key, limit in CHECK_TEXT.items() if check.get(key) not in (None, "")}
    if check.get("passed") is not True:
        message = model.get("message", "")
        found = EXPECTED_FOUND.search(message)
        if found and "expected" not in model and "got" not in model:
            model["expected"] = clean(found[1], CHECK_TEXT["expected"])
            model["got"] = clean(found[2], CHECK_TEXT["got"])
        if " Hint: " in message and "mistake" not in model:
            model["mistake"] = clean(message.split(" Hint: ", 1)[1].strip().rstrip("."), CHECK_TEXT["mistake"])
        if "case" in model and "input" not in model:
            model["input"] = model["case"]
    model["passed"] = check.get("passed") is True
    model["largest_difference"] = number(check.get("largest_difference"))
    model["book"] = book_link(check.get("section"), stem)
    return model


def defines(source: str, name: str) -> bool:
    """Whether a line of `source` defines `name`; line by line, in linear time (a multiline ``^\\s*`` pattern
    is quadratic on a cell of blank lines)."""
    pattern = re.compile(rf"(?:def|class)\s+{re.escape(name)}\b")
    return any(pattern.match(line.lstrip()) for line in source.splitlines() if line.lstrip()[:1] in ("d", "c"))


def exercise_model(row: dict, cells: list) -> dict:
    exercise = BY_ID.get(row.get("exercise"))
    name = exercise.name if exercise else clean(row.get("exercise", "?"), 100)
    stem = exercise.notebook if exercise else clean(row.get("notebook", ""), 100)
    status = row.get("status") if row.get("status") in STATUSES else "error"
    checks = [check_model(c, stem) for c in (row.get("checks") or [])[:MAX_CHECKS] if isinstance(c, dict)]
    return {
        "exercise": clean(row.get("exercise", "?"), 100), "name": name,
        "anchor": anchor("ex", row.get("exercise", "?")),
        "score": number(row.get("score")), "max_score": number(row.get("max_score")), "status": status,
        "explanation": STATUS_TEXT[status], "message": clean(row.get("message", ""), 1500),
        "book": chapter_url(stem) if stem else "", "checks": checks,
        "checks_passed": sum(c["passed"] for c in checks),
        "your_code": [cell["number"] for cell in cells if defines(cell["source"], name)],
    }


def first_step(exercise: dict) -> str:
    """The one thing to fix first: the first failing check's named mistake, else its message."""
    failing = [c for c in exercise["checks"] if not c["passed"]]
    if failing:
        check = failing[0]
        return check.get("mistake") or check.get("message") or exercise["message"]
    return exercise["message"] or exercise["explanation"]


def start_here(exercises: list) -> list:
    """Per exercise that lost points, the first thing to fix; exercises with the same step share one entry."""
    steps = {}
    for e in exercises:
        if e["status"] != "passed":
            step = steps.setdefault((e["status"], clean(first_step(e), 300)), [])
            step.append({"exercise": e["exercise"], "name": e["name"], "anchor": e["anchor"]})
    return [{"status": status, "step": step, "exercises": found} for (status, step), found in steps.items()]


def answer_model(answer: dict) -> dict:
    """One question to grade by hand: the question, the student's answer (capped) and its state."""
    state = answer.get("state") if answer.get("state") in ANSWER_STATES else "unreadable"
    text = answer.get("text") if state != "not answered" else ""
    return {"id": clean(answer.get("id", "?"), 100), "question": clean(answer.get("question", ""), QUESTION_CHARS),
            "state": state, "answer": clean(text or "", ANSWER_CHARS), "points": number(answer.get("points")),
            "graded": "by hand"}


def feedback_model(record: dict, cells: dict) -> dict:
    """Everything the page shows, as plain JSON-able data (the page is drawn from this alone)."""
    notebooks = {}

    def notebook(stem: str) -> dict:
        if stem not in notebooks:
            sources = [c for c in (cells.get(stem) or []) if isinstance(c, str)][:MAX_CELLS]
            notebooks[stem] = {"notebook": clean(stem, 100), "anchor": anchor("nb", stem), "exercises": [],
                               "cells": [{"number": i + 1, "source": clean(s, CELL_CHARS)}
                                         for i, s in enumerate(sources)], "answers": []}
        return notebooks[stem]

    for row in record.get("results", []):
        stem = row.get("notebook") if isinstance(row.get("notebook"), str) else "?"
        notebook(stem)["exercises"].append(exercise_model(row, notebook(stem)["cells"]))
    answers = record.get("answers") if isinstance(record.get("answers"), list) else []
    for answer in [a for a in answers if isinstance(a, dict)][:MAX_ANSWERS]:
        stem = answer.get("notebook") if isinstance(answer.get("notebook"), str) else "?"
        notebook(stem)["answers"].append(answer_model(answer))
    for notebook in notebooks.values():
        exercises = notebook["exercises"]
        notebook["score"] = sum(e["score"] or 0 for e in exercises)
        notebook["max_score"] = sum(e["max_score"] or 0 for e in exercises)
    everything = [e for n in notebooks.values() for e in n["exercises"]]
    by_hand = [a["points"] or 0 for n in notebooks.values() for a in n["answers"]]
    return {
        "student": clean(record.get("student", "?"), 100),
        "display_name": clean(record.get("display_name") or "", 200),
        "score": sum(e["score"] or 0 for e in everything),
        "max_score": sum(e["max_score"] or 0 for e in everything),
        "to_grade_by_hand": sum(by_hand),
        "start_here": start_here(everything),
        "notebooks": list(notebooks.values()),
        "notes": [clean(n, 500) for n in record.get("notes", [])[:MAX_NOTES]],
    }


# ---- the page, drawn from the model ----

def badge(status: str) -> str:
    return f'<span class="badge {status}">{"✓ " if status == "passed" else ""}{status}</span>'


def what_went_wrong(check: dict, name: str) -> str:
    """The check's message without what the page already shows beside it (the case, the named mistake)."""
    message = check.get("message", "")
    prefix = f"{name} ({check.get('case', '')}): "
    message = message[len(prefix):] if message.startswith(prefix) else message
    if "mistake" in check:
        message = message.split(" This looks like a known mistake:")[0].split(" Hint: ")[0]
    return message


def check_html(check: dict, name: str) -> str:
    mark = "✓" if check["passed"] else "✗"
    parts = [f'<p><b>{mark} {esc(check.get("case", "check"))}</b></p>']
    if "input" in check and check["input"] != check.get("case"):
        parts.append(f'<p class="label">Input</p><pre>{esc(check["input"])}</pre>')
    if not check["passed"]:
        message = what_went_wrong(check, name)
        if message:
            parts.append(f"<p>{esc(message)}</p>")
        if "mistake" in check:
            parts.append(f'<p class="mistake"><b>Known mistake:</b> {esc(check["mistake"])}</p>')
        if "expected" in check or "got" in check:
            parts.append('<div class="pair">'
                         f'<div><p class="label">Expected</p><pre>{esc(check.get("expected", "—"))}</pre></div>'
                         f'<div><p class="label">Your code gave</p><pre>{esc(check.get("got", "—"))}</pre></div>'
                         "</div>")
        if check["largest_difference"] is not None or "where" in check:
            difference = "" if check["largest_difference"] is None else f' {check["largest_difference"]:.3g}'
            where = f' at <code>{esc(check["where"])}</code>' if "where" in check else ""
            parts.append(f'<p class="muted">Largest difference{difference}{where}.</p>')
        parts.append(f'<p><a href="{safe_url(check["book"])}">Read the book section that explains this step</a></p>')
    return f'<div class="check">{"".join(parts)}</div>'


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def unit(value) -> str:
    return "point" if number(value) == 1 else "points"


def code_html(cell: dict) -> str:
    return (f'<p class="label">Cell {cell["number"]}</p>'
            f'<pre class="code"><code>{esc(cell["source"], CELL_CHARS + 100)}</code></pre>')


def exercise_html(exercise: dict, cells: list) -> str:
    failing = [c for c in exercise["checks"] if not c["passed"]]
    passing = [c for c in exercise["checks"] if c["passed"]]
    head = (f'<div class="card-head"><h3><code>{esc(exercise["name"])}</code></h3><span>{badge(exercise["status"])} '
            f'<span class="score">{points(exercise["score"])} / {points(exercise["max_score"])} '
            f'{unit(exercise["max_score"])}</span></span></div>')
    body = [f'<p>{esc(exercise["explanation"])}</p>']
    if exercise["status"] != "passed" and exercise["message"] and not failing:
        body.append(f'<p class="label">What the grader found</p><pre>{esc(exercise["message"])}</pre>')
    if exercise["checks"]:
        body.append(f'<p class="muted">{exercise["checks_passed"]} of {len(exercise["checks"])} checks passed.</p>')
    if failing:
        body.append(check_html(failing[0], exercise["name"]))
    if failing[1:]:
        body.append(f"<details><summary>{plural(len(failing) - 1, 'more failing check')}</summary>"
                    + "".join(check_html(c, exercise["name"]) for c in failing[1:]) + "</details>")
    if passing:
        body.append(f"<details><summary>{plural(len(passing), 'check')} that passed</summary>"
                    + "".join(check_html(c, exercise["name"]) for c in passing) + "</details>")
    if exercise["book"] and exercise["status"] != "passed" and not failing:
        body.append(f'<p><a href="{safe_url(exercise["book"])}">The book chapter for this exercise</a></p>')
    mine = [c for c in cells if c["number"] in exercise["your_code"]]
    if mine:
        body.append(f'<details{" open" if exercise["status"] != "passed" else ""}><summary>Your code for '
                    f'<code>{esc(exercise["name"])}</code></summary>{"".join(code_html(c) for c in mine)}</details>')
    return (f'<section class="card status-{exercise["status"]}" id="{exercise["anchor"]}">'
            f'{head}{"".join(body)}</section>')


def answer_html(answer: dict) -> str:
    if answer["state"] == "answered":
        given = f'<p class="label">Your answer</p><pre class="answer">{esc(answer["answer"])}</pre>'
    elif answer["state"] == "unreadable":
        given = f'<p class="label">Your answer</p><p>{esc(answer["answer"])}</p>'
    else:
        given = '<p class="label">Your answer</p><p><em>not answered</em></p>'
    return (f'<div class="check answer-card" id="{anchor("q", answer["id"])}">'
            f'<p class="label">Question</p><pre class="question">{esc(answer["question"])}</pre>{given}'
            f'<p class="muted">To be graded by hand ({points(answer["points"])} {unit(answer["points"])}).</p></div>')


def answers_html(answers: list) -> str:
    if not answers:
        return ""
    hand = sum(a["points"] or 0 for a in answers)
    return (f'<section class="card"><div class="card-head"><h3>Questions</h3><span class="score">'
            f'{points(hand)} {unit(hand)} to be graded by hand</span></div>'
            '<p>Your teacher reads these answers and grades them by hand; they are not part of the score above.</p>'
            f'{"".join(answer_html(a) for a in answers)}</section>')


def notebook_html(notebook: dict) -> str:
    exercises = "".join(exercise_html(e, notebook["cells"]) for e in notebook["exercises"])
    exercises += answers_html(notebook.get("answers", []))
    cells = ""
    if notebook["cells"]:
        cells = (f'<details><summary>All {len(notebook["cells"])} code cells you handed in</summary>'
                 + "".join(code_html(c) for c in notebook["cells"]) + "</details>")
    return (f'<section id="{notebook["anchor"]}"><h2>{esc(notebook["notebook"])}.ipynb '
            f'<span class="score">{points(notebook["score"])} / {points(notebook["max_score"])}</span></h2>'
            f'{exercises}{cells}</section>')


def student_page(model: dict) -> str:
    who = esc(model["student"])
    if model["display_name"] and model["display_name"] != model["student"]:
        who = f'{esc(model["display_name"])} <span class="muted">({who})</span>'
    nav = "".join(f'<li><a href="#{n["anchor"]}">{esc(n["notebook"])}</a> '
                  f'<span class="score">{points(n["score"])}/{points(n["max_score"])}</span></li>'
                  for n in model["notebooks"])
    if model["start_here"]:
        steps = "".join(f'<li>{badge(s["status"])} ' + ", ".join(
            f'<a href="#{e["anchor"]}"><code>{esc(e["name"])}</code></a>' for e in s["exercises"])
            + f': {esc(s["step"])}</li>' for s in model["start_here"])
        start = f'<div class="start"><h2 id="start-here">Start here</h2><ol>{steps}</ol></div>'
    else:
        start = '<div class="start"><p id="start-here">Every exercise passed every check.</p></div>'
    notes = ""
    if model["notes"]:
        notes = ('<section id="notes"><h2>Notes from the grader</h2><ul>'
                 + "".join(f"<li>{esc(n)}</li>" for n in model["notes"]) + "</ul></section>")
    hand = ""
    if model.get("to_grade_by_hand"):
        hand = f' <span class="muted">(and {points(model["to_grade_by_hand"])} {unit(model["to_grade_by_hand"])} ' \
               'for your answers, to be graded by hand)</span>'
    body = (f'<header><h1>Feedback</h1><p>{who}: <span class="score">{points(model["score"])} / '
            f'{points(model["max_score"])} points</span>{hand}</p><nav><ul>{nav}</ul></nav></header>'
            f'{start}{"".join(notebook_html(n) for n in model["notebooks"])}{notes}')
    return document(f"Feedback: {esc(model['student'])}", body)


def feedback_folder(results: Path, student: str) -> Path:
    """RESULTS/feedback/STUDENT, refusing an id that would lead anywhere else."""
    if not isinstance(student, str) or student in ("", ".", "..") or any(c in student for c in "/\\\0"):
        raise ValueError(f"not a usable student id for a folder name: {student!r}")
    return Path(results) / "feedback" / student


def write_feedback(results: Path, record: dict, cells: dict) -> None:
    """RESULTS/feedback/STUDENT/index.html and feedback.json for one student's record.

    cells: notebook stem -> the student's code-cell sources.
    """
    folder = feedback_folder(results, record.get("student"))
    model = feedback_model(record, cells or {})
    write_atomically(folder / "feedback.json", json.dumps(model, indent=1, ensure_ascii=False, allow_nan=False) + "\n")
    write_atomically(folder / "index.html", student_page(model))


__all__ = ["write_feedback", "write_class_page", "feedback_model", "student_page"]
