"""Grade a large class on a Dask distributed cluster: each student is one task.

    "local:N" -> a LocalCluster of N worker processes on this machine
    "tcp://HOST:PORT" -> the scheduler of a running cluster (SLURM, Kubernetes: docs/grading-at-scale.md)

A task carries the student's notebooks as bytes and returns the record and the feedback files as
plain data, so workers need no shared file system: each grades in its own sandbox, under a private
folder of its own, exactly as a local batch does. The record is saved here as each task finishes, so
an interrupted batch resumes without regrading anyone finished on any worker; a task whose worker
dies is run again by the scheduler on another worker. Only imported when a cluster is asked for.
"""
import dataclasses
import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from .outputs import save_record, write_atomically

TASK_RETRIES = 2  # on top of the scheduler's own reruns of tasks lost with their worker


def worker_settings(settings, home: Path):
    """The batch's settings with this worker's own library, scratch and results folders."""
    from . import sandbox
    from .batch import isolation_here
    from .confinement import open_confinement

    isolate, drop_uid = isolation_here()
    if (isolate, drop_uid) != (settings.isolate, settings.drop_uid):
        # the batch's fingerprint promises the batch's isolation: a weaker worker must not stamp its records
        raise RuntimeError(f"this worker cannot isolate student code as the batch does (bubblewrap {isolate}, "
                           f"own uids {drop_uid}; the batch: {settings.isolate}, {settings.drop_uid})")
    library = sandbox.build_library(home / "library")
    scratch = home / "scratch"
    scratch.mkdir(mode=0o755)
    return dataclasses.replace(settings, results=home / "results", library=library, scratch=scratch,
                               isolate=isolate, drop_uid=drop_uid,
                               confinement=open_confinement(f"autograder-worker-{home.name}"))


def grade_remotely(submission, files: dict, settings) -> tuple:
    """On a worker: (the student's record, {path under RESULTS: bytes} of what the grading wrote).

    The worker loads what the batch's fork server loads (autograder/grade/preload.py) once per process, so each
    student's judge child forks with the reference's results already computed (they depend on the case alone).
    """
    import autograder.grade.preload  # noqa: F401  (fills the caches when first imported in this process)

    from .student import grade_student

    home = Path(tempfile.mkdtemp(prefix="autograder-worker-"))
    try:
        os.chmod(home, 0o755)
        local = worker_settings(settings, home)
        folder = home / "submission"
        folder.mkdir()
        notebooks = {}
        for stem, content in files.items():
            notebooks[stem] = folder / f"{stem}.ipynb"
            notebooks[stem].write_bytes(content)
        try:
            record = grade_student(dataclasses.replace(submission, notebooks=notebooks), local)
        finally:
            local.confinement.close()
        written = {str(p.relative_to(local.results)): p.read_bytes()
                   for p in local.results.rglob("*") if p.is_file() and p.parent.name != "students"}
        return record, written
    finally:
        shutil.rmtree(home, ignore_errors=True)


def payload(submission) -> dict:
    """The student's notebooks as bytes, each read only up to the notebook size limit (a larger file is refused
    on the worker as too large, never read whole into this process)."""
    from .cells import NOTEBOOK_BYTES

    files = {}
    for stem, path in submission.notebooks.items():
        with open(path, "rb") as handle:
            files[stem] = handle.read(NOTEBOOK_BYTES + 1)
    return files


def client_for(address: str):
    """(a dask Client, the LocalCluster it owns or None)."""
    import dask
    from dask.distributed import Client, LocalCluster

    if address.startswith("local:"):
        try:
            workers = int(address.split(":", 1)[1])
        except ValueError:
            raise ValueError(f"cluster must be local:N or a scheduler address, got {address!r}") from None
        if workers < 1:
            raise ValueError(f"cluster local:N needs N >= 1, got {address!r}")
        dask.config.set({"distributed.worker.daemon": False})  # a worker's grading starts processes of its own
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
        return Client(cluster), cluster
    return Client(address), None


def run_students(address: str, pending: list, settings, progress: bool, meanwhile=None) -> list:
    """Grade `pending` on the cluster at `address`; saves each record and its feedback as it arrives."""
    from dask.distributed import as_completed
    from tqdm import tqdm

    from .batch import failed_record

    client, cluster = client_for(address)
    side = threading.Thread(target=meanwhile, daemon=True) if meanwhile else None
    if side:
        side.start()
    records = []
    try:
        futures = {}
        for submission in pending:
            files = payload(submission)
            future = client.submit(grade_remotely, submission, files, settings, key=f"grade-{submission.student}",
                                   retries=TASK_RETRIES, pure=False)
            futures[future] = submission
        bar = tqdm(total=len(pending), desc="grading", unit="student", file=sys.stderr, disable=not progress,
                   dynamic_ncols=True)
        for future in as_completed(futures):
            submission = futures[future]
            try:
                record, written = future.result()
                for relative, content in written.items():
                    write_atomically_bytes(settings.results / relative, content)
            except Exception as error:  # the task failed on every try: this student alone is reported
                why = f"could not be graded on the cluster: {type(error).__name__}"
                record = failed_record(submission, settings, why)
            save_record(settings.results, record)
            records.append(record)
            bar.update()
        bar.close()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
        if side:
            side.join()
    return records


def write_atomically_bytes(path: Path, content: bytes) -> None:
    try:
        write_atomically(path, content.decode("utf-8"))
    except UnicodeDecodeError:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
