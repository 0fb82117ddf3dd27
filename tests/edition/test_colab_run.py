"""Each released notebook, with the instructor's solutions filled into its solution cells, runs
top to bottom in an environment like Colab's: only torch, numpy, matplotlib and ipykernel, no
course code, no install cell, a working directory holding nothing but the notebook."""
import os
import subprocess

import colab_env
import nbformat
import pytest
from nbclient import NotebookClient

from autograder import kernel_zygote
from autograder.exercises import ASSIGNMENT, NOTEBOOKS
from autograder.kernels import IPCKernelManager
from autograder.links import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def colab_python():
    interpreter = colab_env.python()
    colab_env.fork_kernels()
    return interpreter


def kernel_env() -> dict:
    """The kernel's environment: no path to the course's code or environment."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("PYTHONPATH", "MPLBACKEND", "VIRTUAL_ENV", "JUPYTER_PATH")}
    env["PATH"] = os.pathsep.join([str(colab_env.VENV / "bin"), "/usr/bin", "/bin"])
    return env


def solved(stem: str):
    """The released notebook with each solution cell replaced by the instructor's code."""
    released = nbformat.read(ROOT / "notebooks" / ASSIGNMENT / f"{stem}.ipynb", as_version=4)
    source = {cell.get("id"): cell for cell in
              nbformat.read(ROOT / "solutions" / ASSIGNMENT / f"{stem}.ipynb", as_version=4).cells}
    filled = 0
    for cell in released.cells:
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
            lines = source[cell.id].source.splitlines()
            cell.source = "\n".join(line for line in lines if line.strip() not in
                                    ("### BEGIN SOLUTION", "### END SOLUTION"))
            filled += 1
    assert filled, f"{stem} has no solution cell"
    assert "HIDDEN TESTS" not in "".join(cell.source for cell in released.cells)
    return released


def test_the_environment_holds_only_what_colab_has(colab_python):
    names = subprocess.run([str(colab_python), "-m", "pip", "list", "--format=freeze"], env=kernel_env(),
                           capture_output=True, text=True, check=True).stdout
    installed = {line.split("==")[0].lower() for line in names.splitlines()}
    assert {"torch", "numpy", "matplotlib", "ipykernel"} <= installed
    assert not installed & {"nbgrader", "autograder", "cnn-attention", "jupyter-book", "pytest"}
    denied = subprocess.run([str(colab_python), "-c", "import autograder"], env=kernel_env(), cwd="/",
                            capture_output=True, text=True)
    assert denied.returncode != 0, "the course's code must not be importable in the Colab-like environment"


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_solved_notebook_runs_in_a_colab_like_environment(colab_python, stem, tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(colab_env.kernel_path()))
    notebook = solved(stem)
    client = NotebookClient(notebook, kernel_name=colab_env.KERNEL, timeout=300, kernel_manager_class=IPCKernelManager,
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute(env=kernel_env())
    if kernel_zygote.registered():  # else the kernelspec launches as usual (colab_env.fork_kernels)
        assert any(interpreter[0] == str(colab_python) for interpreter, _ in kernel_zygote.ZYGOTES), "not forked"
    errors = [output for cell in notebook.cells for output in cell.get("outputs", [])
              if output.get("output_type") == "error"]
    assert errors == []
