"""`make install` reinstalls when the pins change, and only then: a fresh clone's new file dates are not a change."""
import os
import shutil
import subprocess

import pytest

from autograder.grade.course import ROOT


@pytest.fixture
def checkout(tmp_path):
    """The Makefile and its install inputs, with a stand-in environment (a python that only logs its calls)."""
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    for name in ("Makefile", "pyproject.toml", "constraints.txt"):
        shutil.copy(ROOT / name, tmp_path / name)
    python = tmp_path / ".venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f"#!/bin/sh\necho \"$@\" >> {tmp_path / 'calls.log'}\n")
    python.chmod(0o755)
    return tmp_path


def make_install(folder) -> list:
    done = subprocess.run(["make", "install"], cwd=folder, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    log = folder / "calls.log"
    calls = log.read_text().splitlines() if log.exists() else []
    log.unlink(missing_ok=True)
    return calls


def test_install_runs_once_and_again_only_when_the_pins_change(checkout):
    assert [c for c in make_install(checkout) if "pip install" in c]
    later = os.stat(checkout / "Makefile").st_mtime + 3600
    for name in ("pyproject.toml", "constraints.txt"):  # as a fresh clone or a checkout leaves them
        os.utime(checkout / name, (later, later))
    assert make_install(checkout) == []
    with open(checkout / "constraints.txt", "a") as handle:
        handle.write("# a changed pin\n")
    assert [c for c in make_install(checkout) if "pip install" in c]
    assert len(list((checkout / ".venv").glob(".installed*"))) == 1


def test_ci_runs_the_readmes_test_command():
    readme = (ROOT / "README.md").read_text("utf-8")
    first_block = readme.split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in first_block.splitlines()]
    assert "make test" in commands
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line.strip() and not line.startswith("#")]
    assert ci[-1] == "make test"
