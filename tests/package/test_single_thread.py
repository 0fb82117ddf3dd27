"""The `single_thread` marker (tests/conftest.py): one torch thread while the test runs, the old number after it."""
import pytest
import torch

THREADS = torch.get_num_threads()  # read at collection, before any test of this file ran


@pytest.mark.single_thread
def test_a_marked_test_runs_on_one_thread():
    assert torch.get_num_threads() == 1


def test_the_threads_come_back_after_it():
    if THREADS == 1:
        pytest.skip("torch runs one thread on this machine anyway")
    assert torch.get_num_threads() == THREADS
