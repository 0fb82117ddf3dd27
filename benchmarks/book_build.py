"""Time the book build: a clean build that executes every chapter, then a rebuild with nothing changed.

Both build into a temporary folder (``--path-output``), so the benchmark neither needs nor
disturbs ``_build/``. Targets on a 2-core machine: 3 minutes clean, 20 seconds for the
rebuild. The script prints the measurements against the targets, the load average and the
processor time beside them (other work on the machine slows the build; the processor time
is what the build itself cost), and each chapter's execution time from the execution cache;
it asserts nothing.

    .venv/bin/python benchmarks/book_build.py [--keep DIR]
"""
import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGETS = {"clean build": 180.0, "rebuild, nothing changed": 20.0}


def children_cpu_seconds() -> float:
    """Processor seconds of this script's finished child processes (the build and its kernels)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def build(output: Path) -> tuple[float, float, subprocess.CompletedProcess]:
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(REPO),
               "--path-output", str(output), "-W", "-n", "--keep-going"]
    env = dict(os.environ)
    start, cpu = time.perf_counter(), children_cpu_seconds()
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, children_cpu_seconds() - cpu, result


def chapter_seconds(output: Path) -> dict:
    """{chapter: seconds its execution took}, as the execution cache recorded them."""
    database = output / "_build" / ".jupyter_cache" / "global.db"  # where --path-output puts the cache
    if not database.is_file():
        return {}
    with sqlite3.connect(database) as connection:
        rows = connection.execute("select uri, data from nbcache").fetchall()
    return {Path(uri).stem: json.loads(data).get("execution_seconds", float("nan")) for uri, data in rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build here and keep the output (must not exist)")
    args = parser.parse_args()
    output = args.keep or Path(tempfile.mkdtemp(prefix="book-bench-"))
    if args.keep and args.keep.exists():
        parser.error(f"{args.keep} exists: a clean build needs a new folder")
    print(f"{os.cpu_count()} CPU cores; building into {output}")
    status = 0
    try:
        for label, target in TARGETS.items():
            seconds, cpu_seconds, result = build(output)
            verdict = "within" if seconds <= target else "OVER"
            load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
            print(f"{label:>26}: {seconds:7.1f} s   target {target:5.0f} s   "
                  f"ratio {seconds / target:5.2f}  ({verdict} target; load average {load}; "
                  f"{cpu_seconds:.0f} s of processor time)")
            if label == "clean build":
                for chapter, executed in sorted(chapter_seconds(output).items()):
                    print(f"{chapter:>26}: {executed:7.1f} s executing")
            if result.returncode != 0:
                print(f"the build failed (exit {result.returncode}); the time above is not a "
                      f"valid measurement. End of its log:\n{(result.stdout + result.stderr)[-6000:]}")
                status = 1
                break
    finally:
        if not args.keep:
            shutil.rmtree(output, ignore_errors=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
