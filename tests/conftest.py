"""Markers for the whole suite.

- `gpu`: skipped, with its reason, where CUDA is missing.
- `single_thread`: one torch thread while the test runs; every test in SINGLE_THREAD has it (their
  tensors are tiny, and threads only contend on a busy CI machine).
- `slow`: besides the tests marked by hand, every test that needs the built book or the
  browser, and the tests below (a test file, or a test's name within it), measured at
  several seconds each, so that ``pytest -m "not slow"`` stays a quick loop.
"""
import importlib.util
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

SINGLE_THREAD = ("tests/checks/", "tests/reference/")
SLOW_FIXTURES = {"built_book", "edition", "browser"}  # a whole book build (publishing builds one too); Chromium
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
        if item.nodeid.startswith(SINGLE_THREAD):
            item.add_marker(pytest.mark.single_thread)
        if item.nodeid.startswith(SLOW_TESTS) or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def single_thread(request):
    """One torch thread for a test marked `single_thread`; the number it had afterwards."""
    if not request.node.get_closest_marker("single_thread"):
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def chromium_finder():
    """scripts/find_chromium.py, the one place that says which Chromium the browser tests use."""
    spec = importlib.util.spec_from_file_location("find_chromium", ROOT / "scripts" / "find_chromium.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium driven by playwright: the system's (Debian's chromium), else playwright's own
    when installed; one per session, since playwright's sync API runs one event loop at a time."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        executable = chromium_finder().find_chromium(playwright_browser=playwright.chromium.executable_path)
        if not executable:
            pytest.fail("No Chromium for playwright: make system-deps installs one", pytrace=False)
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
