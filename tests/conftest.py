"""Markers for the whole suite.

- `gpu`: skipped, with its reason, where CUDA is missing.
- `slow`: besides the tests marked by hand, every test that needs the built book or the
  browser, and the tests below (a test file, or a test's name within it), measured at
  several seconds each, so that ``pytest -m "not slow"`` stays a quick loop.
"""
import pytest
import torch

SLOW_FIXTURES = {"built_book", "browser"}  # a whole book build; Chromium
SLOW_TESTS = (
    "tests/notebooks/test_release.py::test_release_is_up_to_date",  # nbgrader generate_assignment
    "tests/notebooks/test_checks.py::test_probe_never_imports_the_reference",  # a fresh interpreter
    "tests/experiments/test_resnet_cost.py::test_forward_gives_logits",  # ResNet-50 forward and backward
)


def pytest_collection_modifyitems(config, items):
    skip_gpu = None if torch.cuda.is_available() else pytest.mark.skip(reason="CUDA is not available on this machine")
    for item in items:
        if skip_gpu and "gpu" in item.keywords:
            item.add_marker(skip_gpu)
        if item.nodeid.startswith(SLOW_TESTS) or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
