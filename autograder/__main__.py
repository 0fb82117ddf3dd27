"""``python -m autograder COMMAND``: the course's command line (see autograder.cli)."""
import sys

from autograder.cli import main

if __name__ == "__main__":
    sys.exit(main())
