"""The LMS tests' shared, slow part: each layout's class graded once from its zip, all in one fresh interpreter,
whose TMPDIR is too deep for a Unix socket (a CI runner's or pytest-xdist's can be: multiprocessing's fork server
listens on a socket under TMPDIR, whose path may hold at most 107 bytes)."""
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import pytest
from lms_class import LAYOUTS, TIMEOUT, entries, write_zip

# Grades each layout's zip, then reports each batch's summary and what the grading imported of Dask and torch; one
# warm sandbox, kept from batch to batch, grades them all.
GRADE_EACH = f"""
import json, sys
from pathlib import Path
from autograder.grade import warm_sandbox
from autograder.grade.batch import grade

warm_sandbox.keep_between_batches()
summaries = {{}}
for layout, (archive, out) in json.loads(sys.argv[1]).items():
    summaries[layout] = grade(Path(archive), Path(out), workers=1, timeout={TIMEOUT}, progress=False,
                              gradebook=Path(out) / "gradebook.db").summary
dask = sorted(m for m in sys.modules if m.split(".")[0] in ("dask", "distributed"))
print(json.dumps({{"summaries": summaries, "dask": dask, "torch": "torch" in sys.modules}}))
"""


class GradedLayouts(NamedTuple):
    results: dict  # layout -> the batch's results folder
    summaries: dict  # layout -> the batch's summary
    dask_modules: list  # what the interpreter that graded them all had imported of Dask
    imported_torch: bool  # whether it had imported torch (only the fork server its workers start from may)
    tmpdir: Path  # its TMPDIR, too deep for a Unix socket


@pytest.fixture(scope="session")
def graded_layouts(tmp_path_factory):
    """Each layout's class graded once from its zip by a fresh interpreter (which must never import Dask
    without a cluster, nor torch) under a deep TMPDIR; shared by the LMS tests."""
    base = tmp_path_factory.mktemp("layouts")
    deep = base / ("d" * 100)
    deep.mkdir()
    jobs = {layout: (str(write_zip(base / f"{layout}.zip", entries(layout)[0])), str(base / layout))
            for layout in LAYOUTS}
    done = subprocess.run([sys.executable, "-c", GRADE_EACH, json.dumps(jobs)], capture_output=True, text=True,
                          env=dict(os.environ, TMPDIR=str(deep)), timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return GradedLayouts({layout: base / layout for layout in LAYOUTS}, report["summaries"], report["dask"],
                         report["torch"], deep)
