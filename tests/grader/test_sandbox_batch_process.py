"""The batch's own process never imports torch: only the fork server its workers start from does (once per batch),
and it answers whether CUDA works. A deep TMPDIR (a CI runner's or pytest-xdist's) must not stop a batch:
multiprocessing's fork server listens on a Unix socket under TMPDIR, whose path may hold at most 107 bytes."""
import json
import os
import subprocess
import sys

import pytest
import torch

from autograder.demo.submission import solved_notebook
from autograder.grade.batch import GraderError, resolve_device, worker_context
from autograder.grade.course import ROOT, load_course
from grader_class import write_class

GRADE_AND_TELL = """
import json, sys
from pathlib import Path
from autograder.grade.batch import grade
batch = grade(Path(sys.argv[1]), Path(sys.argv[2]), workers=1, progress=False, gradebook=Path(sys.argv[2]) / "gb.db")
squeeze = next(r for r in batch.records[0]["results"] if r["exercise"] == "squeeze")
print(json.dumps({"torch": "torch" in sys.modules, "squeeze": [squeeze["score"], squeeze["max_score"]]}))
"""


@pytest.fixture(scope="module")
def graded_under_a_deep_tmpdir(tmp_path_factory):
    """One student graded by a batch in a process of its own, whose TMPDIR is too deep for a Unix socket."""
    base = tmp_path_factory.mktemp("batch-process")
    deep = base / ("d" * 100)
    deep.mkdir()
    write_class(base / "class", {"ada": {"01_squeeze.ipynb": solved_notebook(load_course(ROOT), "01_squeeze")}})
    done = subprocess.run([sys.executable, "-c", GRADE_AND_TELL, str(base / "class"), str(base / "out")],
                          env=dict(os.environ, TMPDIR=str(deep)), capture_output=True, text=True, timeout=600,
                          cwd=ROOT)
    return done, deep


@pytest.mark.slow
def test_a_batch_grades_without_importing_torch_in_its_own_process(graded_under_a_deep_tmpdir):
    done, _ = graded_under_a_deep_tmpdir
    assert done.returncode == 0, done.stderr[-2000:]
    told = json.loads(done.stdout.strip().splitlines()[-1])
    assert told["squeeze"][0] == told["squeeze"][1] > 0  # the student was really graded, and right
    assert told["torch"] is False


def test_the_device_is_what_torch_says_in_a_worker():
    context = worker_context()
    assert resolve_device("auto", context) == ("cuda" if torch.cuda.is_available() else "cpu")
    assert resolve_device("cpu", context) == "cpu"
    with pytest.raises(GraderError, match="auto, cpu or cuda"):
        resolve_device("gpu", context)
    if not torch.cuda.is_available():
        with pytest.raises(GraderError, match="CUDA is not available"):
            resolve_device("cuda", context)


def test_a_students_process_starts_with_the_judges_caches_and_the_books_links():
    """Filled once by the fork server (autograder/grade/preload.py), not again in every student's process."""
    context = worker_context()
    answer, question = context.Pipe(duplex=False)
    tell = ("from autograder import links\nfrom autograder.checks import judge\n"
            "question.send((len(judge._CACHE), links._config.cache_info().currsize,"
            " links.chapters.cache_info().currsize))")
    child = context.Process(target=exec, args=(tell, {"question": question}))
    child.start()
    question.close()
    try:
        assert answer.poll(120), "the process forked from the fork server said nothing"
        cached, config, toc = answer.recv()
    finally:
        child.join(30)
    assert cached > 0 and config == 1 and toc == 1


def test_links_that_cannot_be_read_do_not_stop_the_fork_server_from_loading(monkeypatch):
    """A broken _config.yml must cost each student's feedback, as it did before the fork server read it, not the
    fork server itself, whose death would end the batch in a traceback."""
    import importlib

    from autograder import links

    def broken(root=links.ROOT):
        raise ValueError("_config.yml: repository.url must be a GitHub repository")

    monkeypatch.setattr(links, "location", broken)
    monkeypatch.delitem(sys.modules, "autograder.grade.preload", raising=False)
    importlib.import_module("autograder.grade.preload")


@pytest.mark.slow
def test_the_workers_start_under_a_temporary_folder_too_deep_for_a_unix_socket(graded_under_a_deep_tmpdir):
    done, deep = graded_under_a_deep_tmpdir
    assert done.returncode == 0 and done.stdout.strip(), done.stderr[-2000:]  # the workers started and graded
    assert not list(deep.iterdir()), "nothing is left in TMPDIR"
