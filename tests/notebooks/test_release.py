"""The student release: regenerated from the sources, free of solutions and hidden tests, stamped for Colab."""
import re

import pytest
import yaml

from autograder.release import generate
from cells import NOTEBOOKS, RELEASES, ROOT, nbgrader, read, source

FORBIDDEN = ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "autograder", "reference", "check(")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory):
    """A release generated now from solutions/ into a temporary folder."""
    out = tmp_path_factory.mktemp("release")
    generate(out)
    return out / "attention"


def _comparable(nb):
    return [(c.get("id"), c.cell_type, c.source, dict(c.metadata)) for c in nb.cells], dict(nb.metadata)


def test_release_is_up_to_date(fresh):
    assert sorted(p.name for p in RELEASES.glob("*.ipynb")) == sorted(p.name for p in fresh.glob("*.ipynb")), (
        "notebooks/ holds other notebooks than a fresh release: run `make release`")
    for path in fresh.glob("*.ipynb"):
        assert _comparable(read(RELEASES / path.name)) == _comparable(read(path)), (
            f"notebooks/attention/{path.name} is stale: run `make release`")


def _substantial(code):
    """Code lines without comments or indentation, long enough to give an answer away."""
    lines = (line.split("#")[0].strip() for line in code.splitlines())
    return {line for line in lines if len(line) >= 20}


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_no_solutions_hidden_tests_or_reference(stem):
    released = read(RELEASES / f"{stem}.ipynb")
    text = "\n".join(c.source for c in released.cells)
    for word in FORBIDDEN:
        assert word.lower() not in text.lower(), f"{stem}: the release mentions {word!r}"
    sources = {c.id: c for c in source(stem).cells}
    released_lines = {line for c in released.cells for line in _substantial(c.source)}
    for cell in released.cells:
        if nbgrader(cell).get("solution"):
            original = sources[cell.id].source
            for block in original.split("### BEGIN SOLUTION")[1:]:
                for line in _substantial(block.split("### END SOLUTION")[0]):
                    assert line not in released_lines, f"{stem}: solution line {line!r} released"
            assert "raise NotImplementedError()" in cell.source
        if cell.cell_type == "code":
            assert cell.outputs == []


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_colab_badge_first(stem):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    url = config["repository"]["url"].removeprefix("https://github.com/")
    branch = config["repository"].get("branch", "main")
    expected = f"https://colab.research.google.com/github/{url}/blob/{branch}/notebooks/attention/{stem}.ipynb"
    first = read(RELEASES / f"{stem}.ipynb").cells[0]
    assert first.cell_type == "markdown" and f"]({expected})" in first.source
    assert re.search(r"colab-badge\.svg", first.source)


def test_generate_refuses_a_non_github_repository(tmp_path):
    (tmp_path / "_config.yml").write_text("repository:\n  url: ftp://example.org/x\n")
    from autograder.release import colab_url

    with pytest.raises(ValueError, match="repository.url"):
        colab_url("01_squeeze", root=tmp_path)
