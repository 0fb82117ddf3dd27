"""One class of cheating and broken submissions beside an honest student, graded once per test session.

- CHEATS: each trick sits on a wrong `squeeze`; none may earn the exercise's points.
- BROKEN: damaged or odd submissions; each is graded or reported, and none stops the batch.
- The attacks and probe tricks of attack_catalogue.py (test_attacks.py, test_attacks_probe.py).
- The honest student, graded in the same batch, must pass with her results intact: the control of them all.

The deliberately endless submissions (LOOPING) are graded in a batch of their own whose timeout
is short (LOOPING_TIMEOUT), so that they cost seconds rather than the class's timeout.
"""
import base64
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import torch
from attack_catalogue import attack_students, probe_students

from autograder.grade.names import safe_id
from grader_class import ROOT, WRONG_SQUEEZE, grade_class, grades, solved, strip_metadata, with_cells, write_class

LOOPING_TIMEOUT = 1  # seconds per exercise for the endless students: a loop ends there, whatever the load

LEAK = ("import sys, importlib\n"
        "for name in [n for n in sys.modules if n.split('.')[0] == 'autograder']:\n"
        "    del sys.modules[name]\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from autograder.reference import squeeze\n")

CHEATS = {  # cheat_NAME: the trick, in a cell after a wrong squeeze
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
    "probe_patched": ("import inside.probe as p, torch\n"
                      "p.probe = lambda obj, case: {'output': torch.zeros(case.shape[:2] + (1, 1)),"
                      " 'dtype': case.dtype, 'device': 'cpu', 'shape': str(case.shape[:2] + (1, 1))}\n"),
    "forged_results": ("import torch, os\n"
                       "for folder in ('/sandbox/out', os.getcwd()):\n"
                       "    try:\n"
                       "        torch.save({'defined': True, 'cases': [], 'cells': []}, folder + '/squeeze.pt')\n"
                       "    except OSError:\n"
                       "        pass\n"
                       "torch.save = lambda *a, **k: None\n"),
    "tensor_subclass": None,  # replaces the wrong squeeze: SUBCLASS
    "exit_after": "import os\nos._exit(0)\n",
    "kill_parent": "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n",
    "fork_bomb": "import os\nfor _ in range(12):\n    try:\n        os.fork()\n    except OSError:\n        break\n",
    "memory_bomb": "hog = bytearray(64 * 2**30)\n",
    "endless_cell": "while True:\n    pass\n",
    "huge_output": "print('x' * 200_000_000)\n",
    # Waits rather than spins: as endless to the grader, without burning a core until the notebook's budget.
    "alarm_ignored": ("import signal, time\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                      "while True:\n    time.sleep(1)\n"),
    "network": "import socket\nsocket.create_connection(('pypi.org', 443), timeout=3)\n",  # then LEAK
    "reference": LEAK,
    "read_solutions": None,  # SOLUTIONS_READ, needs the instructor notebook's path
    "points": None,  # the test cells claim 1000 points
    "overwrite": None,  # writes over the honest student's files: OVERWRITE, needs the batch's folders
}
SUBCLASS = ("import torch\nclass Always(torch.Tensor):\n"
            "    def __eq__(self, other):\n        return True\n"
            "def squeeze(x):\n    return Always(x[:, :, :1, :1].detach())\n")
SOLUTIONS_READ = "raise RuntimeError(open({path!r}).read()[:3000])\n"
OVERWRITE = ("import os, json\n"
             "for path in {paths!r}:\n"
             "    try:\n"
             "        os.makedirs(os.path.dirname(path), exist_ok=True)\n"
             "        open(path, 'w').write('{{}}')\n"
             "    except OSError:\n"
             "        pass\n")


def unknown_kernel(stem: str):
    notebook = solved(stem)
    notebook.metadata["kernelspec"] = {"name": "ir", "display_name": "R", "language": "R"}
    return notebook


MEMORY_BOMB = "hog = [bytearray(2**30) for _ in range(64)]\n"
HUGE_OUTPUT = "for _ in range(50):\n    print('y' * 2**20)\n"
# 4 GiB of address space, never touched (no memory used): more than a process of the default sandbox may map (4 GiB
# in all, 2 GiB below the sandbox's 6), so the map fails at once and the solved squeeze stays; were it allowed, the
# wrong squeeze would replace it.
MAP_PAST_SHARE = "import mmap\ntry:\n    hog = mmap.mmap(-1, 4 * 2**30)\nexcept OSError:\n    pass\nelse:\n" + \
    "".join(f"    {line}\n" for line in WRONG_SQUEEZE.splitlines())

BROKEN = {  # student -> (files, {exercise: expected status})
    "empty": ({"01_squeeze.ipynb": b""}, {"squeeze": "missing"}),
    "truncated": ({"01_squeeze.ipynb": b'{"cells": [{"cell_type": "code", "sour'}, {"squeeze": "missing"}),
    "not_a_notebook": ({"01_squeeze.ipynb": b"\x89PNG\r\n\x1a\n\x00\x00binary"}, {"squeeze": "missing"}),
    "endless_squeeze": ({"01_squeeze.ipynb": with_cells(solved(), "def squeeze(x):\n    while True:\n        pass\n")},
                        {"squeeze": "timeout"}),
    "maps_past_its_share": ({"01_squeeze.ipynb": with_cells(solved(), MAP_PAST_SHARE)}, {"squeeze": "passed"}),
    # Odd but gradable, one oddity per notebook (each notebook runs in a process of its own):
    # saved by Colab without metadata, an unknown kernel, a memory bomb then a fine cell, huge output.
    "odd_but_fine": ({"01_squeeze.ipynb": strip_metadata(solved()),
                      "02_excitation.ipynb": unknown_kernel("02_excitation"),
                      "03_eca.ipynb": with_cells(solved("03_eca"), MEMORY_BOMB, "x = 1\n"),
                      "04_channel_attention.ipynb": with_cells(solved("04_channel_attention"), HUGE_OUTPUT)},
                     {"squeeze": "passed", "excitation": "passed", "se_block": "passed", "eca_kernel_size": "passed",
                      "eca_block": "passed", "channel_attention": "passed"}),
    "renamed": ({"Copy of 01_squeeze (1).ipynb": solved()}, {"squeeze": "passed"}),
    "no notebooks at all": ({}, {"squeeze": "missing"}),
    "spaces and ünïcødé": ({"01_squeeze.ipynb": solved()}, {"squeeze": "passed"}),
    "<b>html<b> & co": ({"01_squeeze.ipynb": solved()}, {"squeeze": "passed"}),
    "-dash": ({"01_squeeze.ipynb": with_cells(solved(), WRONG_SQUEEZE)}, {"squeeze": "failed"}),
}
if not torch.cuda.is_available():
    BROKEN["cuda_on_cpu"] = ({"01_squeeze.ipynb": with_cells(
        solved(), "def squeeze(x):\n    return x.cuda().mean((2, 3), keepdim=True)\n")}, {"squeeze": "failed"})

LOOPING = {"cheat_endless_cell", "cheat_alarm_ignored", "endless_squeeze"}  # graded with LOOPING_TIMEOUT


def cheater(name: str, submissions: Path, out: Path):
    notebook = solved()
    if name == "tensor_subclass":
        return with_cells(notebook, SUBCLASS)
    if name == "network":  # correct code only if the network were reachable
        return with_cells(notebook, WRONG_SQUEEZE, CHEATS[name] + LEAK)
    if name == "read_solutions":
        return with_cells(notebook, WRONG_SQUEEZE,
                          SOLUTIONS_READ.format(path=str(ROOT / "solutions" / "attention" / "01_squeeze.ipynb")))
    if name == "points":
        for cell in notebook.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade"):
                meta["points"] = 1000
        return with_cells(notebook, WRONG_SQUEEZE)
    if name == "overwrite":
        paths = [str(out / "students" / "honest.json"), str(out / "scores.csv"),
                 str(submissions / "honest" / "attention" / "01_squeeze.ipynb")]
        return with_cells(notebook, WRONG_SQUEEZE, OVERWRITE.format(paths=paths))
    return with_cells(notebook, WRONG_SQUEEZE, CHEATS[name])


def planter():
    """Notebook 01 writes perfect results for cbam (as if it had them), notebook 05 then quits early."""
    from autograder import reference
    from autograder.checks import cases, probe

    perfect = {"defined": True, "cells": [],
               "cases": [{"ok": True, "results": probe(reference.CBAM, case)} for case in cases("cbam")
                         if case.device != "cuda"]}
    buffer = io.BytesIO()
    torch.save(perfect, buffer)
    encoded = base64.b64encode(buffer.getvalue()).decode()
    plant = f"import base64\nopen('/sandbox/out/cbam.pt', 'wb').write(base64.b64decode({encoded!r}))\n"
    return {"01_squeeze.ipynb": with_cells(solved(), plant),
            "05_spatial_attention.ipynb": with_cells(solved("05_spatial_attention"), "import os\nos._exit(0)\n")}


def students(submissions: Path, out: Path) -> dict:
    """Every student of the class: folder name -> {file name: notebook node | bytes}."""
    everyone = {f"cheat_{name}": {"01_squeeze.ipynb": cheater(name, submissions, out)} for name in CHEATS}
    everyone.update({name: files for name, (files, _) in BROKEN.items()})
    everyone["planter"] = planter()
    everyone.update(attack_students())
    everyone.update(probe_students())
    everyone["honest"] = {"01_squeeze.ipynb": solved(), "03_eca.ipynb": solved("03_eca"),
                          "05_spatial_attention.ipynb": solved("05_spatial_attention")}
    return everyone


def digest(folder: Path) -> dict:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@dataclass
class GradedClass:
    rows: dict  # student id -> {exercise: row of scores.csv}
    grades: dict  # student id -> row of grades.csv
    records: list  # every student's record, both batches
    names: list  # the student folders written (ids are safe_id of these)
    out: Path  # the class's results; the endless students' are in looping_out
    looping_out: Path
    submissions: list  # both batches' submission folders
    before: dict  # submission folder -> digest before grading

    def results_of(self, student_id: str) -> Path:
        return self.looping_out if student_id in {safe_id(n) for n in LOOPING} else self.out


def grade_hostile_class(base: Path) -> GradedClass:
    submissions, looping = base / "submissions", base / "looping"
    out, looping_out = base / "results", base / "looping-results"
    everyone = students(submissions, out)
    write_class(submissions, {name: files for name, files in everyone.items() if name not in LOOPING})
    write_class(looping, {name: everyone[name] for name in LOOPING})
    (submissions / "stray.txt").write_text("not a student")
    before = {folder: digest(folder) for folder in (submissions, looping)}
    rows = grade_class(submissions, out, workers=2)  # two sandboxes at once, as a real batch runs them
    quick = grade_class(looping, looping_out, timeout=LOOPING_TIMEOUT, workers=2)
    batch, quick_batch = rows.pop("batch"), quick.pop("batch")
    return GradedClass(rows={**rows, **quick}, grades={**grades(out), **grades(looping_out)},
                       records=batch.records + quick_batch.records, names=sorted(everyone), out=out,
                       looping_out=looping_out, submissions=[submissions, looping], before=before)
