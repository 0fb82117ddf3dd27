"""Where bubblewrap is installed, the sandbox must really start: the fallback grades without isolation."""
import shutil
import sys

import pytest

from autograder.grade import sandbox


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed (.ci/run installs it)")
def test_bubblewrap_starts_with_this_python():
    assert sandbox.bwrap_works(), (
        f"bwrap is installed but the sandbox does not start with {sys.prefix}: "
        "student code would run without isolation")
