"""Markers for the whole suite.

- `gpu`: skipped, with its reason, where CUDA is missing.
- `slow`: besides the tests marked by hand, every test that needs the built book or the
  browser, and every test of the modules below (each starts kernels, nbgrader or a grading
  batch), so that ``pytest -m "not slow"`` is a loop of under a minute.
"""
import pytest
import torch

SLOW_FIXTURES = {"built_book", "browser"}  # a whole book build; Chromium
SLOW_MODULES = {
    "tests/notebooks/test_release.py",  # nbgrader generate_assignment
    "tests/notebooks/test_sources.py",  # runs every instructor notebook in a kernel
}


def pytest_collection_modifyitems(config, items):
    skip_gpu = None if torch.cuda.is_available() else pytest.mark.skip(reason="CUDA is not available on this machine")
    for item in items:
        if skip_gpu and "gpu" in item.keywords:
            item.add_marker(skip_gpu)
        module = item.nodeid.split("::")[0]
        if module in SLOW_MODULES or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
