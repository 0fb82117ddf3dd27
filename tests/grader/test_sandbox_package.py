"""The sandbox's library is one package, copied whole, that imports nothing of the trusted side and holds none of it.

Checked three ways: statically over every import statement of the package; by importing each
of its modules from the copy in a fresh interpreter where the course's own package cannot be
imported at all; and by reading the copy for anything of the reference, the judge, the solutions.
"""
import ast
import json
import subprocess
import sys
from pathlib import Path

import nbformat

from autograder.grade import sandbox

ROOT = Path(__file__).resolve().parents[2]
INSIDE = ROOT / "autograder" / "inside"
THIRD_PARTY = {"torch", "numpy"}
REFERENCE = sorted((ROOT / "autograder" / "reference").glob("*.py"))


def test_the_package_imports_only_itself_the_standard_library_torch_and_numpy():
    outside = []
    for path in sorted(INSIDE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue  # relative: the package itself
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in THIRD_PARTY:
                    outside.append(f"{path.name}:{node.lineno} imports {name}")
    assert not outside, outside
    assert len(list(INSIDE.glob("*.py"))) >= 5  # harness, probe, matching, cases, exercises at least


IMPORT_EVERY_MODULE = """
import importlib, json, sys

class NoCourse:
    '''The course's own package is unreachable here, whatever is installed.'''
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] == 'autograder':
            raise ImportError('the sandbox package imported ' + name)

sys.meta_path.insert(0, NoCourse())
sys.path.insert(0, sys.argv[1])
import numpy, torch  # what the package may use, with everything they load themselves
before = set(sys.modules)
for name in json.loads(sys.argv[2]):
    importlib.import_module(name)
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_every_module_of_the_copy_imports_in_a_fresh_interpreter_without_the_course(tmp_path):
    library = sandbox.build_library(tmp_path / "library")
    modules = [f"{sandbox.COPY_NAME}.{p.stem}" for p in sorted((library / sandbox.COPY_NAME).glob("*.py"))]
    assert f"{sandbox.COPY_NAME}.harness" in modules and f"{sandbox.COPY_NAME}.probe" in modules
    done = subprocess.run([sys.executable, "-I", "-c", IMPORT_EVERY_MODULE, str(library), json.dumps(modules)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    loaded = json.loads(done.stdout)
    foreign = [name for name in loaded if name.split(".")[0] not in
               sys.stdlib_module_names | THIRD_PARTY | {sandbox.COPY_NAME}]
    assert not foreign, foreign
    assert set(modules) <= set(loaded)


def reference_bodies() -> list:
    """The source of every function body of the reference (what a student must write)."""
    bodies = []
    for path in REFERENCE:
        lines = path.read_text("utf-8").splitlines()
        for node in ast.walk(ast.parse("\n".join(lines))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                bodies.append("\n".join(lines[node.body[0].lineno - 1:node.end_lineno]))
    return bodies


def solution_blocks() -> list:
    """The text between BEGIN SOLUTION and END SOLUTION in every instructor notebook."""
    blocks = []
    for path in sorted((ROOT / "solutions").rglob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            blocks += [part.split("### END SOLUTION")[0] for part in cell.source.split("### BEGIN SOLUTION")[1:]]
    return blocks


def secret_lines() -> set:
    """Distinctive lines of the reference's functions and of the solutions that the API page does not show."""
    api = (ROOT / "docs" / "exercise-api.md").read_text("utf-8")
    lines = {line.strip() for text in reference_bodies() + solution_blocks() for line in text.splitlines()}
    return {line for line in lines if len(line) >= 30 and not line.startswith(("#", '"""'))
            and line.removeprefix("return ") not in api}


def test_nothing_trusted_is_in_the_copy(tmp_path):
    library = sandbox.build_library(tmp_path / "library")
    copied = sorted(p.relative_to(library) for p in library.rglob("*.py"))
    assert copied == sorted(Path(sandbox.COPY_NAME) / p.name for p in INSIDE.glob("*.py"))
    names = {part.lower() for p in library.rglob("*") for part in p.relative_to(library).parts}
    assert not names & {"reference", "judge.py", "mistakes.py", "solutions", "scoring.py", "gradebook.db",
                        "source", "autograder"}
    secret = secret_lines()
    assert len(secret) > 50  # the comparison below has something to find
    for path in library.rglob("*.py"):
        found = secret & {line.strip() for line in path.read_text("utf-8").splitlines()}
        assert not found, (path.name, sorted(found)[:5])
