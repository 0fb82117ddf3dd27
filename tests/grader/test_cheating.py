"""The cheat catalogue: each trick sits on a wrong `squeeze`, and none may earn the exercise's points.

An honest student graded in the same batch passes (so the batch can tell right from wrong),
and her results survive the cheaters' attempts to write over them.
"""
import hashlib
import json

import pytest

from grader_class import ROOT, WRONG_SQUEEZE, grade_class, solved, with_cells, write_class

pytestmark = [pytest.mark.needs_course, pytest.mark.slow]

LEAK = ("import sys, importlib\n"
        "for name in [n for n in sys.modules if n.split('.')[0] == 'autograder']:\n"
        "    del sys.modules[name]\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from autograder.reference import squeeze\n")

CHEATS = {
    "allclose": "import torch\ntorch.allclose = lambda *a, **k: True\ntorch.equal = lambda *a, **k: True\n",
    "assert_close": ("import torch.testing, builtins\ntorch.testing.assert_close = lambda *a, **k: None\n"
                     "builtins.AssertionError = type('Never', (Exception,), {})\n"),
    "function_mode": ("import torch\nfrom torch.overrides import TorchFunctionMode\n"
                      "class Agree(TorchFunctionMode):\n"
                      "    def __torch_function__(self, func, types, args=(), kwargs=None):\n"
                      "        if func in (torch.allclose, torch.equal, torch.isclose):\n"
                      "            return True\n"
                      "        return func(*args, **(kwargs or {}))\n"
                      "Agree().__enter__()\n"),
    "custom_exc": "get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)\n",
    "input_transformer": "get_ipython().input_transformers_post.append(lambda lines: ['pass\\n'])\n",
    "probe_patched": ("import autograder.checks.probe as p, torch\n"
                      "p.probe = lambda obj, case: {'output': torch.zeros(case.shape[:2] + (1, 1)), 'dtype': case.dtype,"
                      " 'device': 'cpu', 'shape': str(case.shape[:2] + (1, 1))}\n"),
    "forged_results": ("import torch, os\n"
                       "for folder in ('/sandbox/out', os.getcwd()):\n"
                       "    try:\n"
                       "        torch.save({'defined': True, 'cases': [], 'cells': []}, folder + '/squeeze.pt')\n"
                       "    except OSError:\n"
                       "        pass\n"
                       "torch.save = lambda *a, **k: None\n"),
    "tensor_subclass": None,  # replaces the wrong squeeze below
    "exit_after": "import os\nos._exit(0)\n",
    "kill_parent": "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n",
    "fork_bomb": "import os\nfor _ in range(12):\n    try:\n        os.fork()\n    except OSError:\n        break\n",
    "memory_bomb": "hog = bytearray(64 * 2**30)\n",
    "endless_cell": "while True:\n    pass\n",
    "huge_output": "print('x' * 200_000_000)\n",
    "alarm_ignored": "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass\n",
    "network": ("import socket\nsocket.create_connection(('pypi.org', 443), timeout=3)\n"),
}
LOOPING = ("endless_cell", "alarm_ignored")  # graded apart, with a short timeout
LOOPING_TIMEOUT = 3
SUBCLASS = ("import torch\nclass Always(torch.Tensor):\n"
            "    def __eq__(self, other):\n        return True\n"
            "def squeeze(x):\n    return Always(x[:, :, :1, :1].detach())\n")


def cheater(name: str):
    notebook = solved()
    if name == "tensor_subclass":
        return with_cells(notebook, SUBCLASS)
    if name == "network":  # correct code only if the network were reachable
        return with_cells(notebook, WRONG_SQUEEZE, CHEATS[name] + LEAK)
    return with_cells(notebook, WRONG_SQUEEZE, CHEATS[name])


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("cheats")
    submissions, out = base / "submissions", base / "results"
    students = {f"cheat_{name}": {"01_squeeze.ipynb": cheater(name)} for name in CHEATS}
    students["cheat_reference"] = {"01_squeeze.ipynb": with_cells(solved(), WRONG_SQUEEZE, LEAK)}
    solution_file = ROOT / "solutions" / "attention" / "01_squeeze.ipynb"
    students["cheat_read_solutions"] = {"01_squeeze.ipynb": with_cells(
        solved(), WRONG_SQUEEZE, f"raise RuntimeError(open({str(solution_file)!r}).read()[:3000])\n")}
    students["cheat_points"] = {"01_squeeze.ipynb": points_raised(with_cells(solved(), WRONG_SQUEEZE))}
    students["cheat_overwrite"] = {"01_squeeze.ipynb": with_cells(solved(), WRONG_SQUEEZE, overwrite(submissions, out))}
    students["honest"] = {"01_squeeze.ipynb": solved()}
    looping = {name: students.pop(name) for name in [f"cheat_{n}" for n in LOOPING]}
    write_class(submissions, students)
    write_class(base / "looping", looping)
    before = digest(submissions)
    rows = grade_class(submissions, out)
    quick = grade_class(base / "looping", base / "looping-results", timeout=LOOPING_TIMEOUT)
    rows.update({student: row for student, row in quick.items() if student != "batch"})
    rows["batch"].records.extend(quick["batch"].records)
    return rows, out, submissions, before


def points_raised(notebook):
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            meta["points"] = 1000
    return notebook


def overwrite(submissions, out) -> str:
    return ("import os, json\n"
            f"for path in [{str(out / 'students' / 'honest.json')!r}, {str(out / 'scores.csv')!r},\n"
            f"             {str(submissions / 'honest' / 'attention' / '01_squeeze.ipynb')!r}]:\n"
            "    try:\n"
            "        os.makedirs(os.path.dirname(path), exist_ok=True)\n"
            "        open(path, 'w').write('{}')\n"
            "    except OSError:\n"
            "        pass\n")


def digest(folder):
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_honest_student_passes(graded):
    rows, out, _, _ = graded
    assert rows["honest"]["squeeze"]["status"] == "passed"
    assert float(rows["honest"]["squeeze"]["score"]) > 0
    record = json.loads((out / "students" / "honest.json").read_text("utf-8"))
    assert [r["status"] for r in record["results"] if r["exercise"] == "squeeze"] == ["passed"]


@pytest.mark.parametrize("name", sorted(list(CHEATS) + ["reference", "read_solutions", "points", "overwrite"]))
def test_a_cheat_earns_nothing(graded, name):
    rows, *_ = graded
    row = rows[f"cheat_{name}"]["squeeze"]
    assert float(row["score"]) == 0.0, row
    assert row["status"] != "passed"


def test_max_scores_come_from_the_instructor_notebook(graded):
    rows, *_ = graded
    assert rows["cheat_points"]["squeeze"]["max_score"] == rows["honest"]["squeeze"]["max_score"] != "1000"


def test_submissions_are_never_modified(graded):
    _, _, submissions, before = graded
    assert digest(submissions) == before


def test_no_hidden_tests_or_solutions_reach_the_feedback(graded):
    _, out, _, _ = graded
    for page in (out / "feedback").rglob("*.html"):
        text = page.read_text("utf-8")
        assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text and "nbgrader" not in text


def test_the_batch_records_every_student(graded):
    rows, out, _, _ = graded
    assert len(rows["batch"].records) == len(CHEATS) + 5


def test_results_planted_by_an_earlier_notebook_are_not_taken(tmp_path):
    """Notebook 01 writes perfect results for cbam (as if it had them), notebook 05 then quits early."""
    import base64
    import io

    import torch

    from autograder import reference
    from autograder.checks import cases, probe

    perfect = {"defined": True, "cells": [],
               "cases": [{"ok": True, "results": probe(reference.CBAM, case)} for case in cases("cbam")
                         if case.device != "cuda"]}
    buffer = io.BytesIO()
    torch.save(perfect, buffer)
    plant = ("import base64\n"
             f"open('/sandbox/out/cbam.pt', 'wb').write(base64.b64decode({base64.b64encode(buffer.getvalue()).decode()!r}))\n")
    folder = write_class(tmp_path / "class", {"planter": {
        "01_squeeze.ipynb": with_cells(solved(), plant),
        "05_spatial_attention.ipynb": with_cells(solved("05_spatial_attention"), "import os\nos._exit(0)\n")}})
    rows = grade_class(folder, tmp_path / "results")
    assert rows["planter"]["squeeze"]["status"] == "passed"
    assert float(rows["planter"]["cbam"]["score"]) == 0.0 and rows["planter"]["cbam"]["status"] == "error"
