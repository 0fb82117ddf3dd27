"""End to end through real nbgrader and real Jupyter kernels.

- `nbgrader validate` passes every source; `validate --invert` shows every released stub fails
  every one of its test cells;
- an instructor's `nbgrader autograde`, in a temporary course directory, gives a correct submission
  full marks and an untouched release zero, with the hidden tests importing autograder.checks
  through nbgrader_config.py (PYTHONPATH is removed from the environment on purpose);
- the kernels nbgrader starts talk over Unix sockets of their own, as nbgrader_config.py asks (a
  validated probe notebook records its kernel's connection).

Three nbgrader commands start kernels (validate of the sources and the probe together, validate
--invert, the course's autograde); they run concurrently to keep the suite short, each kernel on one
torch thread (they share the cores), and their results are kept in pytest's cache under a hash of
every file and version they depend on (the sources, the release, the autograder package, nbgrader's
configuration, this file, the package versions), so a rerun with nothing changed reads them back;
any change reruns them.
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

import nbformat
import pytest

from autograder.exercises import ASSIGNMENT, NOTEBOOKS
from cells import RELEASES, ROOT, SOURCES, answer_cells, graded_cells, nbgrader, read

pytestmark = pytest.mark.slow
NBGRADER = [sys.executable, "-m", "nbgrader"]
RUNS = ("validate", "invert", "autograde", "probe")


def _env():
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PATH"] = os.pathsep.join((str(Path(sys.executable).parent), env.get("PATH", "")))  # nbgrader runs alembic
    env["MPLBACKEND"] = "Agg"
    env["OMP_NUM_THREADS"] = "1"  # the commands' kernels run at the same time
    env["PYTHONUNBUFFERED"] = "1"  # validate's results and its log lines naming each notebook stay in order
    return env


def _solved(released, source):
    """The released notebook with each solution cell filled in from the source (markers dropped)."""
    solutions = {c.id: c.source for c in source.cells}
    for cell in released.cells:
        if nbgrader(cell).get("solution"):
            cell.source = "\n".join(line for line in solutions[cell.id].splitlines() if "### " not in line)
    return released


def _course(root: Path) -> list:
    """A course directory in root with the sources and a folder for each student's submission; nbgrader's
    options for it."""
    (root / "source").mkdir()
    shutil.copytree(SOURCES, root / "source" / ASSIGNMENT)
    for student in ("correct", "untouched"):
        (root / "submitted" / student / ASSIGNMENT).mkdir(parents=True)
    return [f"--CourseDirectory.root={root}", "--CourseDirectory.source_directory=source",
            "--CourseDirectory.release_directory=release"]


def by_notebook(output: str) -> dict:
    """validate's output cut at its log lines ("Validating '<path>'"): notebook file name -> what followed."""
    parts = re.split(r"Validating '([^']+)'", output)
    found = {}
    for path, text in zip(parts[1::2], parts[2::2]):
        found.setdefault(Path(path).name, []).append(text)
    return found


def inputs_key() -> str:
    """A hash of everything the three runs read: change any of it and they run again."""
    digest = hashlib.sha256()
    files = sorted([*SOURCES.glob("*.ipynb"), *RELEASES.glob("*.ipynb"), *(ROOT / "autograder").rglob("*.py"),
                    ROOT / "nbgrader_config.py", Path(__file__)])
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    for package in ("nbgrader", "nbconvert", "nbclient", "ipykernel", "torch"):
        digest.update(f"{package}={metadata.version(package)}".encode())
    digest.update(sys.version.encode())
    return digest.hexdigest()[:32]


def _probe(folder: Path) -> Path:
    """A notebook whose one test cell writes its kernel's connection (without the key) to connection.json."""
    folder.mkdir()
    cell = nbformat.v4.new_code_cell(
        "import json\nfrom ipykernel.connect import get_connection_info\n"
        "info = get_connection_info(unpack=True)\n"
        "json.dump({k: info[k] for k in ('transport', 'ip')}, open('connection.json', 'w'))")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "probe", "points": 1, "solution": False,
                                 "locked": True, "schema_version": 3}
    notebook = nbformat.v4.new_notebook(cells=[cell])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, folder / "kernel_probe.ipynb")
    return folder / "kernel_probe.ipynb"


@pytest.fixture(scope="module")
def runs(request, tmp_path_factory):
    """(returncode, output) of: validate the sources, validate --invert the release, autograde a course."""
    cache = getattr(request.config, "cache", None)
    kept = cache.mkdir("nbgrader-runs") / inputs_key() if cache is not None else None
    if kept is not None and (kept / "done.json").exists():
        done = {name: tuple(value) for name, value in json.loads((kept / "done.json").read_text()).items()}
        done["course"] = kept / "course"
        return done
    done = _run_all(tmp_path_factory.mktemp("course"))
    if kept is not None and all(code == 0 for code, _ in (done[n] for n in RUNS)):
        shutil.rmtree(kept.parent, ignore_errors=True)  # one kept result: the latest inputs
        shutil.copytree(done["course"], kept / "course", ignore=shutil.ignore_patterns("source", "release"))
        (kept / "done.json").write_text(json.dumps({n: done[n] for n in RUNS}))
    return done


def _run_all(course: Path) -> dict:
    """The three commands at once; the course's autograde starts when its release is generated and submitted."""
    options = _course(course)
    sources = [str(SOURCES / f"{s}.ipynb") for s in NOTEBOOKS]
    commands = {
        "validate": NBGRADER + ["validate", *sources, str(_probe(course / "kernel-probe"))],
        "invert": NBGRADER + ["validate", "--invert"] + [str(RELEASES / f"{s}.ipynb") for s in NOTEBOOKS],
        "generate": NBGRADER + ["generate_assignment", ASSIGNMENT, *options],
    }
    started = {name: _start(command) for name, command in commands.items()}
    code, output = _finish(started.pop("generate"))
    if code == 0:
        _submit(course)
        code, graded = _finish(_start(NBGRADER + ["autograde", ASSIGNMENT, *options, "--force"]))
        output += graded
    done = {name: _finish(process) for name, process in started.items()}
    validated = by_notebook(done["validate"][1])
    probe = "".join(validated.get("kernel_probe.ipynb", ["(not validated)"]))
    done.update(autograde=(code, output), probe=(done["validate"][0], probe), course=course)
    return done


def _start(command: list) -> tuple:
    """(the process, the file its output goes to): a file, so that a command waited for later never blocks on a pipe."""
    output = tempfile.TemporaryFile("w+")
    return subprocess.Popen(command, cwd=ROOT, env=_env(), stdout=output, stderr=subprocess.STDOUT), output


def _finish(started: tuple) -> tuple:
    process, output = started
    code = process.wait(timeout=900)
    with output:
        output.seek(0)
        return code, output.read()


def test_validate_passes_every_source(runs):
    code, output = runs["validate"]
    validated = by_notebook(output)
    assert code == 0 and all(len(validated.get(f"{s}.ipynb", [])) == 1 for s in NOTEBOOKS), output
    for stem in NOTEBOOKS:
        text = validated[f"{stem}.ipynb"][0]
        assert text.count("Success! Your notebook passes all the tests.") == 1, f"{stem}: {text}"


def test_every_released_stub_fails_every_test_cell(runs):
    code, output = runs["invert"]
    assert code == 0 and output.count("Success! The notebook does not pass any tests.") == len(NOTEBOOKS), output


def test_nbgrader_kernels_talk_over_unix_sockets_of_their_own(runs):
    code, output = runs["probe"]
    assert code == 0 and "Success! Your notebook passes all the tests." in output, output
    connection = json.loads((runs["course"] / "kernel-probe" / "connection.json").read_text())
    assert connection["transport"] == "ipc", connection  # a TCP port can be taken by a kernel starting meanwhile
    assert os.path.isabs(connection["ip"]) and not connection["ip"].startswith(str(ROOT)), connection


def test_autograde_gives_full_marks_and_zero(runs):
    code, output = runs["autograde"]
    assert code == 0, output
    from nbgrader.api import Gradebook

    sources = [read(SOURCES / f"{s}.ipynb") for s in NOTEBOOKS]
    total = sum(nbgrader(c)["points"] for nb in sources for c in graded_cells(nb).values())
    by_hand = sum(nbgrader(c)["points"] for nb in sources for c in answer_cells(nb).values())
    assert by_hand > 0
    with Gradebook(f"sqlite:///{runs['course'] / 'gradebook.db'}") as gradebook:
        correct = gradebook.find_submission(ASSIGNMENT, "correct")
        untouched = gradebook.find_submission(ASSIGNMENT, "untouched")
        # the answer cells wait for the instructor: counted in the maximum, not scored by autograde
        assert (correct.score, correct.max_score) == (total, total + by_hand), output
        assert correct.needs_manual_grade
        assert untouched.score == 0 and untouched.max_score == total + by_hand


def test_correct_submission_test_cells_write_nothing_to_stderr(runs):
    for stem in NOTEBOOKS:
        graded = read(runs["course"] / "autograded" / "correct" / ASSIGNMENT / f"{stem}.ipynb")
        for cell in graded_cells(graded).values():
            streams = [o for o in cell.outputs if o.output_type in ("stream", "error")]
            assert not streams, f"{stem}/{cell.id}: {streams}"


def _submit(root: Path) -> None:
    for path in sorted((root / "release" / ASSIGNMENT).glob("*.ipynb")):
        shutil.copy(path, root / "submitted" / "untouched" / ASSIGNMENT / path.name)
        solved = _solved(read(path), read(root / "source" / ASSIGNMENT / path.name))
        nbformat.write(solved, root / "submitted" / "correct" / ASSIGNMENT / path.name)
