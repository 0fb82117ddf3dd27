"""Time the book build: a clean build that executes every chapter, then a rebuild with nothing changed.

Both build into a temporary folder (``--path-output``), so the benchmark neither needs nor
disturbs ``_build/``. Targets on a 2-core machine: 3 minutes clean, 20 seconds for the
rebuild. The script prints the measurements against the targets; it asserts nothing.

    .venv/bin/python benchmarks/book_build.py [--keep DIR]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGETS = {"clean build": 180.0, "rebuild, nothing changed": 20.0}


def build(output: Path) -> tuple[float, subprocess.CompletedProcess]:
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(REPO),
               "--path-output", str(output), "-W", "-n", "--keep-going"]
    env = dict(os.environ)
    start = time.perf_counter()
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    return time.perf_counter() - start, result


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
            seconds, result = build(output)
            verdict = "within" if seconds <= target else "OVER"
            print(f"{label:>26}: {seconds:7.1f} s   target {target:5.0f} s   "
                  f"ratio {seconds / target:5.2f}  ({verdict} target)")
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
