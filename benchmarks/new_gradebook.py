"""What a new nbgrader gradebook costs: made by nbgrader itself, and as a copy of the cached empty one.

On a new database file nbgrader's ``Gradebook`` runs ``alembic heads`` in a subprocess; the
grader instead copies an empty gradebook nbgrader made once (autograder/grade/gradebook_template.py).
Prints the processor seconds (this process and the subprocesses it waited for) of each way, per new
gradebook, averaged over REPEATS, and their ratio. ``import nbgrader.api`` (paid once per process
either way) is not counted.

    python benchmarks/new_gradebook.py [--repeats 3]
"""
import argparse
import os
import tempfile
from pathlib import Path

from autograder.grade.gradebook_template import empty_gradebook, start_from_template
from autograder.tools import put_scripts_on_path


def cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def per_gradebook(make, folder: Path, repeats: int) -> float:
    from nbgrader.api import Gradebook

    start = cpu_seconds()
    for i in range(repeats):
        path = folder / f"gradebook-{i}.db"
        make(path)
        with Gradebook(f"sqlite:///{path}"):  # opened as the grader opens it to record scores
            pass
    return (cpu_seconds() - start) / repeats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    repeats = parser.parse_args().repeats
    import nbgrader.api  # noqa: F401  (not counted)

    put_scripts_on_path()
    with tempfile.TemporaryDirectory() as temporary:
        os.environ["XDG_CACHE_HOME"] = str(Path(temporary) / "cache")
        first = cpu_seconds()
        empty_gradebook()
        template = cpu_seconds() - first
        (Path(temporary) / "own").mkdir()
        (Path(temporary) / "copied").mkdir()
        own = per_gradebook(lambda path: None, Path(temporary) / "own", repeats)
        copied = per_gradebook(start_from_template, Path(temporary) / "copied", repeats)
    print(f"making the template once:       {template:6.2f} CPU-s")
    print(f"new gradebook, nbgrader's own:  {own:6.2f} CPU-s")
    print(f"new gradebook, template copied: {copied:6.2f} CPU-s")
    print(f"ratio own / copied:             {own / copied:6.1f}")


if __name__ == "__main__":
    main()
