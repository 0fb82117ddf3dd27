"""The batch's own process never imports torch: only the fork server its workers start from does (once per batch),
and it answers whether CUDA works."""
import json
import subprocess
import sys

import pytest
import torch

from autograder.demo.submission import solved_notebook
from autograder.grade.batch import GraderError, resolve_device, worker_context
from autograder.grade.course import ROOT, load_course
from grader_class import write_class

GRADE_AND_TELL = """
import json, sys
from pathlib import Path
from autograder.grade.batch import grade
batch = grade(Path(sys.argv[1]), Path(sys.argv[2]), workers=1, progress=False, gradebook=Path(sys.argv[2]) / "gb.db")
squeeze = next(r for r in batch.records[0]["results"] if r["exercise"] == "squeeze")
print(json.dumps({"torch": "torch" in sys.modules, "squeeze": [squeeze["score"], squeeze["max_score"]]}))
"""


@pytest.mark.slow
def test_a_batch_grades_without_importing_torch_in_its_own_process(tmp_path):
    write_class(tmp_path / "class", {"ada": {"01_squeeze.ipynb": solved_notebook(load_course(ROOT), "01_squeeze")}})
    done = subprocess.run([sys.executable, "-c", GRADE_AND_TELL, str(tmp_path / "class"), str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    told = json.loads(done.stdout.strip().splitlines()[-1])
    assert told["squeeze"][0] == told["squeeze"][1] > 0  # the student was really graded, and right
    assert told["torch"] is False


def test_the_device_is_what_torch_says_in_a_worker():
    context = worker_context()
    assert resolve_device("auto", context) == ("cuda" if torch.cuda.is_available() else "cpu")
    assert resolve_device("cpu", context) == "cpu"
    with pytest.raises(GraderError, match="auto, cpu or cuda"):
        resolve_device("gpu", context)
    if not torch.cuda.is_available():
        with pytest.raises(GraderError, match="CUDA is not available"):
            resolve_device("cuda", context)
