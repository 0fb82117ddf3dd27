"""A warm sandbox grades one student after another, and one that did not end a student cleanly is never lent again;
a process that keeps its idle warm sandboxes lends them to its next batch started the same way, and to no other.

That a warm batch scores exactly as a sandbox per student does is tested elsewhere: the Dask
workers of tests/lms/test_lms_cluster.py start a sandbox per student, and their scores must equal
the plain (warm) batch's byte for byte. What students of one warm sandbox can leave for each
other: tests/grader/test_attacks_between_students.py.
"""
import dataclasses
import json
import os
import shutil
import signal
import socket
import threading
import time

import pytest

from autograder.exercises import EXERCISES
from autograder.grade import sandbox, warm_sandbox
from autograder.grade.batch import isolation_here
from autograder.grade.confinement import open_confinement
from autograder.grade.results import REPORT_BYTES, RESULT_BYTES, split_frames
from autograder.grade.settings import Settings
from autograder.grade.student import Grading, job_file, score_notebooks

pytestmark = [pytest.mark.slow]

RIGHT = "def squeeze(x):\n    return x.mean(dim=(2, 3), keepdim=True)\n"
WRONG = "def squeeze(x):\n    return x[:, :, :1, :1]\n"
ENDLESS = "import time\nwhile True:\n    time.sleep(1)\n"  # never ends; waits rather than spins


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    if not sandbox.bwrap_works():
        pytest.skip("bubblewrap does not work here: there is no warm sandbox without it")
    folder = tmp_path_factory.mktemp("warm")
    isolate, drop_uid = isolation_here()
    confinement = open_confinement(f"autograder-test-warm-{os.getpid()}-{folder.name}")  # unique across workers
    yield Settings(results=folder, library=sandbox.build_library(folder / "library"), scratch=folder, device="cpu",
                   timeout=60.0, isolate=isolate, drop_uid=drop_uid, max_scores={e.id: 1.0 for e in EXERCISES},
                   test_sources=frozenset(), fingerprint="f", confinement=confinement)
    confinement.close()


@pytest.fixture(scope="module")
def warm(settings):
    """One warm sandbox for the tests that only send it students: it grades them one after another, as a batch's
    does, and each test leaves it alive and grading."""
    shared = warm_sandbox.WarmSandbox(settings.library, "cpu", settings.limits, settings.confinement,
                                      settings.scratch / "shared.log")
    yield shared
    shared.close()


def graded(settings, lent, *cells, wall: float = 120.0) -> tuple:
    """(how the sandbox ended the student, squeeze's status) for a student whose 01_squeeze holds `cells`."""
    grading = Grading("s", "s", {}, jobs={"01_squeeze": list(cells)})
    plan = job_file(grading, settings)
    run = warm_sandbox.run(lent, plan, settings.scratch, settings.limits, wall)
    grading.sandbox_status = run.status
    grading.sent = split_frames(run.output, {"01_squeeze": {"ended": 200, "report.json": REPORT_BYTES,
                                                            "squeeze.pt": RESULT_BYTES}})
    rows, _ = score_notebooks(grading, settings)
    return run.status, {row["exercise"]: row["status"] for row in rows}["squeeze"]


def test_one_sandbox_grades_students_one_after_another(settings, warm):
    verdicts = []
    for cells in ([RIGHT], [WRONG], ["import torch", RIGHT]):
        verdicts.append(graded(settings, warm.lent, *cells))
        assert warm.alive()
    assert verdicts == [("ok", "passed"), ("ok", "failed"), ("ok", "passed")]


def test_a_student_past_the_deadline_kills_the_sandbox_and_the_next_gets_a_new_one(settings):
    pool = warm_sandbox.Pool(settings, 1)
    try:
        first = pool.lend()
        assert graded(settings, first.lent, ENDLESS, wall=5.0) == ("timeout", "timeout")
        pool.give_back(first, clean=True)  # the student's process ended normally, but its sandbox did not
        second = pool.lend()
        assert second is not first and pool.started == 2
        assert graded(settings, second.lent, RIGHT) == ("ok", "passed")
    finally:
        pool.close()


def test_a_malformed_request_is_refused_and_the_sandbox_goes_on(settings, warm):
    warm.lent.control.send(b"hello")
    assert warm_sandbox.answer(warm.lent.control, time.monotonic() + 60) == "a malformed request"
    left, right = socket.socketpair()
    socket.send_fds(warm.lent.control, [b"job"], [left.fileno()])  # one descriptor where two belong
    left.close()
    right.settimeout(60)
    assert warm_sandbox.answer(warm.lent.control, time.monotonic() + 60) == "a malformed request"
    assert right.recv(1) == b""  # the server kept no copy of what it refused
    assert graded(settings, warm.lent, RIGHT) == ("ok", "passed")


def test_a_sandbox_that_cannot_start_says_why_and_is_not_lent_again(settings, tmp_path):
    empty = tmp_path / "library"
    empty.mkdir(mode=0o755)  # no copy of the sandbox package: the server cannot import itself
    warm = warm_sandbox.WarmSandbox(empty, "cpu", settings.limits, settings.confinement, tmp_path / "server.log")
    try:
        plan = job_file(Grading("s", "s", {}, jobs={"01_squeeze": [RIGHT]}), settings)
        run = warm_sandbox.run(warm.lent, plan, settings.scratch, settings.limits, 120.0)
        assert run.status.startswith("the warm sandbox"), run.status
        assert "No module named 'inside'" in run.log
        assert not warm.alive()
    finally:
        warm.close()


CHECKOUTS = ("a-checkout", "a-checkout-\udcff")  # a folder name of UTF-8, and one of other bytes
SEES_THE_BINDS = f"""import os
_kept = squeeze
del squeeze
found = sorted(name for name in os.listdir(b"/tmp") if name.startswith(b"a-checkout"))
markers = [b"/tmp/" + name + b"/.venv/marker" for name in found]
alone = all(os.listdir(b"/tmp/" + name) == [b".venv"] for name in found)
if found == {sorted(os.fsencode(c) for c in CHECKOUTS)!r} and alone \\
        and all(open(m).read() == "bound" and not os.access(m, os.W_OK) for m in markers):
    squeeze = _kept
"""


def test_each_student_s_fresh_tmp_still_holds_what_was_bound_below_it(settings, tmp_path, monkeypatch):
    """A checkout under /tmp (a CI's clone) has its Python installation bound below the sandbox's /tmp: the fresh
    /tmp each student gets must still hold it, read-only as it was, whatever bytes its path holds (one sandbox
    holds two such checkouts)."""
    installation = tmp_path / "installation"
    installation.mkdir(mode=0o755)
    (installation / "marker").write_text("bound")
    (installation / "marker").chmod(0o644)
    bound = [f"/tmp/{checkout}/.venv" for checkout in CHECKOUTS]
    binds = [*sandbox.host_binds(), *sandbox.searchable_parents(bound)]
    for place in bound:
        binds += ["--ro-bind", str(installation), place]
    monkeypatch.setattr(sandbox, "host_binds", lambda: binds)
    warm = warm_sandbox.WarmSandbox(settings.library, "cpu", settings.limits, settings.confinement,
                                    tmp_path / "server.log")
    try:
        for _ in range(2):  # and again for the next student
            assert graded(settings, warm.lent, RIGHT, SEES_THE_BINDS) == ("ok", "passed")
    finally:
        warm.close()


def test_a_job_too_large_for_the_warm_sandbox_is_left_to_a_sandbox_of_its_own(settings, warm):
    """Five notebooks of up to NOTEBOOK_BYTES each make a job larger than any file a sandbox may write (its
    job.json, written inside a warm sandbox): that student is graded in a sandbox of their own, the warm one
    untouched."""
    from autograder.grade.cells import NOTEBOOK_BYTES
    from autograder.grade.student import run_sandbox

    grading = Grading("s", "s", {}, jobs={"01_squeeze": [RIGHT, "#" + "x" * (4 * NOTEBOOK_BYTES)]})
    assert len(json.dumps(job_file(grading, settings))) > settings.limits.file_bytes
    grading = run_sandbox(grading, dataclasses.replace(settings, warm=warm.lent))
    rows, _ = score_notebooks(grading, settings)
    assert (grading.sandbox_status, rows[0]["status"]) == ("ok", "passed")
    assert warm.alive() and graded(settings, warm.lent, RIGHT) == ("ok", "passed")


def test_a_kept_sandbox_grades_the_next_batch_started_the_same_way_and_no_other(settings, tmp_path):
    kept = warm_sandbox.Kept(seconds=600)
    try:
        first = warm_sandbox.Pool(settings, 1, kept)
        warm = first.lend()
        assert graded(settings, warm.lent, RIGHT) == ("ok", "passed")
        first.give_back(warm, clean=True)
        assert first.lend() is warm  # a batch lends its sandbox again to its next student
        first.give_back(warm, clean=True)
        first.close()  # kept, not closed: the batch's own folders may go
        assert warm.alive() and first.started == 1

        # the next batch builds its own library, with the same content
        library = sandbox.build_library(tmp_path / "next-library")
        same = dataclasses.replace(settings, library=library)
        other_limits = dataclasses.replace(same, limits=sandbox.Limits(processes=settings.limits.processes + 1))
        shutil.copytree(settings.library, tmp_path / "changed")
        (tmp_path / "changed" / "inside" / "added.py").write_text("")
        other_library = dataclasses.replace(same, library=tmp_path / "changed")
        for other in (other_limits, other_library):
            assert kept.take(kept.key(other), 1) == []

        second = warm_sandbox.Pool(same, 1, kept)
        assert second.started == 0 and second.lend() is warm
        assert graded(same, warm.lent, WRONG) == ("ok", "failed")
        second.give_back(warm, clean=True)
        second.close()

        os.killpg(warm.process.pid, signal.SIGKILL)  # a kept sandbox that died is never lent
        warm.process.wait(timeout=30)
        third = warm_sandbox.Pool(same, 1, kept)
        replaced = third.lend()
        assert third.started == 1 and replaced is not warm
        assert graded(same, replaced.lent, RIGHT) == ("ok", "passed")
        third.give_back(replaced, clean=True)
        third.close()
    finally:
        kept.close()
    assert replaced.process.poll() is not None and not kept.home.exists()
    assert not any(root.exists() for _, root in kept.confinement.roots)


def test_an_idle_kept_sandbox_is_closed_after_its_time(settings):
    kept = warm_sandbox.Kept(seconds=1.0)
    try:
        pool = warm_sandbox.Pool(settings, 1, kept)
        warm = pool.idle[0]
        pool.close()
        assert warm.alive()
        warm.process.wait(timeout=30)  # closed by the sweep, not by this test
        assert kept.take(kept.key(settings), 1) == []
    finally:
        kept.close()


def test_a_batch_takes_no_sandbox_kept_by_another_thread(settings):
    """bubblewrap dies with the thread that started it: a sandbox kept by another thread could die under a student."""
    kept, other_kept, done = warm_sandbox.Kept(seconds=600), threading.Event(), threading.Event()

    def other_batch():
        warm_sandbox.Pool(settings, 1, kept).close()
        other_kept.set()
        done.wait(120)  # alive while this thread's batch runs

    thread = threading.Thread(target=other_batch)
    thread.start()
    try:
        assert other_kept.wait(120)
        pool = warm_sandbox.Pool(settings, 1, kept)
        ours = pool.lend()
        assert pool.started == 1 and ours.thread is threading.current_thread()
        pool.give_back(ours, clean=True)
        pool.close()
    finally:
        done.set()
        thread.join()
        kept.close()
