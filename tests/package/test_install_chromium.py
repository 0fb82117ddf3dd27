"""scripts/install-chromium.sh: `make system-deps` gets the browser tests a Chromium on Debian and on Ubuntu.

The machine's own Chromium is hidden (an empty file bound over it with bubblewrap) and apt's answer
is faked, to see what the script does for a user without the rights to install.
"""
import os
import shutil
import subprocess
import sys

import pytest

from autograder.grade.course import ROOT

SCRIPT = ROOT / "scripts" / "install-chromium.sh"
UBUNTU_APT = "Package: chromium-browser\nDescription-en: Transitional package - chromium-browser -> chromium snap\n"


def run_hidden(tmp_path, script, apt_cache: str | None) -> subprocess.CompletedProcess:
    """The script as nobody, on this machine with its Chromium hidden and, if given, apt-cache's answer faked."""
    if os.getuid() != 0 or not (shutil.which("bwrap") and shutil.which("setpriv")):
        pytest.skip("needs root, bubblewrap and setpriv to hide this machine's Chromium")
    empty = tmp_path / "empty"
    empty.write_text("")
    binds = []
    for name in ("chromium", "chromium-browser"):
        for folder in os.environ["PATH"].split(os.pathsep):
            if os.path.isfile(os.path.join(folder, name)):
                binds += ["--ro-bind", str(empty), os.path.join(folder, name)]
    if apt_cache is not None:
        fake = tmp_path / "apt-cache"
        fake.write_text(f"#!/bin/sh\nprintf '%s' '{apt_cache}'\n")
        fake.chmod(0o755)
        binds += ["--ro-bind", str(fake), shutil.which("apt-cache")]
    env = ["env", "-i", f"PATH={os.environ['PATH']}", f"PYTHON={sys.executable}", "HOME=/nonexistent",
           f"PLAYWRIGHT_BROWSERS_PATH={tmp_path / 'no-browsers'}"]
    command = ["bwrap", "--dev-bind", "/", "/", *binds, "setpriv", "--reuid=65534", "--regid=65534",
               "--clear-groups", *env, "bash", str(script)]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def test_nothing_to_do_when_a_chromium_is_there():
    if subprocess.run([sys.executable, ROOT / "scripts" / "find_chromium.py"], capture_output=True).returncode:
        pytest.skip("no Chromium on this machine")
    done = subprocess.run(["bash", SCRIPT], capture_output=True, text=True, env=dict(os.environ, PYTHON=sys.executable))
    assert done.returncode == 0 and done.stdout == "" and done.stderr == ""


def test_on_ubuntu_it_says_to_install_playwrights_chromium(tmp_path, scripts_for_nobody):
    if not shutil.which("apt-cache"):
        pytest.skip("not a Debian or Ubuntu system")
    done = run_hidden(tmp_path, scripts_for_nobody / "install-chromium.sh", UBUNTU_APT)
    assert done.returncode == 1, done
    assert "playwright install-deps chromium" in done.stderr and "playwright install chromium" in done.stderr
    assert "apt-get install" not in done.stderr


def test_on_debian_it_says_to_install_apts_chromium(tmp_path, scripts_for_nobody):
    if not shutil.which("apt-cache") or subprocess.run(["apt-cache", "show", "chromium"],
                                                       capture_output=True).returncode:
        pytest.skip("apt does not know Debian's chromium here")
    done = run_hidden(tmp_path, scripts_for_nobody / "install-chromium.sh", None)
    assert done.returncode == 1, done
    assert "sudo apt-get update && sudo apt-get install chromium" in done.stderr
    assert "playwright" not in done.stderr
