"""The suite's xdist scopes (tests/conftest.py): tests that share a session fixture run on one worker, so the
fixture (a whole book build, a graded class) is made once; a test that would make it twice stops the collection."""
import importlib.util
from types import SimpleNamespace

import pytest

from autograder.grade.course import ROOT

spec = importlib.util.spec_from_file_location("suite_conftest", ROOT / "tests" / "conftest.py")
suite = importlib.util.module_from_spec(spec)
spec.loader.exec_module(suite)


@pytest.mark.parametrize("nodeid, group", [
    ("tests/book/test_book_links.py::test_x", "book"),
    ("tests/edition/test_edition_contents.py::test_x[a]", "book"),
    ("tests/edition/test_planted_secrets.py::test_x", "book"),
    ("tests/grader/test_broken.py::test_x", "hostile_class"),
    ("tests/grader/test_cheating.py::test_x", "hostile_class"),
    ("tests/lms/test_lms_export.py::test_x", "graded_layouts"),
    ("tests/edition/test_colab_run.py::test_x", "tests/edition/test_colab_run.py"),
    ("tests/grader/test_boundary.py::test_x[y]", "tests/grader/test_boundary.py"),
])
def test_a_test_runs_with_its_shared_fixture_or_its_module(nodeid, group):
    assert suite.group_of(nodeid) == group


def test_every_shared_fixture_has_a_group():
    assert set(suite.SHARED_FIXTURES.values()) <= set(suite.SHARED)


@pytest.mark.parametrize("fixture", sorted(suite.SHARED_FIXTURES))
def test_a_shared_fixture_used_outside_its_group_stops_the_collection(fixture):
    stray = SimpleNamespace(nodeid="tests/grader/test_new.py::test_x", fixturenames=[fixture, "tmp_path"])
    with pytest.raises(pytest.UsageError, match="SHARED"):
        suite.check_group(stray)
    prefix = suite.SHARED[suite.SHARED_FIXTURES[fixture]][0]
    placed = SimpleNamespace(nodeid=f"{prefix}::test_x" if prefix.endswith(".py") else f"{prefix}test_x.py::test_x",
                             fixturenames=[fixture])
    suite.check_group(placed)


def test_every_scope_started_first_exists_and_comes_before_the_others():
    for scope in suite.HEAVIEST:
        assert scope in suite.SHARED or (ROOT / scope).is_file(), f"{scope}: no such group or test file"
    ranks = [suite.heaviest_first(f"{path}::test_x") for path in
             ("tests/book/test_book_links.py", "tests/notebooks/test_nbgrader.py", "tests/reference/test_gpu.py")]
    assert ranks == sorted(ranks) and ranks[0] < ranks[-1] == len(suite.HEAVIEST)
