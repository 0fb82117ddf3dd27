"""A class graded on a Dask cluster: the same scores as the plain run, and nobody lost when a worker dies.

One batch serves both: the plain run's class graded on the cluster that ``cluster="local:2"`` makes
(``client_for``), reached through its scheduler's address as a remote cluster is, while one busy worker is
killed. Its scores must still match the plain run's byte for byte, which asks more of a killed-worker batch than
each student's status, and more of the local cluster than a calm run.
"""
import csv
import os
import signal
import threading
import time
from typing import NamedTuple

import pytest
from lms_class import TIMEOUT, entries, write_zip

from autograder.grade.batch import Batch, grade

pytestmark = pytest.mark.slow


class ClusterRun(NamedTuple):
    batch: Batch
    out: object  # the results folder
    archive: object  # the class's zip
    workers: int  # how many workers the local:2 cluster started with
    killed: list  # pids of the workers killed mid-batch


def kill_one_busy_worker(client, killed: list) -> None:
    """SIGKILL a worker half a second into grading its student."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not killed:
        busy = [worker for worker, tasks in client.processing().items() if tasks]
        if busy:
            pid = client.run(os.getpid, workers=busy[:1])[busy[0]]
            time.sleep(0.5)  # the student's grading under way
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
        time.sleep(0.2)


@pytest.fixture(scope="module")
def cluster_run(tmp_path_factory):
    """The plain run's class graded on a local:2 cluster, one worker killed mid-batch."""
    from autograder.grade.cluster import client_for

    base = tmp_path_factory.mktemp("cluster")
    archive = write_zip(base / "class.zip", entries("folders")[0])
    out = base / "results"
    killed = []
    client, cluster = client_for("local:2")
    try:
        workers = len(cluster.workers)
        killer = threading.Thread(target=kill_one_busy_worker, args=(client, killed))
        killer.start()
        batch = grade(archive, out, timeout=TIMEOUT, progress=False, gradebook=out / "gradebook.db",
                      cluster=cluster.scheduler_address)
        killer.join()
    finally:
        client.close()
        cluster.close()
    return ClusterRun(batch, out, archive, workers, killed)


def test_a_local_cluster_of_two_workers_gives_byte_identical_scores(graded_layouts, cluster_run):
    plain, out = graded_layouts.results["folders"], cluster_run.out
    assert (out / "scores.csv").read_bytes() == (plain / "scores.csv").read_bytes()
    assert (out / "grades.csv").read_bytes() == (plain / "grades.csv").read_bytes()
    names = sorted(p.name for p in (out / "feedback").iterdir())
    assert names == sorted(p.name for p in (plain / "feedback").iterdir())
    assert cluster_run.workers == 2
    again = grade(cluster_run.archive, out, timeout=TIMEOUT, progress=False, gradebook=out / "gradebook.db",
                  cluster="local:2")
    assert again.reused == len(cluster_run.batch.records)  # finished on any worker: not regraded


def test_killing_a_worker_mid_batch_loses_no_student(cluster_run):
    assert cluster_run.killed
    with open(cluster_run.out / "scores.csv", newline="", encoding="utf-8") as handle:
        squeeze = {r["student_id"]: r["status"] for r in csv.DictReader(handle) if r["exercise"] == "squeeze"}
    assert squeeze == {student: status for student, (_, status) in entries("folders")[1].items()}
    assert {record["student"] for record in cluster_run.batch.records} == set(squeeze)


def test_without_a_cluster_dask_is_not_imported(graded_layouts):
    assert all((folder / "grades.csv").exists() for folder in graded_layouts.results.values())
    assert graded_layouts.dask_modules == []  # the interpreter that graded every layout's class


@pytest.mark.parametrize("batch_isolates", [True, False])
def test_a_worker_that_cannot_isolate_as_the_batch_does_refuses_to_grade(tmp_path, monkeypatch, batch_isolates):
    """The batch's fingerprint promises its isolation; a worker without bubblewrap must not stamp records with it."""
    import dataclasses

    from autograder.grade import cluster, sandbox
    from autograder.grade.settings import Settings

    settings = Settings(results=tmp_path, library=tmp_path, scratch=tmp_path, device="cpu", timeout=1.0,
                        isolate=batch_isolates, drop_uid=batch_isolates, max_scores={}, test_sources=frozenset(),
                        fingerprint="f")
    monkeypatch.setattr(sandbox, "bwrap_works", lambda: not batch_isolates)
    monkeypatch.setattr(sandbox, "build_library", lambda folder: folder)
    monkeypatch.setattr(os, "getuid", lambda: 0)
    with pytest.raises(RuntimeError, match="cannot isolate student code as the batch does"):
        cluster.worker_settings(dataclasses.replace(settings), tmp_path)


def test_a_worker_fills_the_judges_caches_before_its_first_student(tmp_path, monkeypatch):
    """As the batch's fork server does, so a worker's students after its first skip that work in their judge."""
    import sys

    import torch

    from autograder.checks import judge
    from autograder.grade import cluster, student
    from autograder.grade.batch import isolation_here
    from autograder.grade.settings import Settings
    from autograder.grade.submissions import Submission

    isolate, drop_uid = isolation_here()
    settings = Settings(results=tmp_path, library=tmp_path, scratch=tmp_path, device="cpu", timeout=1.0,
                        isolate=isolate, drop_uid=drop_uid, max_scores={}, test_sources=frozenset(), fingerprint="f")
    for module in ("autograder.checks.warm", "autograder.grade.preload"):  # a fresh worker's
        monkeypatch.delitem(sys.modules, module, raising=False)
    monkeypatch.setattr(judge, "_CACHE", {})
    cached = []

    def grade_student(submission, local):
        cached.append(len(judge._CACHE))
        return {"student": submission.student}

    monkeypatch.setattr(student, "grade_student", grade_student)
    threads = torch.get_num_threads()
    try:
        record, _ = cluster.grade_remotely(Submission("s0", "s0", {}), {"01_squeeze": b"{}"}, settings)
    finally:
        torch.set_num_threads(threads)
    assert record == {"student": "s0"} and cached[0] > 0
