"""The student release: regenerated from the sources, free of solutions and hidden tests, stamped for Colab."""
import contextlib
import hashlib
import io
import re
import shutil
import warnings
from importlib import metadata
from pathlib import Path

import matplotlib
import pytest
import yaml

from autograder.exercises import EXERCISES
from autograder.release import generate
from cells import NOTEBOOKS, RELEASES, ROOT, SOURCES, graded_cells, nbgrader, read, source

matplotlib.use("Agg")  # in this process only

FORBIDDEN = ("BEGIN SOLUTION", "END SOLUTION", "HIDDEN TESTS", "autograder", "reference", "check(")


def _release_key() -> str:
    """A hash of what a release is generated from: sources, release code, course settings, nbgrader."""
    digest = hashlib.sha256()
    for path in sorted([*SOURCES.glob("*.ipynb"), ROOT / "autograder" / "release.py",
                        ROOT / "autograder" / "exercises.py", ROOT / "_config.yml", ROOT / "nbgrader_config.py"]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    digest.update(metadata.version("nbgrader").encode())
    return digest.hexdigest()[:32]


@pytest.fixture(scope="module")
def fresh(request, tmp_path_factory):
    """A release generated from solutions/ into a temporary folder (kept in pytest's cache per inputs)."""
    cache = getattr(request.config, "cache", None)
    kept = cache.mkdir("fresh-release") / _release_key() if cache is not None else None
    if kept is not None and (kept / "attention").is_dir():
        return kept / "attention"
    out = tmp_path_factory.mktemp("release")
    generate(out)
    if kept is not None:
        shutil.rmtree(kept.parent, ignore_errors=True)
        shutil.copytree(out / "attention", kept / "attention")
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
        if nbgrader(cell).get("solution") and cell.cell_type == "markdown":
            assert cell.source.strip() == "YOUR ANSWER HERE", f"{stem}: answer cell {cell.id} released with text"
        elif nbgrader(cell).get("solution"):
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


def correct_implementations(path: Path) -> list:
    """Names of graded exercises that a released notebook, run without its test cells, binds to a correct
    implementation (one that passes the hidden checks): what a student could copy instead of writing."""
    from autograder.checks import check

    nb = read(path)
    tests = {id(c) for c in graded_cells(nb).values()}
    namespace = {}
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for cell in nb.cells:
            if cell.cell_type == "code" and id(cell) not in tests:
                try:
                    exec(compile(cell.source, f"<{path.name}:{cell.id}>", "exec"), namespace)
                except NotImplementedError:
                    pass  # a stub, or a cell that calls one
    import matplotlib.pyplot as plt

    plt.close("all")
    found = []
    for exercise in EXERCISES:
        if exercise.name in namespace:
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    check(exercise.id, namespace[exercise.name])
            except Exception:  # noqa: BLE001 (a stub or anything wrong is not an answer)
                continue
            found.append(exercise.name)
    return found


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_no_release_gives_away_a_graded_answer(stem):
    found = correct_implementations(RELEASES / f"{stem}.ipynb")
    assert not found, f"notebooks/attention/{stem}.ipynb hands out a correct {', '.join(found)}"
