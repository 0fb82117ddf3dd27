"""The fork server a batch's workers start from: it answers whether CUDA works, and a student's process forked from
it starts with what preload.py loaded. (A batch's own process never imports torch, and its workers start under a
TMPDIR too deep for a Unix socket: the LMS layouts' batches show both, tests/lms/test_lms_layouts.py.)"""
import sys

import pytest
import torch

from autograder.grade.batch import GraderError, resolve_device, worker_context


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
