"""The suite caches bytecode even where the environment says not to (tests/conftest.py): this process, and every
interpreter it starts, writes and reads __pycache__."""
import subprocess
import sys


def test_this_process_writes_bytecode():
    assert not sys.dont_write_bytecode


def test_an_interpreter_the_suite_starts_writes_bytecode(tmp_path):
    (tmp_path / "module_of_the_test.py").write_text("VALUE = 1\n")
    subprocess.run([sys.executable, "-c", "import module_of_the_test"], cwd=tmp_path, check=True, timeout=60)
    assert list((tmp_path / "__pycache__").glob("module_of_the_test.*.pyc"))
