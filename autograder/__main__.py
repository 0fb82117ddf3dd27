"""``python -m autograder grade ...``: the course's command line."""
import sys


def main(argv: list | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] != "grade":
        print("usage: python -m autograder grade SUBMISSIONS --out RESULTS [--workers N] [--device auto|cpu|cuda] "
              "[--timeout SECONDS]\n       python -m autograder grade --demo --out RESULTS", file=sys.stderr)
        return 2
    from autograder.grade.cli import main as grade_main

    return grade_main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
