"""What one graded student costs: processor seconds of a batch of 1 and of N students, and of the sandbox's start-up.

Grades a synthetic class (every other student with the typical mistakes) with
``python -m autograder grade`` twice, 1 student and N students, and prints wall and processor
seconds (counted in a cgroup of its own: every process the batch ran) of each. A batch's fixed cost and the
cost of one more student follow from the two:

    per student = (cpu(N) - cpu(1)) / (N - 1)        per batch = cpu(1) - per student

A process that grades batch after batch may keep its warm sandboxes between them
(``warm_sandbox.keep_between_batches``): the next batch's cost, with and without, comes from one process grading a
one-student class once and twice:

    next batch = cpu(twice) - cpu(once)

Then it times the harness's start-up phases in the sandbox's environment (outside bubblewrap,
each in a fresh interpreter): ``import torch``, the meta-kernel warm-up, the notebooks' imports.
Processor seconds are less sensitive than wall seconds to a shared machine's load; the load
average is printed with each run.

    python benchmarks/sandbox_cost.py [--students 6] [--workers 2]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from autograder.demo import typical_class
from autograder.grade.course import ROOT
from autograder.grade.sandbox import bwrap_works, environment
from autograder.tools import with_scripts_on_path

CPUACCT = Path("/sys/fs/cgroup/cpuacct")  # cgroup v1; v2 counts in cpu.stat of every cgroup


def accounting_cgroup() -> tuple:
    """(a fresh cgroup that counts the processor time of every process in it, the file to read it from, the
    unit in seconds), or (None, None, None) where none can be made here (run as root, or with cgroup rights)."""
    name = f"sandbox-cost-{uuid.uuid4().hex[:8]}"
    for folder, counter, unit in ((CPUACCT / name, "cpuacct.usage", 1e-9),
                                  (Path("/sys/fs/cgroup") / name, "cpu.stat", 1e-6)):
        try:
            folder.mkdir()
        except OSError:
            continue
        if (folder / counter).exists():
            return folder, folder / counter, unit
        folder.rmdir()
    return None, None, None


def measured(command: list, env: dict, cwd: Path = ROOT) -> tuple:
    """(wall seconds, processor seconds of every process `command` ran, the grading workers and sandboxes included:
    they descend from a fork server, not from `command`, so only a cgroup sees them all)."""
    folder, counter, unit = accounting_cgroup()
    if folder is None:
        raise SystemExit("cannot create a cgroup to count processor time in: run as root")
    try:
        start = time.monotonic()
        done = subprocess.run(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              preexec_fn=lambda: (folder / "cgroup.procs").write_text("0"))
        wall = time.monotonic() - start
        text = counter.read_text()
        cpu = float(text.split()[0] if counter.name == "cpuacct.usage" else text.split()[1]) * unit
    finally:
        for pid in (folder / "cgroup.procs").read_text().split():
            os.kill(int(pid), 9)
        for _ in range(100):
            try:
                folder.rmdir()
                break
            except OSError:
                time.sleep(0.05)
    if done.returncode != 0:
        raise SystemExit(f"{command[:4]} failed:\n{done.stderr[-2000:]}")
    return wall, cpu


# The harness's start-up, phase by phase: each phase's code runs after the earlier phases' code.
PHASES = [
    ("python -I (bare interpreter)", "pass"),
    ("import torch", "import torch; torch.set_num_threads(1)"),
    ("meta-kernel warm-up", "(torch.zeros(2, 2, device='meta', requires_grad=True) * 1).sum()"),
    ("notebook imports (numpy, pyplot, F)", "import numpy, matplotlib.pyplot, torch.nn.functional"),
]


def batch(base: Path, students: int, workers: int) -> tuple:
    typical_class(base / f"class{students}", students)
    results = base / f"results{students}"
    return measured([sys.executable, "-m", "autograder", "grade", str(base / f"class{students}"), "--out",
                     str(results), "--workers", str(workers), "--no-progress", "--gradebook",
                     str(results / "gradebook.db")], with_scripts_on_path())


# Grades the class in argv[2] into each results folder after it, one batch each, in this one process; keeps the
# warm sandboxes between the batches when argv[1] is "keep".
BATCHES = """
import sys
from pathlib import Path
from autograder.grade import warm_sandbox
from autograder.grade.batch import grade

if sys.argv[1] == "keep":
    warm_sandbox.keep_between_batches()
for out in sys.argv[3:]:
    grade(Path(sys.argv[2]), Path(out), workers=1, progress=False, gradebook=Path(out) / "gradebook.db")
"""


def batches_in_one_process(base: Path, count: int, keep: bool) -> float:
    """Processor seconds of one process grading the one-student class in base/one `count` times, keeping sandboxes
    or not."""
    outs = [str(base / f"out-{keep}-{count}-{i}") for i in range(count)]
    return measured([sys.executable, "-c", BATCHES, "keep" if keep else "no", str(base / "one"), *outs],
                    with_scripts_on_path())[1]


def phases(repeats: int) -> list:
    """[(phase, processor seconds it adds to the earlier phases)], the least of `repeats` runs each."""
    with tempfile.TemporaryDirectory() as scratch:
        env = environment("cpu", scratch)
        rows, before, code = [], 0.0, []
        for name, line in PHASES:
            code.append(line)
            cpu = min(measured([sys.executable, "-I", "-c", "; ".join(code)], env, Path(scratch))[1]
                      for _ in range(repeats))
            rows.append((name, cpu - before))
            before = cpu
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each start-up phase (the least counts)")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; sandbox: {'bubblewrap' if bwrap_works() else 'NO bubblewrap'}; "
          f"workers: {args.workers}; load {os.getloadavg()[0]:.1f}")
    for name, cpu in phases(args.repeats):
        print(f"  start-up phase {name:38s} {cpu:6.2f} processor-s")
    with tempfile.TemporaryDirectory(prefix="sandbox-cost-") as tmp:
        one = batch(Path(tmp), 1, args.workers)
        print(f"batch of 1 student : {one[0]:6.1f} s wall {one[1]:6.1f} processor-s  load {os.getloadavg()[0]:.1f}")
        many = batch(Path(tmp), args.students, args.workers)
        print(f"batch of {args.students} students: {many[0]:6.1f} s wall {many[1]:6.1f} processor-s  "
              f"load {os.getloadavg()[0]:.1f}")
    student = (many[1] - one[1]) / (args.students - 1)
    print(f"per student: {student:.2f} processor-s; per batch (fixed): {one[1] - student:.2f} processor-s")
    with tempfile.TemporaryDirectory(prefix="sandbox-cost-") as tmp:
        typical_class(Path(tmp) / "one", 1)
        once = batches_in_one_process(Path(tmp), 1, keep=False)
        fresh = batches_in_one_process(Path(tmp), 2, keep=False) - once
        kept = batches_in_one_process(Path(tmp), 2, keep=True) - once
    print(f"the next batch of one student in the same process: {fresh:.2f} processor-s, {kept:.2f} with the warm "
          f"sandbox kept ({kept / fresh:.2f}x)")


if __name__ == "__main__":
    main()
