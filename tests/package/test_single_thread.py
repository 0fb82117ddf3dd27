"""The `single_thread` marker (tests/conftest.py): one torch thread while a marked test runs."""
import pytest
import torch


@pytest.mark.single_thread
def test_a_marked_test_runs_on_one_thread():
    assert torch.get_num_threads() == 1
