"""scripts/system-packages.sh: what `make test` runs to get bubblewrap and Chromium on a fresh machine."""
import os
import shutil
import subprocess

import pytest


def unprivileged(command: list) -> list:
    """The command as a user who can neither install packages nor sudo."""
    if os.getuid() != 0:
        return command
    if not shutil.which("setpriv"):
        pytest.skip("setpriv (util-linux) is needed to drop root")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]


@pytest.fixture
def run(scripts_for_nobody):
    """The script run with these package arguments, as an unprivileged user."""
    def run(*packages: str) -> subprocess.CompletedProcess:
        return subprocess.run(unprivileged(["bash", str(scripts_for_nobody / "system-packages.sh"), *packages]),
                              capture_output=True, text=True, env={"PATH": os.environ["PATH"]})
    return run


def test_nothing_to_do_when_every_command_is_there(run):
    done = run("bash=bash", "sh=dash")
    assert done.returncode == 0 and done.stdout == "" and done.stderr == ""


def test_without_the_rights_it_says_what_to_run_and_fails(run):
    done = run("bash=bash", "no-such-tool-7f3a=tool-package", "other-missing-tool-7f3a=other-package")
    assert done.returncode == 1
    assert "Missing system packages: tool-package other-package." in done.stderr
    assert "sudo apt-get update && sudo apt-get install tool-package other-package" in done.stderr


def test_a_bare_package_name_is_checked_with_dpkg(run):
    if not shutil.which("dpkg-query"):
        pytest.skip("not a Debian system")
    assert run("bash").returncode == 0  # installed on every Debian and Ubuntu
    assert "Missing system packages: no-such-package-7f3a." in run("no-such-package-7f3a").stderr
