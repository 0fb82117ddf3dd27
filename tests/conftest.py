"""Markers for the whole suite.

- `gpu`: skipped, with its reason, where CUDA is missing.
- `slow`: besides the tests marked by hand, every test that needs the built book or the
  browser, and the tests below (a test file, or a test's name within it), measured at
  several seconds each, so that ``pytest -m "not slow"`` stays a quick loop.
"""
import os

import pytest
import torch

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

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


@pytest.fixture(scope="session")
def browser():
    """Debian's headless Chromium, driven by playwright (never its downloaded browsers); one per
    session, since playwright's sync API runs one event loop at a time."""
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make system-deps does)", pytrace=False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
