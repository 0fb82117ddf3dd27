"""Grade one student: a declared list of small steps, each taking the grading so far and handing it on.

    read_cells -> run_sandbox -> judge -> write_student_feedback

and the record it returns is saved by the batch, which alone says a student is done (a grading process that
outlives a killed batch records nothing).
Only `run_sandbox` touches student code, and only through the sandbox, which sends back each
notebook's results as bytes. `judge` parses and scores those bytes in a forked child with its
own memory limit and timeout, so hostile data can cost only this student's record.
"""
import hashlib
import json
import os
import resource
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from autograder.exercises import EXERCISES, NOTEBOOKS

from . import sandbox, warm_sandbox
from .cells import NotebookError, read_bytes, student_cells
from .feedback import write_feedback

CELL_BUDGETS = 3  # a notebook's cells may take three timeouts in all, one cell at most one
STARTUP_SECONDS = 30  # importing torch in the sandbox, on a loaded machine
JUDGE_BYTES = 8 * 2**20  # the judge child's answer
GPU_FRACTION = 0.25  # of the GPU's memory, for each exercise process on CUDA


@dataclass
class Grading:
    student: str
    display_name: str
    notebooks: dict  # stem -> Path of the submitted file
    notes: list = field(default_factory=list)
    jobs: dict = field(default_factory=dict)  # stem -> the student's code cells
    unreadable: dict = field(default_factory=dict)  # stem -> why the file could not be read
    sent: dict = field(default_factory=dict)  # stem -> {file name: bytes} the sandbox sent back
    sandbox_status: str = "ok"
    results: list = field(default_factory=list)  # ExerciseResult, in the order of EXERCISES


def read_cells(grading: Grading, settings) -> Grading:
    for stem, path in sorted(grading.notebooks.items()):
        try:
            cells, notes = student_cells(path, settings.test_sources)
        except (NotebookError, OSError, ValueError, TypeError, AttributeError, RecursionError) as error:
            grading.unreadable[stem] = str(error)
            grading.notes.append(f"{path.name}: {error}")
            continue
        grading.jobs[stem] = cells
        grading.notes.extend(f"{path.name}: {note}" for note in notes)
    return grading


def exercise_seconds(settings) -> float:
    """Seconds for one exercise's child: its checks (and on CUDA, where it runs the cells afresh, those too)."""
    return settings.timeout * (CELL_BUDGETS + 1 if settings.device == "cuda" else 1)


def notebook_budget(exercises: int, settings) -> float:
    """Seconds for one notebook's process: its cells, then each exercise's checks (cells again on CUDA)."""
    return settings.timeout * CELL_BUDGETS + exercises * exercise_seconds(settings) + 5


def notebook_uid(index: int, settings) -> int | None:
    """The notebook's own unprivileged uid inside the sandbox (None: the sandbox cannot change uid)."""
    return 2_000_000 + 8 * os.getpid() + index if settings.drop_uid else None


def job_file(grading: Grading, settings) -> dict:
    """Everything the sandbox needs, planned here: cells, cases, every time budget, uids, limits.

    The harness computes none of them: it carries out this plan.
    """
    from .scoring import plan

    notebooks = []
    for index, (stem, cells) in enumerate(sorted(grading.jobs.items())):
        exercises = [e for e in EXERCISES if e.notebook == stem]
        notebooks.append({"stem": stem, "cells": cells, "budget": notebook_budget(len(exercises), settings),
                          "cell_seconds": settings.timeout, "cells_seconds": CELL_BUDGETS * settings.timeout,
                          "exercise_seconds": exercise_seconds(settings), "uid": notebook_uid(index, settings),
                          "exercises": [{"id": e.id, "name": e.name} for e in exercises]})
    cases = {e["id"]: [case._asdict() for case in plan(e["id"], settings.device)]
             for n in notebooks for e in n["exercises"]}
    wall = STARTUP_SECONDS + sum(n["budget"] + 5 for n in notebooks)
    return {"notebooks": notebooks, "cases": cases, "device": settings.device,
            "fresh_per_exercise": settings.device == "cuda", "pid_namespace": settings.isolate, "wall": wall,
            "gpu_fraction": GPU_FRACTION if settings.device == "cuda" else 0.0,
            "limits": settings.limits.rlimits(settings.device, int(wall) + 10)}


def run_sandbox(grading: Grading, settings) -> Grading:
    from .results import REPORT_BYTES, RESULT_BYTES, split_frames  # imports torch: only where a student is graded

    if not grading.jobs:
        return grading
    plan = job_file(grading, settings)
    run = None if settings.warm is None else \
        warm_sandbox.run(settings.warm, plan, settings.scratch, settings.limits, plan["wall"])
    if run is None:
        run = fresh_sandbox(plan, settings)
    grading.sandbox_status = run.status
    if run.status != "ok":
        grading.notes.append(f"sandbox: {run.status}" + (f": {run.log.strip()[-300:]}" if run.log.strip() else ""))
    expected = {stem: {"ended": 200, "report.json": REPORT_BYTES,
                       **{f"{e.id}.pt": RESULT_BYTES for e in EXERCISES if e.notebook == stem}}
                for stem in grading.jobs}
    grading.sent = split_frames(run.output, expected)
    return grading


def fresh_sandbox(plan: dict, settings) -> sandbox.SandboxRun:
    """Run the job in a sandbox of its own (its job folder bound read-only), in cgroups of its own."""
    work = Path(tempfile.mkdtemp(prefix="student-", dir=settings.scratch))
    job = work / "job"
    job.mkdir()
    os.chmod(work, 0o711)
    os.chmod(job, 0o755)
    (job / "job.json").write_text(json.dumps(plan))
    os.chmod(job / "job.json", 0o644)
    cgroups = settings.confinement.sandbox(settings.limits.memory, settings.limits.processes)
    try:
        return sandbox.run(settings.library, job, settings.device, settings.limits, plan["wall"], settings.isolate,
                           cgroups)
    finally:
        settings.confinement.release(cgroups)
        shutil.rmtree(work, ignore_errors=True)


def score_notebooks(grading: Grading, settings) -> tuple:
    """(result rows, notes) of the exercises whose notebooks ran: the hostile-data part, run in the judge child."""
    from .results import load_entries, load_report
    from .scoring import plan, score_exercise

    rows, notes, reported = [], [], set()
    for exercise in EXERCISES:
        stem = exercise.notebook
        if stem not in grading.jobs:
            continue
        sent = grading.sent.get(stem, {})
        report = load_report(sent.get("report.json"), sent.get("ended"))
        if grading.sandbox_status == "timeout" and "ended" not in report:
            report["ended"] = "timeout"
        cases = plan(exercise.id, settings.device)
        result = score_exercise(exercise, settings.max_scores[exercise.id], cases,
                                lambda sent=sent, exercise=exercise, cases=cases:
                                load_entries(sent.get(f"{exercise.id}.pt"), len(cases)), report)
        rows.append(result.row())
        if stem not in reported:
            reported.add(stem)
            notes.extend(f"{stem}.ipynb: {note}" for note in report.get("cells", [])[:5])
    return rows, notes


def judge_in_child(grading: Grading, settings) -> tuple:
    """score_notebooks in a forked child with an address-space limit and a timeout: (rows, notes) or (None, why)."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(read)
            with open("/proc/self/statm") as handle:
                mapped = int(handle.read().split()[0]) * resource.getpagesize()
            resource.setrlimit(resource.RLIMIT_AS, (mapped + settings.judge_memory,) * 2)
            import torch

            torch.set_num_threads(1)
            answer = json.dumps(score_notebooks(grading, settings)).encode()
            with os.fdopen(write, "wb") as channel:
                channel.write(answer[:JUDGE_BYTES])
            code = 0
        except BaseException:
            pass
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as channel:
        data, why = sandbox.read_capped(channel, time.monotonic() + settings.judge_seconds, JUDGE_BYTES)
    if why != "ok":
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    if why == "timeout":
        return None, f"checking its results took longer than {settings.judge_seconds:g} s"
    if os.WIFSIGNALED(status) or os.WEXITSTATUS(status) != 0:
        return None, "checking its results failed (too large or malformed results; out of memory?)"
    try:
        return json.loads(data)
    except ValueError:
        return None, "checking its results gave no answer"


def judge(grading: Grading, settings) -> Grading:
    from .scoring import ExerciseResult, missing, ungraded

    rows, notes = judge_in_child(grading, settings) if grading.jobs else ([], [])
    judged = {row["exercise"]: ExerciseResult(**row) for row in rows} if rows is not None else {}
    for exercise in EXERCISES:
        points = settings.max_scores[exercise.id]
        stem = exercise.notebook
        if stem not in grading.notebooks:
            grading.results.append(missing(exercise, points, f"{stem}.ipynb was not submitted."))
        elif stem in grading.unreadable:
            why = f"{stem}.ipynb could not be read: {grading.unreadable[stem]}."
            grading.results.append(missing(exercise, points, why))
        elif rows is None:
            grading.results.append(ungraded(exercise, points, notes))
        else:
            grading.results.append(judged[exercise.id])
    grading.notes.extend(notes if rows is not None else [f"{notes}."])
    grading.sent = {}
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
    from .cells import student_answers  # the answers to grade by hand, read as carefully as the code cells

    return {"student": grading.student, "display_name": grading.display_name,
            "fingerprint": submission_fingerprint(grading.notebooks, settings),
            "results": [r.row() for r in grading.results], "notes": grading.notes,
            "attention": needs_attention(grading), "answers": student_answers(grading.notebooks)}


def write_student_feedback(grading: Grading, settings) -> Grading:
    write_feedback(settings.results, record_of(grading, settings), grading.jobs)
    return grading


STEPS = (read_cells, run_sandbox, judge, write_student_feedback)


def submission_fingerprint(notebooks: dict, settings) -> str:
    digest = hashlib.sha256(settings.fingerprint.encode())
    for stem, path in sorted(notebooks.items()):
        digest.update(stem.encode())
        try:  # read as grading reads it: no link, no FIFO, nothing past a notebook's size limit
            digest.update(hashlib.sha256(read_bytes(Path(path))).digest())
        except NotebookError as error:  # its text names the reason (and the size of a file too large)
            digest.update(str(error).encode())
    return digest.hexdigest()


def grade_student(submission, settings) -> dict:
    """Run every step for one student; returns the record, for the batch to save."""
    grading = Grading(submission.student, getattr(submission, "display_name", submission.student),
                      dict(submission.notebooks), list(submission.notes))
    for step in STEPS:
        grading = step(grading, settings)
    return record_of(grading, settings)
