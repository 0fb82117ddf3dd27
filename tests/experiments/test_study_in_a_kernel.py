"""The study's worker processes start from a real Jupyter kernel, as when the book executes chapter 7."""
import json

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.kernels import IPCKernelManager

CELL = """
from dataclasses import asdict, replace
from experiments.attention import course_modules
from experiments.study import StudyConfig, run_study
tiny = StudyConfig(seeds=2, epochs=1, canvas=12, train_images=96, test_images=64, batch_size=32,
                   attentions=("none", "se"), processes=2)
shared = run_study(tiny, progress=False, modules=course_modules())[0]
alone = run_study(replace(tiny, processes=1), progress=False, modules=course_modules())[0]
print(json.dumps([[r.test_accuracy, r.train_loss] for r in shared] + [[r.test_accuracy, r.train_loss] for r in alone]))
"""


@pytest.mark.slow
def test_two_worker_processes_run_from_a_jupyter_kernel(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import json\n" + CELL)])
    client = NotebookClient(notebook, timeout=300, kernel_name="python3", kernel_manager_class=IPCKernelManager,
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    output = notebook.cells[0].outputs[-1]
    assert output["output_type"] == "stream", output
    numbers = json.loads(output["text"])
    assert len(numbers) == 8 and numbers[:4] == numbers[4:]
