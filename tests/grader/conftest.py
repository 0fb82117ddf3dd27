"""The grader's tests need the instructor notebooks and the check library; say so when they are missing."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NEEDED = [ROOT / "autograder" / "inside" / "probe.py", ROOT / "autograder" / "checks" / "judge.py",
          ROOT / "solutions" / "attention" / "01_squeeze.ipynb"]


def pytest_configure(config):
    config.addinivalue_line("markers", "needs_course: grades notebooks built from solutions/ with autograder/inside")


def pytest_collection_modifyitems(config, items):
    missing = [str(p.relative_to(ROOT)) for p in NEEDED if not p.exists()]
    if not missing:
        return
    skip = pytest.mark.skip(reason="the grader needs " + ", ".join(missing))
    for item in items:
        if "tests/grader/" in str(item.fspath) and "needs_course" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def hostile_class(tmp_path_factory):
    """The cheating and broken catalogues with an honest student (hostile_class.py), graded once for every test."""
    from hostile_class import grade_hostile_class

    return grade_hostile_class(tmp_path_factory.mktemp("hostile"))
