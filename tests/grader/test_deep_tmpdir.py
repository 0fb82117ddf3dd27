"""A deep TMPDIR (a CI runner's or pytest-xdist's) must not stop a batch: multiprocessing's fork server listens on
a Unix socket under TMPDIR, whose path may hold at most 107 bytes."""
import subprocess
import sys

START_THE_WORKERS = "from autograder.grade.batch import worker_context; worker_context(); print('started')"


def test_the_workers_start_under_a_temporary_folder_too_deep_for_a_unix_socket(tmp_path):
    deep = tmp_path / ("d" * 100)
    deep.mkdir()
    run = subprocess.run([sys.executable, "-c", START_THE_WORKERS], env={"TMPDIR": str(deep), "PATH": "/usr/bin:/bin"},
                         capture_output=True, text=True, timeout=300)
    assert run.stdout.strip() == "started", run.stderr[-2000:]
    assert not list(deep.iterdir()), "nothing is left in TMPDIR"
