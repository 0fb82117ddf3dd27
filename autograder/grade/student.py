"""Grade one student: a declared list of small steps, each taking the grading so far and handing it on.

    read_cells -> run_sandbox -> score -> write_feedback -> save_record

Only `run_sandbox` touches student code, and only through the sandbox; the other steps run
in the trusted worker and read the sandbox's output as data.
"""
import hashlib
import json
import shutil
import tempfile
import os
from dataclasses import dataclass, field
from pathlib import Path

from autograder.exercises import EXERCISES, NOTEBOOKS

from . import sandbox
from .cells import NotebookError, student_cells
from .feedback import write_feedback
from .outputs import save_record
from .results import load_entries, load_report
from .scoring import missing, plan, score_exercise

CELL_BUDGETS = 3  # as in the harness: a notebook's cells may take three timeouts in all
STARTUP_SECONDS = 30  # importing torch in the sandbox, on a loaded machine


@dataclass
class Grading:
    student: str
    notebooks: dict  # stem -> Path of the submitted file
    notes: list = field(default_factory=list)
    jobs: dict = field(default_factory=dict)  # stem -> the student's code cells
    unreadable: dict = field(default_factory=dict)  # stem -> why the file could not be read
    out: Path | None = None
    report: dict = field(default_factory=dict)  # stem -> the notebook process's account
    sandbox_status: str = "ok"
    results: list = field(default_factory=list)  # ExerciseResult, in the order of EXERCISES


def read_cells(grading: Grading, settings) -> Grading:
    for stem, path in sorted(grading.notebooks.items()):
        try:
            cells, notes = student_cells(path, settings.test_sources)
        except (NotebookError, OSError) as error:
            grading.unreadable[stem] = str(error)
            grading.notes.append(f"{path.name}: {error}")
            continue
        grading.jobs[stem] = cells
        grading.notes.extend(f"{path.name}: {note}" for note in notes)
    return grading


def run_sandbox(grading: Grading, settings) -> Grading:
    if not grading.jobs:
        return grading
    work = Path(tempfile.mkdtemp(prefix="student-", dir=settings.scratch))
    job, out = work / "job", work / "out"
    job.mkdir()
    out.mkdir()
    for folder in (work, job):
        os.chmod(folder, 0o755)
    notebooks = [{"stem": stem, "cells": cells,
                  "exercises": [{"id": e.id, "name": e.name} for e in EXERCISES if e.notebook == stem]}
                 for stem, cells in sorted(grading.jobs.items())]
    limits = settings.limits
    exercises = sum(len(n["exercises"]) for n in notebooks)
    fresh = settings.device == "cuda"
    per_exercise = CELL_BUDGETS + 1 if fresh else 1
    wall = STARTUP_SECONDS + settings.timeout * (per_exercise * exercises + CELL_BUDGETS * len(notebooks)) \
        + 5 * len(notebooks)
    cpu = int(wall) + 10
    (job / "job.json").write_text(json.dumps({
        "notebooks": notebooks, "timeout": settings.timeout, "device": settings.device, "fresh_per_exercise": fresh,
        "uid": 2_000_000 + os.getpid() if settings.drop_uid else None,
        "limits": sandbox.Limits(limits.memory, cpu, limits.processes, limits.file_bytes).rlimits(settings.device),
    }))
    run = sandbox.run(settings.library, job, out, settings.device, limits, wall, settings.isolate)
    grading.sandbox_status = run.status
    if run.status != "ok":
        grading.notes.append(f"sandbox: {run.status}" + (f": {run.log.strip()[-300:]}" if run.log.strip() else ""))
    grading.out = out
    grading.report = {stem: load_report(out / f"{stem}.json") for stem in grading.jobs}
    return grading


def score(grading: Grading, settings) -> Grading:
    for exercise in EXERCISES:
        points = settings.max_scores[exercise.id]
        stem = exercise.notebook
        if stem not in grading.notebooks:
            grading.results.append(missing(exercise, points, f"{stem}.ipynb was not submitted."))
        elif stem in grading.unreadable:
            grading.results.append(missing(exercise, points, f"{stem}.ipynb could not be read: {grading.unreadable[stem]}."))
        else:
            report = dict(grading.report.get(stem, {}))
            if grading.sandbox_status == "timeout" and "ended" not in report:
                report["ended"] = "timeout"
            cases = plan(exercise.id, settings.device)
            result = score_exercise(exercise, points, cases,
                                    lambda: load_entries(grading.out / f"{exercise.id}.pt", len(cases)), report)
            grading.results.append(result)
    for stem, report in sorted(grading.report.items()):
        grading.notes.extend(f"{stem}.ipynb: {note}" for note in report.get("cells", [])[:5])
    if grading.out is not None:
        shutil.rmtree(grading.out.parent, ignore_errors=True)
        grading.out = None
    return grading


def needs_attention(grading: Grading) -> str:
    """Why an instructor should look at this submission ("" when nothing is odd)."""
    reasons = []
    lost = [s for s in NOTEBOOKS if s not in grading.notebooks]
    if lost:
        reasons.append("not submitted: " + ", ".join(lost))
    if grading.unreadable:
        reasons.append("unreadable: " + ", ".join(sorted(grading.unreadable)))
    for status in ("error", "timeout"):
        hit = [r.exercise for r in grading.results if r.status == status]
        if hit:
            reasons.append(f"{status}: " + ", ".join(hit))
    return "; ".join(reasons)


def record_of(grading: Grading, settings) -> dict:
    return {"student": grading.student, "fingerprint": submission_fingerprint(grading.notebooks, settings),
            "results": [r.row() for r in grading.results], "notes": grading.notes,
            "attention": needs_attention(grading)}


def write_student_feedback(grading: Grading, settings) -> Grading:
    write_feedback(settings.results, grading.student, grading.results, grading.notes)
    return grading


def save(grading: Grading, settings) -> Grading:
    save_record(settings.results, record_of(grading, settings))
    return grading


STEPS = (read_cells, run_sandbox, score, write_student_feedback, save)


def submission_fingerprint(notebooks: dict, settings) -> str:
    digest = hashlib.sha256(settings.fingerprint.encode())
    for stem, path in sorted(notebooks.items()):
        digest.update(stem.encode())
        try:
            digest.update(hashlib.sha256(Path(path).read_bytes()).digest())
        except OSError as error:
            digest.update(str(error).encode())
    return digest.hexdigest()


def grade_student(submission, settings) -> dict:
    """Run every step for one student; returns the saved record."""
    grading = Grading(submission.student, dict(submission.notebooks), list(submission.notes))
    for step in STEPS:
        grading = step(grading, settings)
    return record_of(grading, settings)
