"""Markers for the whole suite.

- `gpu`: skipped, with its reason, where CUDA is missing.
- `single_thread`: one torch thread while the test runs; every test in SINGLE_THREAD has it (their
  tensors are tiny, and threads only contend on a busy CI machine).
- `slow`: besides the tests marked by hand, every test that needs the built book or the
  browser, and the tests below (a test file, or a test's name within it), measured at
  several seconds each, so that ``pytest -m "not slow"`` stays a quick loop.

With pytest-xdist (``make test`` runs ``-n 2 --dist loadscope``) a worker takes whole modules, so a
module's fixtures are made once, and modules that share a session fixture (SHARED: one book build,
one hostile class, the graded LMS layouts) go to one worker together.
"""
import importlib.util
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
KERNELS = ROOT / "tests" / "kernels"  # a Jupyter data folder: kernels/python3/kernel.json
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

SINGLE_THREAD = ("tests/checks/", "tests/reference/")
SLOW_FIXTURES = {"built_book", "edition", "browser"}  # a whole book build (the edition publishes it); Chromium
SLOW_TESTS = (
    "tests/notebooks/test_release.py::test_release_is_up_to_date",  # nbgrader generate_assignment
    "tests/notebooks/test_checks.py::test_probe_never_imports_the_reference",  # a fresh interpreter
    "tests/experiments/test_resnet_cost.py::test_forward_gives_logits",  # ResNet-50 forward and backward
    "tests/book/test_book_photograph.py",  # torch and scikit-learn in a fresh interpreter
    "tests/grader/test_sandbox_font_cache.py",  # sandboxes and matplotlib's font list
    "tests/book/test_book_cache_watches.py::test_every_course_file_the_chapters_import_is_watched",  # runs chapters
)

# Tests that share a session fixture, by path prefix: with pytest-xdist each group runs on one worker, so the
# fixture is made once (the edition publishes the book the book's tests built: one group).
SHARED = {"book": ("tests/book/", "tests/edition/test_edition_", "tests/edition/test_planted_secrets.py"),
          "hostile_class": ("tests/grader/test_cheating.py", "tests/grader/test_broken.py",
                            "tests/grader/test_attacks.py", "tests/grader/test_attacks_probe.py"),
          "graded_layouts": ("tests/lms/test_lms_cluster.py", "tests/lms/test_lms_export.py",
                             "tests/lms/test_lms_layouts.py")}
SHARED_FIXTURES = {"built_book": "book", "site_url": "book", "edition": "book", "hostile_class": "hostile_class",
                   "graded_layouts": "graded_layouts"}
# The scopes that cost most, heaviest first (processor seconds of the whole suite run serially, counted in a
# cgroup): they start first, so that the two workers end together instead of one waiting on the last heavy module.
# xdist would otherwise start the scopes with the most tests first, and these have few.
HEAVIEST = ("book", "tests/grader/test_batch.py", "hostile_class", "tests/notebooks/test_nbgrader.py",
            "tests/grader/test_attacks_between_students.py", "graded_layouts", "tests/grader/test_warm_sandbox.py",
            "tests/notebooks/test_kernel_zygote.py", "tests/lms/test_lms_gradescope.py",
            "tests/feedback/test_pages_in_browser.py", "tests/grader/test_attacks_warm.py",
            "tests/experiments/test_study_in_a_kernel.py", "tests/grader/test_boundary.py",
            "tests/grader/test_attacks_nonroot.py", "tests/edition/test_colab_run.py", "tests/grader/test_names.py")


def group_of(nodeid: str) -> str:
    """The xdist scope of a test: its SHARED group, else its module (whose fixtures are then made once)."""
    path = nodeid.split("::")[0]
    return next((group for group, prefixes in SHARED.items() if path.startswith(prefixes)), path)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadscope` with the scopes of `group_of` (xdist's own loadgroup cannot mark pytest 9's node ids)."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedFixtureScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return group_of(nodeid)

    config.option.loadscopereorder = False  # the collection's order: HEAVIEST first (pytest_collection_modifyitems)
    return SharedFixtureScheduling(config, log)


def heaviest_first(nodeid: str) -> int:
    """Where a test's scope comes in the run: its place in HEAVIEST, the others after them in collection order."""
    group = group_of(nodeid)
    return HEAVIEST.index(group) if group in HEAVIEST else len(HEAVIEST)


def check_group(item) -> None:
    """A test that uses a shared session fixture must lie in that fixture's group, or xdist would make it twice."""
    fixtures = set(getattr(item, "fixturenames", ()))
    for group in {SHARED_FIXTURES[name] for name in fixtures & set(SHARED_FIXTURES)}:
        if group_of(item.nodeid) != group:
            raise pytest.UsageError(f"{item.nodeid} uses the {group!r} session fixtures: add its file to "
                                    f"SHARED[{group!r}] in tests/conftest.py")


def pytest_configure(config):
    """An xdist worker takes its share of the cores for torch's threads, and so does every process it starts (the
    kernels of the book build, Dask and study workers: OMP_NUM_THREADS), so workers do not oversubscribe the cores
    (OpenMP threads left without a core spin and burn processor time).
    The suite's kernels (and those of the nbgrader and jupyter-book it runs) come from tests/kernels: the
    ``python3`` kernelspec there forks them from a zygote that imported torch once (autograder/kernel_zygote.py).
    Python caches bytecode for the whole run, even where the environment says not to (PYTHONDONTWRITEBYTECODE, as
    some CI images set): the suite starts some 150 interpreters (graders, fork servers, kernels, Dask and study
    workers) that import the course's modules, and each would compile them again, as would each xdist worker the
    test modules' rewritten asserts."""
    from autograder import kernel_zygote

    sys.dont_write_bytecode = False  # this process's own imports, the test modules' rewritten asserts included
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # the workers and every process they start

    if kernel_zygote.registered():
        os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(KERNELS), os.environ.get("JUPYTER_PATH")]))
    elif not hasattr(config, "workerinput"):
        config.issue_config_time_warning(pytest.PytestConfigWarning(
            "the kernel zygote provisioner is not installed (run `make install`): kernels start the ordinary way"), 2)
    workers = os.environ.get("PYTEST_XDIST_WORKER_COUNT")
    if workers:
        share = max(1, (os.cpu_count() or 1) // int(workers))
        import torch  # in the workers: the controller, which only schedules, never imports it

        torch.set_num_threads(share)
        for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ.setdefault(variable, str(share))


def pytest_collection_modifyitems(config, items):
    import torch

    skip_gpu = None if torch.cuda.is_available() else pytest.mark.skip(reason="CUDA is not available on this machine")
    for item in items:
        if skip_gpu and "gpu" in item.keywords:
            item.add_marker(skip_gpu)
        if item.nodeid.startswith(SINGLE_THREAD):
            item.add_marker(pytest.mark.single_thread)
        if item.nodeid.startswith(SLOW_TESTS) or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
        check_group(item)
    items.sort(key=lambda item: heaviest_first(item.nodeid))  # stable: modules keep their own order


@pytest.fixture(autouse=True)
def single_thread(request):
    """One torch thread for a test marked `single_thread`; the number it had afterwards."""
    if not request.node.get_closest_marker("single_thread"):
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session", autouse=True)
def warm_sandboxes_kept_between_batches():
    """The suite grades batch after batch in each process: a batch takes the warm sandboxes an earlier one kept
    (autograder/grade/warm_sandbox.py), instead of loading torch in new ones."""
    from autograder.grade import warm_sandbox

    kept = warm_sandbox.keep_between_batches()
    yield kept
    kept.close()


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


def book_site():
    """tests/book/book_site.py, the one place that says where and how the suite builds the book (the
    book's tests import it as ``book_site``: this is the same module)."""
    if "book_site" not in sys.modules:
        spec = importlib.util.spec_from_file_location("book_site", ROOT / "tests" / "book" / "book_site.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules["book_site"] = module
        spec.loader.exec_module(module)
    return sys.modules["book_site"]


@pytest.fixture(scope="session")
def built_book():
    """The suite's book (tests/book/book_site.py), built with ``-W -n --keep-going`` unless a passing
    build of the same sources is already there. ``--all`` re-reads every page, so that warnings of
    pages left unchanged since an earlier failed build are reported again; executed cells still come
    from the cache."""
    from autograder.publish import EditionError

    site = book_site()
    digest = site.source_digest()
    if site.STAMP.is_file() and site.STAMP.read_text() == digest:
        return site.HTML
    site.STAMP.unlink(missing_ok=True)
    try:
        html = site.build("--all")
    except EditionError as error:
        pytest.fail(str(error), pytrace=False)
    site.STAMP.write_text(digest)
    return html
