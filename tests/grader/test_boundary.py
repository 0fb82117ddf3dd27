"""The boundary between student code and the scorer, attacked by students who have read the grader's source.

One batch holds every attack and an honest student. Each attack must gain nothing, cost
nothing but its own record, and leave no trace outside the grader's results.
"""
import json
import re

import pytest

from autograder.inside.cases import cases
from grader_class import ROOT, WRONG_SQUEEZE, grade_class, grades, solved, with_cells, write_class

pytestmark = [pytest.mark.needs_course, pytest.mark.slow]

TIMEOUT = 20  # seconds per cell: the attacks below must have time to succeed where the sandbox lets them
RIGHT_SQUEEZE = "def squeeze(x):\n    return x.mean(dim=(2, 3), keepdim=True)\n"
SOLUTIONS = ROOT / "solutions" / "attention" / "01_squeeze.ipynb"

# A later notebook defines a correct squeeze and writes the probe's results for exercise 01
# wherever an earlier notebook's results could be.
FORGE_EARLIER = RIGHT_SQUEEZE + """
import os, torch
from inside.cases import cases
from inside.probe import probe
entries = {"defined": True, "cells": [],
           "cases": [{"ok": True, "results": probe(squeeze, c)} for c in cases("squeeze") if c.device != "cuda"]}
import glob
guesses = [f"/sandbox/out/{i}-{stem}" for i in range(5) for stem in ("01_squeeze", "02_excitation")]
for folder in ["/sandbox/out", os.getcwd()] + glob.glob("/sandbox/out/*") + guesses:
    try:
        os.makedirs(folder, exist_ok=True)
        torch.save(entries, folder + "/squeeze.pt")
    except OSError:
        pass
"""

# The notebook's own report becomes a link to the instructor's solutions (read by the host in the past).
LINKED_REPORT = f"""
import builtins, os
TARGET = {str(SOLUTIONS)!r}
_open, _replace = builtins.open, os.replace
def linked(path, mode="r", *args, **kwargs):
    name = str(path)
    if "w" in mode and (name.endswith(".json") or name.endswith(".json.part")):
        final = name[:-len(".part")] if name.endswith(".part") else name
        try:
            os.unlink(final)
        except OSError:
            pass
        os.symlink(TARGET, final)
        return _open(os.devnull, mode)
    return _open(path, mode, *args, **kwargs)
builtins.open = linked
os.replace = lambda src, dst: None if str(dst).endswith(".json") else _replace(src, dst)
"""


def hostile_save(build: str) -> str:
    """A cell that makes the notebook save `build` (an expression) instead of its probe results.

    It patches torch's private writer: the harness puts `torch.save` itself back before probing,
    and these attacks are here to test the trusted side's reading of whatever bytes arrive."""
    return ("import torch\nimport torch.serialization as _ser\n_save = _ser._save\n"
            "def forged(obj, *args, **kwargs):\n"
            f"    return _save({build}, *args, **kwargs)\n"
            "_ser._save = forged\n")


def entries(output: str) -> str:
    return f'{{"defined": True, "cells": [], "cases": [{{"ok": True, "results": {{"output": {output}}}}}] * 5}}'


# Every result a shared reference: a walk that visits each value goes on for 10**9 steps.
SHARED = hostile_save(entries("[[[0.0] * 1000] * 1000] * 1000"))
# 2**33 elements over one float of storage: converting it first costs 64 GiB.
STRIDE0 = hostile_save(entries("torch.zeros(1).expand(2**33)"))
# A cell note whose text is 10 GB.
HUGE_LIST = hostile_save('{"defined": False, "cases": [], "cells": [["x" * 10**4] * 10**6]}')

# Output to every folder it can reach: thousands of small files, then 300 MiB. A correct squeeze if the disk took it.
MANY_FILES = """
import glob, os
written = 0
for folder in ["/sandbox/out", os.getcwd()] + glob.glob("/sandbox/out/*"):
    try:
        for i in range(2000):
            with open(f"{folder}/f{i}", "w") as f:
                f.write("x")
        block = b"x" * 2**20
        for i in range(300):
            with open(f"{folder}/big{i}", "wb") as f:
                f.write(block)
            written = max(written, i + 1)
    except OSError:
        pass
if written >= 300:
""" + "    " + RIGHT_SQUEEZE.replace("\n    ", "\n        ")

# Eight processes holding 200 MiB each at once (1.6 GiB over the sandbox): a correct squeeze if they all did.
# The wait ends once a child has gone without writing (killed or refused its memory): eight cannot be reached.
# Eight that wrote are not enough: the OOM killer may kill a child after it wrote, whose memory a later one then
# takes, so all eight must still be alive once the last has written.
MEMORY_SPREAD = """
import os, time
r, w = os.pipe()
kids = {}
for i in range(8):
    pid = os.fork()
    if pid == 0:
        try:
            hog = b"x" * (200 * 2**20)
            os.write(w, bytes([i]))
            time.sleep(20)
        finally:
            os._exit(0)
    kids[pid] = i
os.close(w)
os.set_blocking(r, False)
wrote, gone, end = set(), set(), time.monotonic() + 15
while time.monotonic() < end and len(wrote) < 8 and not gone - wrote:
    try:
        pid = os.waitpid(-1, os.WNOHANG)[0]
    except ChildProcessError:
        pid = 0
    if pid in kids:
        gone.add(kids[pid])
    try:
        wrote.update(os.read(r, 8))  # after the reaping: a child's byte is read before its exit counts
    except BlockingIOError:
        time.sleep(0.05)
def alive(pid):
    try:
        return os.waitpid(pid, os.WNOHANG)[0] == 0
    except ChildProcessError:
        return False
held = len(wrote) >= 8 and all(alive(pid) for pid in kids)
for pid in kids:
    try:
        os.kill(pid, 9)
    except OSError:
        pass
if held:
""" + "    " + RIGHT_SQUEEZE.replace("\n    ", "\n        ")

# 48 MiB into /dev/shm: a correct squeeze if it fitted.
SHARED_MEMORY = """
import os
written = 0
try:
    for i in range(6):
        with open(f"/dev/shm/block{i}", "wb") as f:
            f.write(b"x" * (8 * 2**20))
        written += 1
except OSError:
    pass
if written == 6:
""" + "    " + RIGHT_SQUEEZE.replace("\n    ", "\n        ")


STUDENTS = {
    "honest": {"01_squeeze.ipynb": solved(), "02_excitation.ipynb": with_cells(solved("02_excitation"), RIGHT_SQUEEZE)},
    "later_overwrites_earlier": {"01_squeeze.ipynb": with_cells(solved(), WRONG_SQUEEZE),
                                 "02_excitation.ipynb": with_cells(solved("02_excitation"), FORGE_EARLIER)},
    "linked_report": {"01_squeeze.ipynb": with_cells(solved(), LINKED_REPORT)},
    "shared_references": {"01_squeeze.ipynb": with_cells(solved(), SHARED)},
    "stride0": {"01_squeeze.ipynb": with_cells(solved(), STRIDE0)},
    "huge_list": {"01_squeeze.ipynb": with_cells(solved(), HUGE_LIST)},
    "many_files": {"01_squeeze.ipynb": with_cells(solved(), WRONG_SQUEEZE, MANY_FILES)},
    "memory_spread": {"01_squeeze.ipynb": with_cells(solved(), WRONG_SQUEEZE, MEMORY_SPREAD)},
    "shared_memory": {"01_squeeze.ipynb": with_cells(solved(), WRONG_SQUEEZE, SHARED_MEMORY)},
}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("boundary")
    submissions, out = base / "submissions", base / "results"
    write_class(submissions, STUDENTS)
    rows = grade_class(submissions, out, timeout=TIMEOUT, memory_mib=1024)
    return rows, out


def record(out, student):
    return (out / "students" / f"{student}.json").read_text("utf-8")


def test_every_student_is_in_the_grades_and_the_honest_one_keeps_full_marks(graded):
    rows, out = graded
    assert sorted(grades(out)) == sorted(STUDENTS)
    assert rows["honest"]["squeeze"]["status"] == "passed"
    assert rows["honest"]["excitation"]["status"] == "passed"


def test_a_later_notebook_cannot_write_an_earlier_exercise_results(graded):
    rows, _ = graded
    assert rows["later_overwrites_earlier"]["squeeze"]["status"] == "failed"
    assert float(rows["later_overwrites_earlier"]["squeeze"]["score"]) == 0.0
    assert rows["later_overwrites_earlier"]["excitation"]["status"] == "passed"


def test_a_linked_report_brings_nothing_of_its_target_back(graded):
    _, out = graded
    pages = (out / "feedback" / "linked_report").rglob("*")
    texts = [record(out, "linked_report")] + [p.read_text("utf-8") for p in pages if p.is_file()]
    for text in texts:
        assert "cell_type" not in text and "BEGIN SOLUTION" not in text and "nbgrader" not in text


@pytest.mark.parametrize("student, why", [("shared_references", "more than|deeper"), ("stride0", "shape|elements"),
                                           ("huge_list", "more than")])
def test_hostile_results_cost_only_their_own_record(graded, student, why):
    rows, _ = graded
    row = rows[student]["squeeze"]
    assert row["status"] == "error" and float(row["score"]) == 0.0
    assert re.search(why, row["message"]) and len(row["message"]) < 2000


def test_output_is_bounded_in_total_and_never_reaches_the_results(graded):
    rows, out = graded
    row = rows["many_files"]["squeeze"]
    assert row["status"] != "passed" and float(row["score"]) == 0.0  # the 300 MiB never fitted
    assert not [p for p in out.rglob("*") if re.fullmatch(r"(f|big)[0-9]+", p.name)]


def test_memory_is_limited_over_the_whole_sandbox(graded):
    rows, _ = graded
    if "cgroup" not in rows["batch"].isolation:
        pytest.skip(f"no cgroup here ({rows['batch'].isolation})")
    assert rows["memory_spread"]["squeeze"]["status"] == "failed"
    assert "cgroup" in rows["batch"].summary


def test_dev_shm_is_private_and_small(graded):
    rows, _ = graded
    assert rows["shared_memory"]["squeeze"]["status"] == "failed"


def test_each_check_is_listed_in_the_record(graded):
    _, out = graded
    honest = json.loads(record(out, "honest"))
    assert honest["display_name"] == "honest"
    squeeze = next(r for r in honest["results"] if r["exercise"] == "squeeze")
    probed = [c for c in cases("squeeze") if c.device != "cuda"]  # a CPU batch
    assert len(squeeze["checks"]) == len(probed) and all(c["passed"] for c in squeeze["checks"])
    assert all(isinstance(c["case"], str) and isinstance(c["message"], str) for c in squeeze["checks"])
    wrong = json.loads(record(out, "later_overwrites_earlier"))
    squeeze = next(r for r in wrong["results"] if r["exercise"] == "squeeze")
    assert any(not c["passed"] for c in squeeze["checks"])
