"""Fixtures for the package's tests."""
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from autograder.grade.course import ROOT


@pytest.fixture(scope="session")
def scripts_for_nobody():
    """A copy of scripts/ that an unprivileged user can run: the checkout itself may lie in a folder only its
    owner can enter (a CI runner's, or one made by mktemp -d)."""
    folder = Path(tempfile.mkdtemp(prefix="course-scripts-", dir="/tmp" if os.path.isdir("/tmp") else None))
    try:
        copy = Path(shutil.copytree(ROOT / "scripts", folder / "scripts"))
        for path in [folder, copy, *copy.iterdir()]:
            path.chmod(0o755)
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)
