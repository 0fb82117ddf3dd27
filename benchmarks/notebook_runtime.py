"""Seconds each instructor source notebook takes to execute top to bottom on this machine (target: < 20 s).

    python benchmarks/notebook_runtime.py     (from the repository root, PYTHONPATH=. as `make` sets it)

Runs every source in a fresh Jupyter kernel (hidden tests included) and prints the time per
notebook, with the kernel start-up measured separately so the two can be told apart.
"""
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from autograder.exercises import ASSIGNMENT, NOTEBOOKS  # noqa: E402

TARGET_S = 20.0


def run(nb) -> float:
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def main() -> None:
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))
    startup = run(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import torch")]))
    print(f"kernel start + import torch: {startup:5.1f} s")
    for stem in NOTEBOOKS:
        seconds = run(nbformat.read(ROOT / "solutions" / ASSIGNMENT / f"{stem}.ipynb", as_version=4))
        print(f"{stem:24s} {seconds:5.1f} s   ({seconds / TARGET_S:4.0%} of the {TARGET_S:.0f} s target)")


if __name__ == "__main__":
    main()
