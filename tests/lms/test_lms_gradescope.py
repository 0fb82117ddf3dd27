"""The Gradescope bundle run as Gradescope runs it, in a folder laid out as its /autograder, for a correct and a
cheating submission (whose own squeeze is wrong: it stands for every wrong submission too)."""
import json
import os
import subprocess
import sys
import zipfile

import nbformat
import pytest
from lms_class import ROOT, WRONG_SQUEEZE

from autograder.demo.submission import solved_notebook, with_cells
from autograder.grade.course import load_course
from autograder.grade.gradescope import build_bundle

pytestmark = pytest.mark.slow


def cheat(root) -> str:
    """A wrong squeeze, then forge the results and take squeeze from the reference if it can be read at all."""
    return f"""
import json, pathlib
root = pathlib.Path({str(root)!r})
for target in (root / "results" / "results.json", pathlib.Path("/autograder/results/results.json")):
    try:
        target.write_text(json.dumps({{"score": 999, "tests": []}}))
    except Exception:
        pass

{WRONG_SQUEEZE}
for path in (root / "source").rglob("01_squeeze.ipynb"):
    try:
        cells = json.loads(path.read_text())["cells"]
    except Exception:
        continue
    for cell in cells:
        text = "".join(cell["source"])
        if "def squeeze" in text and "return x[:, :, :1, :1]" not in text:
            exec("\\n".join(line for line in text.splitlines() if "###" not in line))
"""


def run_as_gradescope(bundle, root, notebook) -> dict:
    (root / "source").mkdir(parents=True)
    (root / "submission").mkdir()
    (root / "results").mkdir()
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(root / "source")
    os.chmod(root / "source" / "run_autograder", 0o755)
    nbformat.write(notebook, root / "submission" / "01_squeeze.ipynb")
    env = {"PATH": os.environ["PATH"], "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable,
           "HOME": str(root)}
    result = subprocess.run([str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads((root / "results" / "results.json").read_text())


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("gradescope")
    bundle = build_bundle(base / "bundle")
    solved = solved_notebook(load_course(ROOT), "01_squeeze")
    return {name: run_as_gradescope(bundle, base / name, notebook) for name, notebook in (
        ("correct", solved), ("cheating", with_cells(solved, cheat(base / "cheating"))))}, bundle, base


def test_the_bundle_holds_what_gradescope_runs(graded):
    _, bundle, _ = graded
    names = zipfile.ZipFile(bundle).namelist()
    assert {"setup.sh", "run_autograder", "course/autograder/grade/gradescope.py",
            "course/solutions/attention/01_squeeze.ipynb"} <= set(names)


def test_results_are_in_gradescopes_format_one_test_per_exercise(graded):
    results, _, _ = graded
    for result in results.values():
        assert {"name", "score", "max_score", "output", "visibility"} <= set(result["tests"][0])
        assert len(result["tests"]) == 8 and result["score"] == sum(t["score"] for t in result["tests"])
    squeeze = {name: r["tests"][0] for name, r in results.items()}
    assert squeeze["correct"]["name"].startswith("squeeze") and squeeze["correct"]["score"] == \
        squeeze["correct"]["max_score"] > 0 and squeeze["correct"]["status"] == "passed"
    assert squeeze["cheating"]["score"] == 0 and squeeze["cheating"]["status"] == "failed"  # its squeeze is wrong


def test_a_cheating_submission_neither_forges_the_results_nor_reads_the_reference(graded):
    results, _, _ = graded
    cheating = results["cheating"]
    assert cheating["score"] != 999 and cheating["tests"][0]["score"] == 0


def test_a_submission_is_graded_without_an_nbgrader_gradebook(graded):
    """Gradescope keeps the scores: no gradebook is made for a submission (nor the empty one a first gradebook is
    copied from, in the grader's cache under HOME, which costs nbgrader an alembic run in each fresh container)."""
    results, _, base = graded
    assert results["correct"]["tests"][0]["score"] > 0
    for name in results:
        assert not list((base / name).rglob("*.db")), name
