"""Seconds each instructor source notebook takes to execute top to bottom on this machine (target: < 20 s).

    .venv/bin/python benchmarks/notebook_runtime.py

Runs every source in a fresh Jupyter kernel (hidden tests included) and prints the time per
notebook, with the kernel start-up measured separately so the two can be told apart.
"""
import os
import time

import nbformat
from nbclient import NotebookClient

from autograder.exercises import NOTEBOOKS
from autograder.grade.course import load_course
from autograder.kernels import IPCKernelManager

TARGET_S = 20.0


def run(nb, folder) -> float:
    client = NotebookClient(nb, timeout=300, kernel_name="python3", kernel_manager_class=IPCKernelManager,
                            resources={"metadata": {"path": str(folder)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def main() -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")
    course = load_course()
    startup = run(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import torch")]), course.root)
    print(f"kernel start + import torch: {startup:5.1f} s")
    for stem in NOTEBOOKS:
        seconds = run(nbformat.read(course.source / f"{stem}.ipynb", as_version=4), course.root)
        print(f"{stem:24s} {seconds:5.1f} s   ({seconds / TARGET_S:4.0%} of the {TARGET_S:.0f} s target)")


if __name__ == "__main__":
    main()
