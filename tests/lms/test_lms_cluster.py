"""A class graded on a Dask cluster: the same scores as the plain run, and nobody lost when a worker dies."""
import csv
import os
import signal
import threading
import time

import pytest
from lms_class import TIMEOUT, entries, right, write_zip, wrong

from autograder.grade.batch import grade

pytestmark = pytest.mark.slow


def test_a_local_cluster_of_two_workers_gives_byte_identical_scores(graded_layouts, tmp_path):
    plain = graded_layouts.results["folders"]
    files, _ = entries("folders")
    out = tmp_path / "results"
    batch = grade(write_zip(tmp_path / "class.zip", files), out, timeout=TIMEOUT, progress=False,
                  gradebook=out / "gradebook.db", cluster="local:2")
    assert (out / "scores.csv").read_bytes() == (plain / "scores.csv").read_bytes()
    assert (out / "grades.csv").read_bytes() == (plain / "grades.csv").read_bytes()
    names = sorted(p.name for p in (out / "feedback").iterdir())
    assert names == sorted(p.name for p in (plain / "feedback").iterdir())
    again = grade(write_zip(tmp_path / "class.zip", files), out, timeout=TIMEOUT, progress=False,
                  gradebook=out / "gradebook.db", cluster="local:2")
    assert again.reused == len(batch.records)  # finished on any worker: not regraded


def test_killing_a_worker_mid_batch_loses_no_student(tmp_path):
    import dask
    from dask.distributed import Client, LocalCluster

    students = {"s0": right(), "s1": wrong()}  # one each for the two workers
    archive = write_zip(tmp_path / "class.zip", {f"{s}/01_squeeze.ipynb": c for s, c in students.items()})
    out = tmp_path / "results"
    with dask.config.set({"distributed.worker.daemon": False}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        killed = []

        def kill_one_busy_worker():
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline and not killed:
                busy = [worker for worker, tasks in client.processing().items() if tasks]
                if busy:
                    pid = client.run(os.getpid, workers=busy[:1])[busy[0]]
                    time.sleep(0.5)  # the student's grading under way
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                time.sleep(0.2)

        killer = threading.Thread(target=kill_one_busy_worker)
        killer.start()
        grade(archive, out, timeout=TIMEOUT, progress=False, gradebook=out / "gradebook.db",
              cluster=cluster.scheduler_address)
        killer.join()
    assert killed
    with open(out / "scores.csv", newline="", encoding="utf-8") as handle:
        squeeze = {r["student_id"]: r["status"] for r in csv.DictReader(handle) if r["exercise"] == "squeeze"}
    assert squeeze == {s: ("passed" if i % 2 == 0 else "failed") for i, s in enumerate(students)}


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
