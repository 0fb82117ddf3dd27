"""The course is installed, not found through PYTHONPATH: any process of its Python imports it from anywhere."""
import os
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.grade.course import ROOT
from autograder.kernels import IPCKernelManager


def clean_env() -> dict:
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def test_python_imports_the_course_from_another_folder(tmp_path):
    done = subprocess.run([sys.executable, "-c", "import autograder, experiments; print(autograder.__file__)"],
                          cwd=tmp_path, env=clean_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(ROOT / "autograder" / "__init__.py")  # editable: the checkout itself


@pytest.mark.slow
def test_a_jupyter_kernel_imports_the_course(tmp_path, monkeypatch):
    monkeypatch.delenv("PYTHONPATH", raising=False)
    monkeypatch.chdir(tmp_path)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import autograder.exercises, experiments\nprint(autograder.exercises.__file__)")])
    NotebookClient(notebook, timeout=120, kernel_name="python3", kernel_manager_class=IPCKernelManager,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert notebook.cells[0].outputs[0]["text"].strip() == str(ROOT / "autograder" / "exercises.py")


def test_the_console_script_runs_the_command_line(tmp_path):
    script = os.path.join(os.path.dirname(sys.executable), "cnn-attention")
    done = subprocess.run([script, "--help"], cwd=tmp_path, env=clean_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: cnn-attention [-h] COMMAND")
