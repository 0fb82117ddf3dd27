"""The study's worker processes start from a real Jupyter kernel, as when the book executes chapter 7, and give
the runs one process gives: each run seeds itself, so where it runs must not change a single number."""
import json

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.kernels import IPCKernelManager

CELL = """
import hashlib, json
from dataclasses import asdict, replace
from experiments.attention import course_modules
from experiments.study import StudyConfig, run_study
tiny = StudyConfig(seeds=2, epochs=1, canvas=12, train_images=96, test_images=64, batch_size=32,
                   attentions=("none", "se"), processes=2)


def digest(tensor):
    return hashlib.sha256(tensor.detach().contiguous().numpy().tobytes()).hexdigest()


def outcome(config):
    runs, models, test = run_study(config, progress=False, modules=course_modules())
    return {"runs": [asdict(r) | {"seconds": 0, "cpu_seconds": 0} for r in runs],
            "weights": {name: [digest(t) for t in model.state_dict().values()] for name, model in models.items()},
            "test": digest(test.images)}


print(json.dumps({"shared": outcome(tiny), "alone": outcome(replace(tiny, processes=1))}))
"""


@pytest.mark.slow
def test_two_worker_processes_run_from_a_jupyter_kernel_give_the_runs_one_process_gives(tmp_path):
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL)])
    client = NotebookClient(notebook, timeout=300, kernel_name="python3", kernel_manager_class=IPCKernelManager,
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    output = notebook.cells[0].outputs[-1]
    assert output["output_type"] == "stream", output
    found = json.loads(output["text"])
    shared, alone = found["shared"], found["alone"]
    assert [(r["attention"], r["seed"]) for r in alone["runs"]] == [("none", 0), ("se", 0), ("none", 1), ("se", 1)]
    assert all(len(r["test_accuracy"]) == len(r["train_loss"]) == 1 for r in alone["runs"])
    assert set(alone["weights"]) == {"none", "se"} and all(alone["weights"].values())
    assert shared == alone
