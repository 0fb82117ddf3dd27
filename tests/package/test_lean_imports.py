"""No process of the course builds jsonschema's RFC 3987 grammar (rfc3987-syntax, on lark): about 3 CPU-s
at import in every process that imports jsonschema, for a format nothing here checks. jsonschema is
pinned below 4.25, whose format-nongpl extra (which jupyter-events asks for) pulls it in."""
import subprocess
import sys

import pytest

CHECK = """
import sys
{imports}
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
nbformat.validate(nb)
print(sorted(name for name in ("rfc3987_syntax", "lark") if name in sys.modules))
"""

USES = {  # what each kind of process imports: a chapter's kernel, the grader, nbgrader's commands, the book build
    "chapter": "import experiments, nbformat\nfrom myst_nb import glue\nglue('x', 1, display=False)",
    "grader": "import autograder.grade.batch, nbformat",
    "nbgrader": "import nbgrader.api, nbgrader.apps, nbformat",
    "book build": "import jupyter_book.config, nbformat",
}


@pytest.mark.parametrize("use", USES)
def test_no_process_builds_the_rfc3987_grammar(use):
    result = subprocess.run([sys.executable, "-c", CHECK.format(imports=USES[use])],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout
