"""One torch thread while these tests run: their tensors are tiny, and threads only contend on a busy CI machine."""
import pytest
import torch


@pytest.fixture(autouse=True, scope="package")
def single_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)
