"""Where the course's instructor files live: all paths in one place, read from nbgrader_config.py.

``CourseDirectory.source_directory`` (the instructor sources, ``solutions``) and
``release_directory`` (the student notebooks, ``notebooks``) come from the repository's
nbgrader configuration; the gradebook defaults to ``gradebook.db`` at the course root.
"""
from dataclasses import dataclass
from pathlib import Path

from autograder.exercises import ASSIGNMENT

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Course:
    root: Path
    source: Path  # solutions/attention: trusted, with points and hidden tests
    release: Path  # notebooks/attention: what students received
    gradebook: Path


def load_course(root: Path = ROOT, gradebook: Path | None = None) -> Course:
    """The course at `root`, with the directories nbgrader_config.py names (the course's names otherwise)."""
    root = Path(root).resolve()
    source_dir, release_dir = "solutions", "notebooks"  # the course's names, also in nbgrader_config.py
    config_file = root / "nbgrader_config.py"
    if config_file.exists():
        from traitlets.config.loader import PyFileConfigLoader

        config = PyFileConfigLoader(config_file.name, path=str(root)).load_config()
        source_dir = config.CourseDirectory.get("source_directory", source_dir)
        release_dir = config.CourseDirectory.get("release_directory", release_dir)
    return Course(
        root=root,
        source=root / source_dir / ASSIGNMENT,
        release=root / release_dir / ASSIGNMENT,
        gradebook=Path(gradebook) if gradebook else root / "gradebook.db",
    )
