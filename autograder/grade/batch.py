"""Grade a class: find the students, grade the ones not yet graded in parallel, write the class's outputs.

    prepare (course, submissions, sandbox library) -> grade students (resumable) -> tables, gradebook, summary

A student whose record in RESULTS/students/ matches their submission is not regraded, so an
interrupted run continues where it stopped. SUBMISSIONS is only read (a zip is extracted
to a temporary folder).
"""
import hashlib
import os
import sys
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from contextlib import ExitStack
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from autograder.exercises import EXERCISES

from . import sandbox
from .course import ROOT, load_course, manual_points, max_scores, test_sources
from .gradebook import create_gradebook, record_scores
from .outputs import load_record, save_record, summarise, write_tables
from .scoring import ExerciseResult
from .settings import Settings
from .student import grade_student, submission_fingerprint
from .submissions import ArchiveError, extract, find_submissions

DEFAULT_TIMEOUT = 60.0
GRADER_VERSION = "1"


class GraderError(RuntimeError):
    """The grader itself cannot run (bad arguments, missing instructor files): exit non-zero."""


@dataclass
class Batch:
    records: list
    reused: int
    notes: list
    warning: str | None
    summary: str


def resolve_device(device: str) -> str:
    import torch

    if device not in ("auto", "cpu", "cuda"):
        raise GraderError(f"--device must be auto, cpu or cuda, got {device!r}")
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise GraderError("--device cuda was asked for, but CUDA is not available on this machine")
    return device


def open_submissions(submissions: Path, out: Path, temporary: Path) -> tuple:
    """(the folder to grade, notes on skipped archive entries)."""
    submissions = Path(submissions)
    if not submissions.exists():
        raise GraderError(f"SUBMISSIONS {submissions} does not exist")
    resolved, results = submissions.resolve(), Path(out).resolve()
    if submissions.is_dir() and (results == resolved or resolved in results.parents):
        raise GraderError(f"RESULTS {out} lies inside SUBMISSIONS {submissions}: choose a folder outside it")
    if submissions.is_dir():
        return submissions, []
    if submissions.suffix.lower() != ".zip":
        raise GraderError(f"SUBMISSIONS must be a folder or a .zip file, got {submissions}")
    folder = temporary / "submissions"
    folder.mkdir()
    try:
        return folder, extract(submissions, folder)
    except ArchiveError as error:
        raise GraderError(str(error)) from None


def world_traversable(path: str) -> bool:
    """Whether an unprivileged user can reach `path` (every folder above it searchable by others)."""
    current = Path(path).resolve()
    return all(os.stat(p).st_mode & 0o001 for p in [current, *current.parents])


def settings_fingerprint(points: dict, timeout: float, library: Path) -> str:
    digest = hashlib.sha256(f"{GRADER_VERSION}|{sorted(points.items())}|{timeout:g}".encode())
    for path in sorted(library.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def failed_record(submission, settings, error: BaseException) -> dict:
    """Every student appears in the results, even one on whom the grader itself failed."""
    why = f"the grader failed on this submission ({type(error).__name__}: {str(error)[:300]}); please report it"
    results = [ExerciseResult(e.id, e.notebook, 0.0, settings.max_scores[e.id], "error", why).row() for e in EXERCISES]
    return {"student": submission.student, "fingerprint": "", "results": results, "notes": [why], "attention": why}


def worker_context():
    """Workers fork from a fresh server that has imported the grader but run nothing (forking this process,
    whose torch may have started OpenMP threads, can deadlock the children). Started early: it loads meanwhile."""
    context = get_context("forkserver")
    context.set_forkserver_preload(["autograder.grade.student", "autograder.checks.judge"])
    from multiprocessing import forkserver

    forkserver.ensure_running()
    return context


def grade_safely(submission, settings: Settings) -> dict:
    try:
        return grade_student(submission, settings)
    except Exception as error:
        record = failed_record(submission, settings, error)
        save_record(settings.results, record)
        return record


def run_students(pending: list, settings: Settings, workers: int, progress: bool, meanwhile=None) -> list:
    """Grade in `workers` processes; `meanwhile()` runs in a thread of this one at the same time."""
    from tqdm import tqdm

    records = []
    with ProcessPoolExecutor(max_workers=workers, mp_context=worker_context()) as pool:
        futures = {pool.submit(grade_student, submission, settings): submission for submission in pending}
        bar = tqdm(total=len(pending), desc="grading", unit="student", file=sys.stderr, disable=not progress,
                   dynamic_ncols=True)
        side = threading.Thread(target=meanwhile, daemon=True) if meanwhile else None
        if side:
            side.start()
        for future in as_completed(futures):
            submission = futures[future]
            try:
                records.append(future.result())
            except BrokenProcessPool:  # a worker died (killed from outside): grade here instead
                records.append(grade_safely(submission, settings))
            except Exception as error:
                record = failed_record(submission, settings, error)
                save_record(settings.results, record)
                records.append(record)
            bar.update()
        bar.close()
        if side:
            side.join()
    return records


def grade(submissions: Path, out: Path, *, workers: int | None = None, device: str = "auto",
          timeout: float = DEFAULT_TIMEOUT, force: bool = False, gradebook: Path | None = None,
          course_root: Path = ROOT, progress: bool = True, layout: str = "auto",
          cluster: str | None = None) -> Batch:
    """Grade every student in SUBMISSIONS into OUT; see the package docstring for the outputs."""
    if timeout <= 0:
        raise GraderError(f"--timeout must be positive, got {timeout}")
    workers = workers or os.cpu_count() or 1
    device = resolve_device(device)
    course = load_course(course_root, gradebook)
    from .course import CourseError

    try:
        points = max_scores(course.source)
    except CourseError as error:
        raise GraderError(str(error)) from None
    out = Path(out)
    worker_context()
    with ExitStack() as stack:
        temporary = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="autograder-")))
        os.chmod(temporary, 0o755)
        folder, notes = open_submissions(submissions, out, temporary)
        found, found_notes = find_submissions(folder, layout)
        notes += found_notes
        library = sandbox.build_library(temporary / "library")
        for path in [library, *library.rglob("*")]:
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        isolate = sandbox.bwrap_works()
        warning = sandbox.isolation_warning()
        if warning:
            print(warning, file=sys.stderr)
        scratch = temporary / "scratch"
        scratch.mkdir(mode=0o755)
        settings = Settings(
            results=out.resolve(), library=library, scratch=scratch, device=device, timeout=float(timeout),
            isolate=isolate, drop_uid=os.getuid() == 0 and (isolate or world_traversable(sys.prefix) and
                                                             world_traversable(sys.base_prefix)),
            max_scores=points, test_sources=test_sources(course.source, course.release),
            fingerprint=settings_fingerprint(points, timeout, library))
        out.mkdir(parents=True, exist_ok=True)
        records, pending = [], []
        for submission in found:
            done = None if force else load_record(out, submission.student,
                                                  submission_fingerprint(submission.notebooks, settings))
            (records.append(done) if done else pending.append(submission))
        reused = len(records)
        if pending and cluster:  # a Dask cluster: "local:N" or a scheduler's address
            from .cluster import run_students as run_on_cluster

            records += run_on_cluster(cluster, pending, settings, progress,
                                      meanwhile=lambda: create_gradebook(course.gradebook, points))
        elif pending:
            records += run_students(pending, settings, min(workers, len(pending)), progress,
                                    meanwhile=lambda: create_gradebook(course.gradebook, points))
    records.sort(key=lambda r: r["student"])
    names = {submission.student: submission.display_name for submission in found}
    records = [{"display_name": names.get(r["student"], r["student"]), **r} for r in records]
    manual = manual_points(course.source)
    write_tables(out, records, manual)
    record_scores(course.gradebook, points, records)
    return Batch(records, reused, notes, warning, summarise(records, reused, notes, manual))
