"""The repository keeps one copy of each fact: the exercise API page, the course folders, the pins."""
import hashlib
import tomllib

import pytest

from autograder.grade.course import ROOT, load_course

CONTRACT = ROOT.parent / "shared" / "exercise-api.md"  # the course's design documents, beside a checkout
# The contract's SHA-256: every clone checks the page against it, one without the design documents beside it too.
# The contract changes only through an issue; then copy it to docs/exercise-api.md and pin its digest here.
CONTRACT_SHA256 = "757582e65e49f603b4ac38a8882972f49a0611750d54f9d5447f54dbde5e42f6"


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_api_page_is_the_contract_word_for_word():
    assert digest(ROOT / "docs" / "exercise-api.md") == CONTRACT_SHA256


@pytest.mark.skipif(not CONTRACT.is_file(), reason="the course's design documents are not beside this checkout")
def test_the_pinned_digest_is_the_contract_s():
    assert digest(CONTRACT) == CONTRACT_SHA256, "the contract changed: copy it to docs/exercise-api.md, pin its digest"


def test_course_folders_come_from_nbgrader_config():
    course = load_course()
    assert course.source == ROOT / "solutions" / "attention" and course.source.is_dir()
    assert course.release == ROOT / "notebooks" / "attention" and course.release.is_dir()


def test_every_direct_dependency_is_pinned_and_constrained():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    direct = project["dependencies"] + [d for extra in project["optional-dependencies"].values() for d in extra]
    constraints = {line.split(";")[0].strip() for line in (ROOT / "constraints.txt").read_text().splitlines()
                   if line and not line.startswith((" ", "#"))}
    for requirement in direct:
        assert "==" in requirement, f"{requirement} is not pinned"
        name, version = requirement.split("==")
        assert any(c.lower().replace("_", "-") == f"{name.lower()}=={version}" for c in constraints), (
            f"{requirement} differs from constraints.txt: run `make constraints`")


def test_nothing_puts_the_repository_on_the_import_path():
    """The course is installed (editable): no PYTHONPATH or sys.path edits in the files that set it up."""
    for name in ("Makefile", "nbgrader_config.py", "tests/conftest.py", ".ci/run", "benchmarks/notebook_runtime.py"):
        text = (ROOT / name).read_text()
        assert "PYTHONPATH" not in text and "sys.path" not in text, name
