"""The chapters' kernels and the grader's processes skip jsonschema's RFC 3987 grammar (seconds to build,
a format nbformat never checks), and nbformat still validates notebooks without it."""
import subprocess
import sys

import pytest

CHECK = """
import sys
import {package}
import nbformat
{use}
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
nbformat.validate(nb)
print(sys.modules.get("rfc3987_syntax", "missing"))
"""


@pytest.mark.parametrize("package,use", [
    ("experiments", "from myst_nb import glue; glue('x', 1, display=False)"),
    ("autograder.grade", "")])
def test_the_rfc3987_grammar_is_not_built(package, use):
    result = subprocess.run([sys.executable, "-c", CHECK.format(package=package, use=use)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None"
