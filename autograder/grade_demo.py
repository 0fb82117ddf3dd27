"""Grade the demo class (autograder.demo): what a batch looks like before the first real one."""
import tempfile
from pathlib import Path

from autograder.demo import build_demo_class
from autograder.grade.batch import DEFAULT_TIMEOUT, Batch, grade


def grade_demo(out: Path = Path("_build/grade-demo"), *, workers: int | None = None, device: str = "auto",
               timeout: float = DEFAULT_TIMEOUT, force: bool = False, progress: bool = True) -> Batch:
    """Grade a demo class of four students (right, wrong, cheating, broken) built from the instructor notebooks.

    Args:
        out: folder for the results; the demo keeps its own gradebook.db there, not the course's
        workers: students graded in parallel (default: the machine's cores)
        device: where the students' modules run: auto, cpu or cuda
        timeout: seconds per exercise and for running a notebook's cells
        force: regrade students already graded in OUT
        progress: show a progress bar
    """
    with tempfile.TemporaryDirectory(prefix="autograder-demo-") as scratch:
        submissions = build_demo_class(Path(scratch) / "demo-class")
        return grade(submissions, out, workers=workers, device=device, timeout=timeout, force=force,
                     gradebook=Path(out) / "gradebook.db", progress=progress)
