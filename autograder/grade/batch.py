"""Grade a class, as declared steps, each a function of data in and data out:

    open_submissions -> find_submissions -> prepare -> grade_pending -> write_outputs

A student whose record in RESULTS/students/ matches their submission and every input that can
change a score (see `settings_fingerprint`) is not regraded, so an interrupted run continues
where it stopped. Each student is graded in a process of their own: one that dies or hangs
costs only that student's record. Each worker lends that process its warm sandbox (warm_sandbox.py),
in which the student's code runs in namespaces of the student's own. SUBMISSIONS is only read (a
zip is extracted to a private temporary folder, removed at the end, on SIGINT and on SIGTERM; see `Termination`).
Nothing is printed here: the returned Batch holds the warning and the summary.
"""
import hashlib
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, replace
from multiprocessing import get_context
from multiprocessing.connection import wait
from pathlib import Path

from autograder.exercises import EXERCISES

from . import sandbox, warm_sandbox
from .confinement import open_confinement
from .course import ROOT, CourseError, load_course, manual_points, max_scores, test_sources
from .gradebook import create_gradebook, record_scores
from .outputs import load_record, record_path, save_record, summarise, write_atomically, write_tables
from .settings import Settings
from .student import STARTUP_SECONDS, grade_student, notebook_budget, submission_fingerprint
from .submissions import ArchiveError, extract, find_submissions

DEFAULT_TIMEOUT = 60.0
GRADER_VERSION = "2"
PACKAGE = Path(__file__).resolve().parents[1]
# Every file whose change can change a score: the grader, the sandbox package, the judge, the reference.
SCORED_SOURCES = ("grade", "inside", "checks", "reference", "exercises.py")


class GraderError(RuntimeError):
    """The grader itself cannot run (bad arguments, missing instructor files): exit non-zero."""


@dataclass
class Batch:
    records: list
    reused: int
    notes: list
    warning: str | None
    summary: str
    isolation: str = ""  # how student code was confined, in words


def cuda_available(connection) -> None:
    import torch

    connection.send(torch.cuda.is_available())


def resolve_device(device: str, context) -> str:
    """"cpu" or "cuda"; whether CUDA works is asked of a worker forked from `context`'s fork server, which has torch
    loaded already, so the batch's own process never imports torch (seconds of every batch)."""
    if device not in ("auto", "cpu", "cuda"):
        raise GraderError(f"--device must be auto, cpu or cuda, got {device!r}")
    if device == "cpu":
        return device
    answer, question = context.Pipe(duplex=False)
    worker = context.Process(target=cuda_available, args=(question,), daemon=True)
    worker.start()
    question.close()
    try:
        cuda = answer.poll(STARTUP_SECONDS * 4) and answer.recv()
    except EOFError:  # the worker died before it answered
        cuda = False
    finally:
        worker.kill()
        worker.join()
        answer.close()
    if device == "cuda" and not cuda:
        raise GraderError("--device cuda was asked for, but CUDA is not available on this machine")
    return "cuda" if cuda else "cpu"


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
    folder.mkdir(mode=0o700)
    try:
        return folder, extract(submissions, folder)
    except ArchiveError as error:
        raise GraderError(str(error)) from None


def world_traversable(path: str) -> bool:
    """Whether an unprivileged user can reach `path` (every folder above it searchable by others)."""
    current = Path(path).resolve()
    return all(os.stat(p).st_mode & 0o001 for p in [current, *current.parents])


def isolation_here() -> tuple[bool, bool]:
    """(bubblewrap works, notebooks can run as unprivileged uids of their own) on this machine."""
    isolate = sandbox.bwrap_works()
    if os.getuid() != 0:
        return isolate, False
    return isolate, isolate or world_traversable(sys.prefix) and world_traversable(sys.base_prefix)


def scored_files(package: Path = PACKAGE) -> list:
    return sorted(p for name in SCORED_SOURCES for p in ([package / name] if name.endswith(".py")
                                                          else (package / name).rglob("*.py")))


def settings_fingerprint(points: dict, timeout: float, device: str, limits, tests: frozenset,
                         files: list, isolation: str = "") -> str:
    """A digest of every input that can change a score besides the submission itself.

    `isolation` says how student code runs (bubblewrap or not, own uids or not, cgroups or rlimits): a record
    graded with weaker isolation (where the code could read the reference) is never reused by a stronger run.
    """
    digest = hashlib.sha256(f"{GRADER_VERSION}|{sorted(points.items())}|{timeout!r}|{device}|{limits!r}|"
                            f"{isolation}".encode())
    for source in sorted(tests):
        digest.update(hashlib.sha256(source.encode()).digest())
    for path in files:
        digest.update(f"{path.parent.name}/{path.name}".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def failed_record(submission, settings, why: str) -> dict:
    """Every student appears in the results, even one on whom the grader itself failed."""
    from .scoring import ExerciseResult

    why = f"could not be graded: {why}"
    results = [ExerciseResult(e.id, e.notebook, 0.0, settings.max_scores[e.id], "error", why).row() for e in EXERCISES]
    return {"student": submission.student, "display_name": getattr(submission, "display_name", submission.student),
            "fingerprint": "", "results": results, "notes": [why], "attention": why}


SOCKET_PATH_MAX = 107  # bytes of a Unix socket's path (sun_path holds 108 with the closing NUL)


def short_socket_folder() -> None:
    """multiprocessing puts the fork server's socket at TMPDIR/pymp-XXXXXXXX/listener-XXXXXXXX; under a deep TMPDIR
    that path is longer than a Unix socket allows ("AF_UNIX path too long"), so use a private folder in /tmp."""
    from multiprocessing import process, util

    if len(os.path.join(tempfile.gettempdir(), "pymp-12345678", "listener-12345678")) <= SOCKET_PATH_MAX:
        return
    if "tempdir" not in process.current_process()._config and os.path.isdir("/tmp"):
        folder = tempfile.mkdtemp(prefix="pymp-", dir="/tmp")  # mode 0700
        process.current_process()._config["tempdir"] = folder  # where util.get_temp_dir() keeps its folder
        util.Finalize(None, shutil.rmtree, args=(folder, True), exitpriority=-100)


def worker_context():
    """Workers fork from a fresh server that has loaded autograder/grade/preload.py (the grader, the judge's caches
    filled on one torch thread, the book's links) but runs nothing of a student (forking this process, whose torch
    may have started OpenMP threads, can deadlock the children). Started early: it loads meanwhile."""
    short_socket_folder()
    context = get_context("forkserver")
    context.set_forkserver_preload(["autograder.grade.preload"])
    from multiprocessing import forkserver

    forkserver.ensure_running()
    return context


def student_deadline(settings) -> float:
    """Seconds one student may take in all: every notebook's budget, the sandbox's start, the judge."""
    per_notebook = max(sum(1 for e in EXERCISES if e.notebook == stem) for stem in {e.notebook for e in EXERCISES})
    notebooks = len({e.notebook for e in EXERCISES})
    return STARTUP_SECONDS + notebooks * (notebook_budget(per_notebook, settings) + 5) + settings.judge_seconds + 60


def grade_one(submission, settings, warm, handoff: Path) -> None:
    """The body of a student's process: grade (in the warm sandbox lent to it, if any) and hand the record to the
    batch at `handoff`, in the batch's scratch folder; `finished` saves it."""
    import json

    record = grade_student(submission, replace(settings, warm=warm) if warm else settings)
    write_atomically(handoff, json.dumps(record))


def finished(submission, settings, process, handoff: Path) -> dict:
    """The record a student's process handed over, now saved, or a failure record when it died without one."""
    import json

    fingerprint = submission_fingerprint(submission.notebooks, settings)
    if process.exitcode == 0:
        try:
            record = json.loads(handoff.read_text("utf-8"))
            if record.get("fingerprint") == fingerprint:
                save_record(settings.results, record)
                return record
        except (OSError, ValueError):
            pass
    how = "ran past its time" if process.exitcode is None else \
        f"was killed by signal {-process.exitcode}" if process.exitcode < 0 else \
        f"exited with status {process.exitcode}"
    record = failed_record(submission, settings, f"the grading process {how}; please report it")
    save_record(settings.results, record)
    return record


def run_students(pending: list, settings: Settings, workers: int, progress: bool, meanwhile=None) -> list:
    """Grade each student in a process of their own, `workers` at a time; `meanwhile()` runs in a thread here."""
    from tqdm import tqdm

    context = worker_context()
    queue, running, records = list(pending), {}, []
    pool = warm_sandbox.Pool(settings, workers, warm_sandbox.KEPT) if warm_sandbox.usable(settings) else None
    limit = student_deadline(settings)
    bar = tqdm(total=len(pending), desc="grading", unit="student", file=sys.stderr, disable=not progress,
               dynamic_ncols=True)
    side = threading.Thread(target=meanwhile, daemon=True) if meanwhile else None
    if side:
        side.start()
    try:
        while queue or running:
            while queue and len(running) < workers:
                with Termination.held():
                    submission = queue.pop(0)
                    record_path(settings.results, submission.student).unlink(missing_ok=True)
                    warm = pool.lend() if pool else None
                    handoff = settings.scratch / f"record-{len(pending) - len(queue)}.json"
                    process = context.Process(target=grade_one, args=(submission, settings, warm and warm.lent,
                                                                      handoff), daemon=True)
                    process.start()
                    running[process.sentinel] = (process, submission, time.monotonic() + limit, warm, handoff)
            for sentinel in wait(list(running), timeout=1.0):
                with Termination.held():
                    process, submission, _, warm, handoff = running.pop(sentinel)
                    process.join()
                    if warm:
                        pool.give_back(warm, clean=process.exitcode == 0)
                    records.append(finished(submission, settings, process, handoff))
                bar.update()
            for sentinel, (process, submission, deadline, warm, _) in list(running.items()):
                if time.monotonic() > deadline:
                    with Termination.held():
                        process.kill()
                        process.join()
                        if warm:
                            pool.give_back(warm, clean=False)
                        del running[sentinel]
                        record = failed_record(submission, settings, "the grading process ran past its time; "
                                                                     "please report it")
                        save_record(settings.results, record)
                        records.append(record)
                    bar.update()
    finally:
        for process, _, _, warm, _ in running.values():
            process.kill()
            process.join()
            if warm:
                warm.close()
        if pool:
            pool.close()
        bar.close()
    if side:
        side.join()
    return records


class Termination:
    """SIGINT and SIGTERM end a batch as KeyboardInterrupt, so its temporary folders and sandboxes are cleaned up;
    `held()` makes a signal wait to the end of a step the clean-up must see whole (a student's process started and
    noted: one started but not noted would outlive the batch and record a grade for a run that was stopped)."""
    holding = False
    pending = None

    @classmethod
    def interrupt(cls, signum, frame):
        if cls.holding:
            cls.pending = signum
        else:
            raise KeyboardInterrupt(f"signal {signum}")

    @classmethod
    @contextmanager
    def held(cls):
        if cls.holding or threading.current_thread() is not threading.main_thread():
            yield  # handlers run in the main thread only: a batch in another thread is ended by its caller
            return
        cls.holding = True
        try:
            yield
        finally:
            cls.holding, signum, cls.pending = False, cls.pending, None
            if signum is not None:
                raise KeyboardInterrupt(f"signal {signum}")


@contextmanager
def removed_on_termination():
    """SIGINT and SIGTERM end the batch as `Termination` says."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.signal(number, Termination.interrupt) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def prepare(course, device: str, timeout: float, out: Path, temporary: Path, limits, confinement) -> tuple:
    """(Settings, the isolation warning or None): everything fixed once per batch."""

    try:
        points = max_scores(course.source)
    except CourseError as error:
        raise GraderError(str(error)) from None
    library = sandbox.build_library(temporary / "library")
    isolate, drop_uid = isolation_here()
    if drop_uid and not isolate:  # unprivileged uids must reach the library and their folders
        os.chmod(temporary, 0o711)
    scratch = temporary / "scratch"
    scratch.mkdir(mode=0o711)
    tests = test_sources(course.source, course.release)
    settings = Settings(
        results=out.resolve(), library=library, scratch=scratch, device=device, timeout=float(timeout),
        isolate=isolate, drop_uid=drop_uid, max_scores=points, test_sources=tests,
        fingerprint=settings_fingerprint(points, float(timeout), device, limits, tests, scored_files(),
                                         f"bubblewrap={isolate}|own uids={drop_uid}|{confinement.mechanism}"),
        limits=limits, confinement=confinement)
    return settings, sandbox.isolation_warning()


def grade_pending(found: list, settings: Settings, force: bool, workers: int, progress: bool, meanwhile,
                  cluster: str | None = None) -> tuple:
    """(records of every student, how many were reused unchanged); on a Dask cluster when one is named."""
    records, pending = [], []
    for submission in found:
        done = None if force else load_record(settings.results, submission.student,
                                              submission_fingerprint(submission.notebooks, settings))
        (records.append(done) if done else pending.append(submission))
    reused = len(records)
    if pending and cluster:
        from .cluster import run_students as run_on_cluster

        records += run_on_cluster(cluster, pending, settings, progress, meanwhile)
    elif pending:
        records += run_students(pending, settings, min(workers, len(pending)), progress, meanwhile)
    elif meanwhile:
        meanwhile()
    return sorted(records, key=lambda r: r["student"]), reused


def write_outputs(out: Path, records: list, course, points: dict, reused: int, notes: list, warning,
                  isolation, record_gradebook: bool = True) -> Batch:
    from .feedback import write_class_page

    manual = manual_points(course.source)
    write_tables(out, records, manual)
    write_class_page(out, records)
    if record_gradebook:
        record_scores(course.gradebook, points, records)
    summary = summarise(records, reused, notes, manual) + f"\nStudent code ran in: {isolation}."
    return Batch(records, reused, notes, warning, summary, isolation)


def grade(submissions: Path, out: Path, *, workers: int | None = None, device: str = "auto",
          timeout: float = DEFAULT_TIMEOUT, force: bool = False, gradebook: Path | None = None,
          course_root: Path = ROOT, progress: bool = True, memory_mib: int = sandbox.SANDBOX_MEMORY // 2**20,
          processes: int = sandbox.Limits.processes, layout: str = "auto", cluster: str | None = None,
          record_gradebook: bool = True) -> Batch:
    """Grade every student in SUBMISSIONS into OUT; see the package docstring for the outputs.

    Args:
        memory_mib: memory of one student's sandbox, all its processes together (where cgroups allow); each
            process may map 2 GiB less, and at least 4 GiB, so a greedy one gets a MemoryError first.
        processes: processes one student's sandbox may run at once.
        layout: how SUBMISSIONS is laid out: auto (detected), canvas, moodle, blackboard, brightspace,
            nbgrader or folders.
        cluster: a Dask cluster to grade on: local:N (N local workers) or a scheduler's address (tcp://HOST:PORT).
        record_gradebook: record the scores in nbgrader's gradebook too (off: the results folder alone, as for
            Gradescope, which keeps its own gradebook; no nbgrader database is made or read).
    """
    if timeout <= 0:
        raise GraderError(f"--timeout must be positive, got {timeout}")
    if memory_mib < 256 or processes < 8:
        raise GraderError("--memory-mib must be at least 256 and --processes at least 8")
    workers = workers or os.cpu_count() or 1
    device = resolve_device(device, worker_context())
    course = load_course(course_root, gradebook)
    out = Path(out)
    limits = sandbox.Limits.of_memory(memory_mib * 2**20, processes=processes)
    with removed_on_termination(), tempfile.TemporaryDirectory(prefix="autograder-") as temporary:
        confinement = open_confinement(f"autograder-{os.getpid()}")
        try:
            folder, notes = open_submissions(submissions, out, Path(temporary))
            found, found_notes = find_submissions(folder, layout, scratch=Path(temporary) / "unzipped")
            settings, warning = prepare(course, device, timeout, out, Path(temporary), limits, confinement)
            out.mkdir(parents=True, exist_ok=True)
            make_gradebook = (lambda: create_gradebook(course.gradebook, settings.max_scores)) if record_gradebook \
                else None
            records, reused = grade_pending(found, settings, force, workers, progress, make_gradebook, cluster)
        finally:
            confinement.close()
    isolation = ("bubblewrap" if settings.isolate else "NO bubblewrap") + f"; limits: {confinement.mechanism}"
    return write_outputs(out, records, course, settings.max_scores, reused, notes + found_notes, warning, isolation,
                         record_gradebook)
