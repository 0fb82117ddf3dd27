"""A batch as an instructor runs it: zip input, resume after an interruption, determinism, gradebook, CLI."""
import json
import os
import signal
import stat
import subprocess
import sys
import time
import zipfile

import nbformat
import pytest

from autograder import cli
from grader_class import TIMEOUT, UNREADABLE, WRONG_SQUEEZE, grade_class, grades, solved, with_cells, write_class

pytestmark = [pytest.mark.needs_course, pytest.mark.slow]



def small_class(folder):
    return write_class(folder, {
        "alice": {"01_squeeze.ipynb": solved(), "03_eca.ipynb": solved("03_eca")},
        "bob": {"01_squeeze.ipynb": with_cells(solved(), WRONG_SQUEEZE)},
        "carol": {"01_squeeze.ipynb": UNREADABLE},  # recorded without a sandbox: only her record's regrading matters
    })


@pytest.fixture(scope="module")
def zipped_and_folder(tmp_path_factory):
    """The same class graded from its folder and from a zip in nbgrader's submitted/ layout."""
    base = tmp_path_factory.mktemp("batch")
    folder = small_class(base / "class")
    archive = base / "class.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(folder.rglob("*.ipynb")):
            zf.write(path, "submitted/" + str(path.relative_to(folder)))
    return base, grade_class(archive, base / "zip-results"), grade_class(folder, base / "folder-results")


def test_a_zip_is_graded_like_its_folder_and_scores_repeat(zipped_and_folder):
    base, from_zip, _ = zipped_and_folder
    assert (base / "zip-results" / "scores.csv").read_text() == (base / "folder-results" / "scores.csv").read_text()
    assert from_zip["alice"]["squeeze"]["status"] == "passed"
    assert from_zip["alice"]["eca_kernel_size"]["status"] == "passed"
    assert from_zip["bob"]["squeeze"]["status"] == "failed"
    assert from_zip["alice"]["cbam"]["status"] == "missing"


def test_finished_students_are_not_regraded_and_changed_ones_are(zipped_and_folder):
    base, _, _ = zipped_and_folder
    folder, out = base / "class", base / "folder-results"
    record = out / "students" / "bob.json"
    marked = json.loads(record.read_text())
    marked["results"][0]["message"] = "kept from the first run"
    record.write_text(json.dumps(marked))
    first = (out / "students" / "carol.json").read_text()
    (out / "students" / "carol.json").unlink()  # as if the run had stopped before carol
    nbformat.write(with_cells(solved(), WRONG_SQUEEZE), folder / "alice" / "attention" / "01_squeeze.ipynb")
    rows = grade_class(folder, out)
    assert rows["bob"]["squeeze"]["message"] == "kept from the first run"
    carol = rows["carol"]["squeeze"]
    assert carol["status"] == "missing" and "could not be read" in carol["message"]
    assert (out / "students" / "carol.json").read_text() == first  # recorded again, as the first run did
    assert rows["alice"]["squeeze"]["status"] == "failed"  # a changed submission is regraded
    assert rows["batch"].reused == 1


RUNNING = "ag-s01-runs"  # the name s01's cell gives its own process while it sleeps: the student's code runs


def cheap_then_graded(folder):
    """s00 is recorded at once (no sandbox), s01 is graded in a sandbox, where its cell names its process RUNNING
    for a second: a run stopped while a process of that name exists is stopped mid-student."""
    name = "import ctypes\nimport time\n\nname = ctypes.CDLL(None).prctl  # PR_SET_NAME is 15\n"
    pause = f"{name}name(15, {RUNNING.encode()!r}, 0, 0, 0)\ntime.sleep(1.5)\nname(15, b'python', 0, 0, 0)\n"
    return write_class(folder, {"s00": {"01_squeeze.ipynb": UNREADABLE},
                                "s01": {"01_squeeze.ipynb": with_cells(solved(), pause)}})


def processes(file: str, matches) -> list:
    """Processes whose /proc/PID/`file` (its cmdline, comm, environ...) satisfies `matches(its bytes)`."""
    found = []
    for entry in os.listdir("/proc"):
        try:
            if entry.isdigit() and matches(open(f"/proc/{entry}/{file}", "rb").read()):
                found.append(int(entry))
        except OSError:
            pass
    return found


def processes_named(name: str) -> list:
    return processes("comm", lambda comm: comm.strip() == name.encode())


def processes_with(variable: str) -> list:
    """Processes whose environment holds `variable` (NAME=value): a grading command's and what it forked."""
    return processes("environ", lambda environ: variable.encode() in environ.split(b"\0"))


def grade_command(folder, out) -> list:
    return [sys.executable, "-m", "autograder", "grade", str(folder), "--out", str(out), "--workers", "1",
            "--timeout", str(TIMEOUT), "--gradebook", str(out / "gradebook.db"), "--no-progress"]


def wait_for(condition, deadline: float, pause: float = 0.2) -> None:
    while not condition() and time.monotonic() < deadline:
        time.sleep(pause)


@pytest.fixture(scope="module")
def interrupted_twice(tmp_path_factory):
    """One class graded by the command three times into one RESULTS: its own process alone killed (SIGKILL, no
    clean-up) while s01's code runs; stopped by SIGTERM while s01's code runs; then to the end. Each run has a
    TMPDIR of its own."""
    base = tmp_path_factory.mktemp("interrupted")
    folder, out = cheap_then_graded(base / "class"), base / "results"
    killed_tmp, temporary = base / "killed-tmp", base / "tmp"
    killed_tmp.mkdir()
    temporary.mkdir()
    seen = {}
    process = subprocess.Popen(grade_command(folder, out), env=dict(os.environ, TMPDIR=str(killed_tmp)),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    wait_for(lambda: processes_named(RUNNING), time.monotonic() + 120, 0.05)
    seen["ran_before_sigkill"] = bool(processes_named(RUNNING))
    os.kill(process.pid, signal.SIGKILL)  # not its group: what it started is left to end by itself
    process.wait()
    wait_for(lambda: not processes_with(f"TMPDIR={killed_tmp}"), time.monotonic() + 60)
    seen["left_after_sigkill"] = processes_with(f"TMPDIR={killed_tmp}")
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    seen["done"] = {p.name: p.read_bytes() for p in (out / "students").glob("*.json")}

    env = dict(os.environ, TMPDIR=str(temporary))
    process = subprocess.Popen(grade_command(folder, out), env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    wait_for(lambda: processes_named(RUNNING), deadline, 0.05)
    seen["folders"] = list(temporary.glob("autograder-*"))
    seen["modes"] = [stat.S_IMODE(f.stat().st_mode) for f in seen["folders"]]
    seen["sandbox_ran"] = bool(processes_named(RUNNING)) and bool(seen["folders"]) and \
        bool(sandbox_processes(f"{seen['folders'][0]}/"))
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    time.sleep(1)
    seen["left_after_sigterm"] = list(temporary.glob("autograder-*"))
    seen["sandboxes_after_sigterm"] = sandbox_processes(str(seen["folders"][0])) if seen["folders"] else []
    seen["recorded_after_sigterm"] = {p.name: p.read_bytes() for p in (out / "students").glob("*.json")}

    seen["finished"] = subprocess.run(grade_command(folder, out), env=env, capture_output=True, text=True,
                                      timeout=600)
    seen["left_at_the_end"] = list(temporary.glob("autograder-*"))
    return out, seen


def test_an_interrupted_run_resumes_with_every_student(interrupted_twice):
    out, seen = interrupted_twice
    done = seen["done"]
    assert seen["ran_before_sigkill"] and not seen["left_after_sigkill"]
    assert sorted(done) == ["s00.json"]  # s01's process outlived the killed batch, and recorded nothing
    finished = seen["finished"]
    assert finished.returncode == 0, finished.stderr
    assert sorted(grades(out)) == ["s00", "s01"]
    record = json.loads((out / "students" / "s01.json").read_text("utf-8"))
    assert [r["status"] for r in record["results"] if r["exercise"] == "squeeze"] == ["passed"]
    assert all((out / "students" / name).read_bytes() == content for name, content in done.items())
    assert f"({len(done)} unchanged" in finished.stdout


def test_nbgrader_export_lists_the_scores(zipped_and_folder, tmp_path):
    out = zipped_and_folder[0] / "zip-results"
    export = tmp_path / "grades_export.csv"
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    subprocess.run([os.path.join(os.path.dirname(sys.executable), "nbgrader"), "export",
                    f"--CourseDirectory.db_url=sqlite:///{out / 'gradebook.db'}",
                    f"--CourseDirectory.root={tmp_path}", f"--CsvExportPlugin.to={export}"],
                   cwd=tmp_path, env=env, check=True, capture_output=True)
    import csv

    rows = {row["student_id"]: row for row in csv.DictReader(export.open())}
    ours = grades(out)
    assert set(rows) == {"alice", "bob", "carol"}
    for student, row in rows.items():
        assert row["assignment"] == "attention"
        assert float(row["raw_score"]) == float(ours[student]["total"])
        assert float(row["max_score"]) == float(ours[student]["max_total"])
    assert float(rows["alice"]["raw_score"]) > float(rows["bob"]["raw_score"])


def test_the_command_fails_clearly_when_it_cannot_run(tmp_path, capsys):
    """In this process (python -m autograder is the same main, tested in tests/package/test_cli.py)."""
    assert cli.main(["grade", str(tmp_path / "nowhere"), "--out", str(tmp_path / "r")]) != 0
    assert "does not exist" in capsys.readouterr().err
    inside = write_class(tmp_path / "class", {"a": {"01_squeeze.ipynb": solved()}})
    assert cli.main(["grade", str(inside), "--out", str(inside / "r")]) != 0
    assert "inside SUBMISSIONS" in capsys.readouterr().err


def test_the_demo_class_shows_right_wrong_cheating_and_broken(tmp_path, capsys):
    """`python -m autograder demo`, run by its `main` in this process: the suite's kept warm sandboxes grade it. Its
    endless student runs to the timeout, so the timeout is short (its cells take well under a second)."""
    code = cli.main(["demo", "--out", str(tmp_path), "--timeout", "4", "--no-progress"])
    result = capsys.readouterr()
    assert code == 0, result.err
    table = grades(tmp_path)
    assert set(table) == {"ada", "ben", "cy", "dee"}
    assert table["ada"]["total"] == table["ada"]["max_total"] and not table["ada"]["needs_attention"]
    import csv

    rows = {(r["student_id"], r["exercise"]): r for r in csv.DictReader((tmp_path / "scores.csv").open())}
    for exercise in ("squeeze", "eca_kernel_size", "cbam"):
        assert rows["ben", exercise]["status"] == "failed"
    for exercise in ("squeeze", "eca_kernel_size", "se_block"):
        assert rows["cy", exercise]["score"] == "0"
    assert rows["dee", "squeeze"]["status"] == "missing"
    assert rows["dee", "excitation"]["status"] == "timeout"
    assert rows["dee", "channel_attention"]["status"] == "passed"  # no metadata, still graded
    assert "submissions need attention" in result.out


def test_without_bubblewrap_a_loud_warning_and_the_limits_still_grade(tmp_path, monkeypatch):
    from autograder.grade import sandbox

    monkeypatch.setattr(sandbox, "_bwrap_works", False)
    folder = write_class(tmp_path / "class", {
        "right": {"01_squeeze.ipynb": solved()},
        "wrong": {"01_squeeze.ipynb": with_cells(solved(), WRONG_SQUEEZE,
                                                 "import torch\ntorch.allclose = lambda *a, **k: True\n")},
        # waits rather than spins: what is tested is the timeout (the hostile class's endless students spin)
        "endless": {"01_squeeze.ipynb": with_cells(solved(), "import time\n\ndef squeeze(x):\n    while True:\n"
                                                             "        time.sleep(1)\n")},
    })
    rows = grade_class(folder, tmp_path / "results", timeout=4)
    assert "WARNING" in rows["batch"].warning and "WITHOUT" in rows["batch"].warning
    assert "NO bubblewrap" in rows["batch"].summary
    assert [rows[s]["squeeze"]["status"] for s in ("right", "wrong", "endless")] == ["passed", "failed", "timeout"]


def sandbox_processes(marker: str) -> list:
    """Processes whose command line mentions `marker` (a batch's temporary folder)."""
    return processes("cmdline", lambda cmdline: marker.encode() in cmdline)


def test_sigterm_removes_the_private_temporary_folder_and_the_batch_resumes(interrupted_twice):
    out, seen = interrupted_twice
    assert seen["folders"] and all(mode == 0o700 for mode in seen["modes"])
    assert seen["sandbox_ran"]
    assert not seen["left_after_sigterm"]
    assert not seen["sandboxes_after_sigterm"]
    assert sorted(seen["recorded_after_sigterm"]) == ["s00.json"]  # s01 was stopped, not recorded as graded
    finished = seen["finished"]
    assert finished.returncode == 0, finished.stderr
    assert sorted(grades(out)) == ["s00", "s01"]
    assert "unchanged" in finished.stdout and not seen["left_at_the_end"]


def test_a_signal_as_a_student_starts_stops_that_student_before_anything_is_recorded(tmp_path, monkeypatch):
    """SIGTERM that lands just after a student's process starts, before the batch has noted it: that process is
    still stopped with the batch, so it can neither grade on after the batch ended nor record a grade for it."""
    import threading

    from autograder.grade import batch

    assert threading.current_thread() is threading.main_thread()  # where Python runs signal handlers
    context, started = batch.worker_context(), []
    start = context.Process.start

    def start_then_signal(process):
        start(process)
        started.append(process.pid)
        os.kill(os.getpid(), signal.SIGTERM)

    monkeypatch.setattr(context.Process, "start", start_then_signal)
    folder = write_class(tmp_path / "class", {"s00": {"01_squeeze.ipynb": solved()}})
    with pytest.raises(KeyboardInterrupt):
        grade_class(folder, tmp_path / "results", device="cpu")
    assert len(started) == 1
    assert not os.path.exists(f"/proc/{started[0]}")  # stopped (and reaped) before the batch ended
    assert not list((tmp_path / "results" / "students").glob("*.json"))


def test_a_change_to_the_judge_or_the_limits_regrades(tmp_path, monkeypatch):
    from autograder.grade import batch

    folder = write_class(tmp_path / "class", {"a": {"01_squeeze.ipynb": UNREADABLE}})  # the fingerprint decides
    out = tmp_path / "results"
    assert grade_class(folder, out)["batch"].reused == 0
    assert grade_class(folder, out)["batch"].reused == 1
    files = batch.scored_files()
    judge = next(p for p in files if p.name == "judge.py" and p.parent.name == "checks")
    changed = tmp_path / "checks" / "judge.py"
    changed.parent.mkdir()
    changed.write_text(judge.read_text() + "\n# a fix in the judge\n")
    monkeypatch.setattr(batch, "scored_files", lambda: [changed if p == judge else p for p in files])
    assert grade_class(folder, out)["batch"].reused == 0
    assert grade_class(folder, out)["batch"].reused == 1
    assert grade_class(folder, out, memory_mib=2048)["batch"].reused == 0
