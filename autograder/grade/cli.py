"""The command line of ``python -m autograder grade``: a thin layer over :func:`batch.grade`."""
import argparse
import sys
import tempfile
from pathlib import Path

from .batch import DEFAULT_TIMEOUT, GraderError, grade


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m autograder grade",
                                description="Grade a class's attention notebooks in a sandbox; write scores, "
                                            "grades, feedback and nbgrader's gradebook.")
    p.add_argument("submissions", nargs="?", type=Path,
                   help="folder of STUDENT/NOTEBOOK.ipynb (or STUDENT/attention/NOTEBOOK.ipynb), or a .zip of one")
    p.add_argument("--out", type=Path, required=True, help="folder for scores.csv, grades.csv and feedback/")
    p.add_argument("--demo", action="store_true", help="grade a demo class built from the instructor notebooks")
    p.add_argument("--workers", type=int, default=None, help="parallel students (default: the machine's cores)")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help=f"seconds per exercise and for running a notebook's cells (default {DEFAULT_TIMEOUT:g})")
    p.add_argument("--force", action="store_true", help="regrade students already graded in --out")
    p.add_argument("--gradebook", type=Path, default=None, help="nbgrader gradebook (default: the course's gradebook.db)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    return p


def main(argv: list | None = None) -> int:
    args = parser().parse_args(argv)
    if args.demo == (args.submissions is not None):
        parser().error("give either SUBMISSIONS or --demo")
    if args.workers is not None and args.workers < 1:
        parser().error("--workers must be at least 1")
    try:
        with tempfile.TemporaryDirectory(prefix="autograder-demo-") as demo:
            submissions = args.submissions
            gradebook = args.gradebook
            if args.demo:
                from autograder.demo import build_demo_class

                submissions = build_demo_class(Path(demo) / "demo-class")
                gradebook = gradebook or args.out / "gradebook.db"  # the demo keeps the course's gradebook clean
            batch = grade(submissions, args.out, workers=args.workers, device=args.device, timeout=args.timeout,
                          force=args.force, gradebook=gradebook, progress=not args.no_progress)
    except GraderError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if batch.warning:
        print(batch.warning, file=sys.stderr)
    print(batch.summary)
    print(f"Results in {args.out}: scores.csv, grades.csv, feedback/.")
    return 0
