"""Attacks on the grader run WITHOUT root, where every process of a sandbox shares the grader's uid.

The real command (``python -m autograder grade``, real bubblewrap) runs inside a user namespace
as uid 1000, as an instructor without root would run it: the sandbox then gets a user namespace
of its own and its notebooks cannot drop to uids of their own. One batch on one worker holds a
control student, each attack, and a second control graded after them in the same warm sandbox.
"""
import csv

import pytest

from grader_class import WRONG_SQUEEZE, grade_without_root, solved, with_cells, write_class

pytestmark = [pytest.mark.needs_course, pytest.mark.slow]

TIMEOUT = 20  # seconds per cell

# A wrong squeeze, then frames written straight into the host's end of the output pipe, which
# bubblewrap's own init (pid 1 of the sandbox, dumpable, the students' uid) held open as its fd 1:
# results of a correct squeeze, framed as the harness frames them, sent before the harness's own.
FORGED_FRAMES = r'''
import io, json, os, torch
from inside.cases import Case
from inside.probe import probe

def tupled(v):
    return tuple(tupled(i) for i in v) if isinstance(v, list) else v

job = json.load(open("/sandbox/job/job.json"))
plan = [Case(**{k: tupled(v) for k, v in c.items()}) for c in job["cases"]["squeeze"]]
buffer = io.BytesIO()
torch.save({"defined": True, "cells": [], "cases": [
    {"ok": True, "results": probe(lambda x: x.mean(dim=(2, 3), keepdim=True), c)} for c in plan]}, buffer)

def frame(name, data):
    header = json.dumps({"notebook": "01_squeeze", "file": name, "size": len(data)}).encode()
    return len(header).to_bytes(4, "big") + header + data

stream = frame("ended", b"ok") + frame("report.json", b'{"cells": [], "exercises": {"squeeze": "ok"}}') \
    + frame("squeeze.pt", buffer.getvalue())
for pid in {"1", str(os.getppid())}:
    for fd in ("1", "2"):
        try:
            channel = os.open(f"/proc/{pid}/fd/{fd}", os.O_WRONLY)
            os.write(channel, stream)
            os.close(channel)
        except OSError:
            pass
'''

# A right squeeze, then SIGINT to pid 1 (the harness): the students' uid may signal it without root.
INTERRUPT = "import os, signal\nos.kill(1, signal.SIGINT)\n"

STUDENTS = {
    "control": {"01_squeeze.ipynb": solved()},
    "forged_frames": {"01_squeeze.ipynb": with_cells(solved(), WRONG_SQUEEZE, FORGED_FRAMES)},
    "interrupts_the_harness": {"01_squeeze.ipynb": with_cells(solved(), INTERRUPT)},
    "z_control_after": {"01_squeeze.ipynb": solved()},  # graded last (in the order of the ids)
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("nonroot")
    out = base / "results"
    run = grade_without_root(write_class(base / "submitted", STUDENTS), out, TIMEOUT)
    with open(out / "scores.csv", newline="", encoding="utf-8") as handle:
        rows = {(row["student_id"], row["exercise"]): row for row in csv.DictReader(handle)}
    return rows, run.stdout


def test_the_grader_ran_without_root_in_bubblewrap(graded):
    _, summary = graded
    assert "Student code ran in: bubblewrap" in summary


def test_the_control_students_keep_full_marks(graded):
    rows, _ = graded
    assert rows[("control", "squeeze")]["status"] == "passed"
    assert rows[("z_control_after", "squeeze")]["status"] == "passed"


def test_frames_written_into_the_host_pipe_are_not_taken(graded):
    rows, _ = graded
    row = rows[("forged_frames", "squeeze")]
    assert row["status"] == "failed" and float(row["score"]) == 0.0, row["message"]


def test_a_notebook_cannot_interrupt_the_harness(graded):
    rows, _ = graded
    row = rows[("interrupts_the_harness", "squeeze")]
    assert row["status"] == "passed", row["message"]
