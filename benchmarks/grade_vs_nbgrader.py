"""Grade one synthetic class twice, with `python -m autograder grade` and with plain `nbgrader autograde`.

Prints seconds per notebook for both, their ratio (nbgrader / ours: the throughput gain), the
peak memory of the largest single process each used (a grading worker or a sandbox for ours, a
kernel or nbgrader itself for nbgrader), and the machine's load average around each run: on a
shared machine the two runs may not see the same load, and the ratio says little when they
did not. Target on a quiet 2-core machine, sandbox on: >= 7x.

    python benchmarks/grade_vs_nbgrader.py [--students 6] [--workers N]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from autograder.demo import typical_class
from autograder.exercises import ASSIGNMENT, NOTEBOOKS
from autograder.grade.course import ROOT, load_course
from autograder.grade.sandbox import bwrap_works
from autograder.tools import with_scripts_on_path


def timed(command: list, cwd: Path, env: dict) -> tuple:
    """(wall seconds, peak RSS in MiB of the largest process it ran, the 1-minute load average before and
    after) for one command in a fresh child."""
    before = os.getloadavg()[0]
    probe = ("import resource, subprocess, sys, time; t = time.monotonic(); "
             "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True); "
             "print(time.monotonic() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode); "
             "sys.stderr.write(r.stderr[-2000:] if r.returncode else '')")
    done = subprocess.run([sys.executable, "-c", probe, *command], cwd=cwd, env=env, capture_output=True, text=True)
    wall, rss_kib, code = done.stdout.split()
    if int(code) != 0:
        raise SystemExit(f"{command[:4]} failed:\n{done.stderr}")
    return float(wall), int(rss_kib) / 1024, (before, os.getloadavg()[0])


def nbgrader_course(base: Path, submissions: Path) -> Path:
    """A plain nbgrader course: source/ from solutions/, submitted/ from the class."""
    course = base / "nbgrader-course"
    shutil.copytree(load_course(ROOT).source, course / "source" / ASSIGNMENT)
    shutil.copytree(submissions, course / "submitted")
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.root = %r\nc.Execute.timeout = 600\n" % str(course))
    return course


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=6)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    args = parser.parse_args()
    env = with_scripts_on_path()  # nbgrader runs alembic by name
    with tempfile.TemporaryDirectory(prefix="grade-bench-") as tmp:
        base = Path(tmp)
        notebooks = typical_class(base / "class", args.students)
        ours, ours_rss, ours_load = timed([sys.executable, "-m", "autograder", "grade", str(base / "class"), "--out",
                                str(base / "results"), "--workers", str(args.workers), "--no-progress",
                                "--gradebook", str(base / "results" / "gradebook.db")], ROOT, env)
        course = nbgrader_course(base, base / "class")
        nbgrader = os.path.join(os.path.dirname(sys.executable), "nbgrader")
        subprocess.run([nbgrader, "generate_assignment", ASSIGNMENT, "--force"],
                       cwd=course, env=env, check=True, capture_output=True)
        theirs, theirs_rss, theirs_load = timed([nbgrader, "autograde", ASSIGNMENT], course, env)
    sandbox = "bubblewrap" if bwrap_works() else "NO bubblewrap (limits only)"
    print(f"class: {args.students} students x {len(NOTEBOOKS)} notebooks = {notebooks} notebooks; "
          f"{os.cpu_count()} cores; our sandbox: {sandbox}; our workers: {args.workers}")
    print(f"python -m autograder grade : {ours:7.1f} s  {ours / notebooks:6.2f} s/notebook  "
          f"peak memory per process {ours_rss:6.0f} MiB  load {ours_load[0]:.1f} -> {ours_load[1]:.1f}")
    print(f"nbgrader autograde         : {theirs:7.1f} s  {theirs / notebooks:6.2f} s/notebook  "
          f"peak memory per process {theirs_rss:6.0f} MiB  load {theirs_load[0]:.1f} -> {theirs_load[1]:.1f}")
    print(f"throughput ratio (nbgrader time / ours): {theirs / ours:.1f}x  (target >= 7x)")


if __name__ == "__main__":
    main()
