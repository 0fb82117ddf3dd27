"""Notebooks per second when a class is graded on a local Dask cluster of 1 and of 2 workers, the scaling
ratio, and what 10,000 students would take on N workers at the measured cost per notebook.

    python benchmarks/cluster_scaling.py [--students 4] [--workers 1 2]

Each student submits the five notebooks solved from the instructor sources. A worker grades one student
at a time, in the same sandbox as a local batch; the machine's cores bound what more workers can give.
"""
import argparse
import tempfile
import time
from pathlib import Path

from autograder.demo.submission import solved_notebook, write
from autograder.exercises import NOTEBOOKS
from autograder.grade.batch import grade
from autograder.grade.course import load_course

CLASS_SIZE = 10_000


def build_class(folder: Path, students: int) -> Path:
    course = load_course()
    notebooks = {stem: solved_notebook(course, stem) for stem in NOTEBOOKS}
    for index in range(students):
        for stem, notebook in notebooks.items():
            write(notebook, folder / f"student{index:03d}" / f"{stem}.ipynb")
    return folder


def measure(submissions: Path, out: Path, workers: int) -> float:
    start = time.perf_counter()
    grade(submissions, out, cluster=f"local:{workers}", force=True, progress=False, gradebook=out / "gradebook.db")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=4)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cluster-scaling-") as temporary:
        submissions = build_class(Path(temporary) / "class", args.students)
        notebooks = args.students * len(NOTEBOOKS)
        rates = {}
        for workers in args.workers:
            seconds = measure(submissions, Path(temporary) / f"results-{workers}", workers)
            rates[workers] = notebooks / seconds
            print(f"{workers} worker(s): {notebooks} notebooks in {seconds:.1f} s = {rates[workers]:.2f} notebooks/s "
                  f"(cluster start-up included)")
    first, last = args.workers[0], args.workers[-1]
    print(f"scaling ratio {last} vs {first} worker(s): {rates[last] / rates[first]:.2f}x "
          f"(ideal {last / first:.0f}x; 2 workers on a 2-core machine share the cores)")
    per_notebook = 1 / rates[first] * first  # seconds of one worker per notebook
    total = CLASS_SIZE * len(NOTEBOOKS)
    print(f"per notebook: {per_notebook:.2f} worker-seconds. {CLASS_SIZE:,} students = {total:,} notebooks = "
          f"{total * per_notebook / 3600:.1f} worker-hours:")
    for workers in (1, 10, 50, 100, 200):
        print(f"  on {workers:>3} workers (one core each, linear scaling assumed): "
              f"{total * per_notebook / workers / 3600:.2f} h")


if __name__ == "__main__":
    main()
