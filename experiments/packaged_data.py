"""Data files that ship inside an installed package, found without importing the package.

scikit-learn carries the digits and the sample photographs the course uses; importing it (scipy with
it) costs more than a second in every process that only needs one of its files: each chapter's kernel,
each of the study's workers.
"""
import importlib.util
from pathlib import Path


def sklearn_file(*parts: str) -> Path:
    """The file at `parts` inside the installed scikit-learn (FileNotFoundError, saying what to do, if absent)."""
    package = importlib.util.find_spec("sklearn")  # finds the package without importing it
    path = None if package is None else Path(package.origin).parent.joinpath(*parts)
    if path is None or not path.is_file():
        raise FileNotFoundError(f"scikit-learn's {'/'.join(parts)} was not found ({path}): install the course's "
                                f"pinned scikit-learn (make install)")
    return path
