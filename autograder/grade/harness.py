"""The sandbox side of grading: run one student's notebook cells, probe each exercise, write plain data.

Runs inside the sandbox as a script (never imported by the trusted grader). It sees only
its job folder (the student's code cells), a copy of the probe library (no reference, no
judge) and an output folder. Process tree, each level isolating the next:

    harness (imports torch, drops privileges, sets limits)
      └ one child per notebook: runs the student's cells once, continuing past failures
          └ one child per exercise: probes every case, writes OUT/<exercise>.pt

On CUDA a forked process cannot initialise CUDA after its parent did, so there each
exercise child is forked from the harness and runs the notebook's cells itself.
Everything written here is untrusted data: the trusted grader validates and judges it.
"""
import builtins
import ctypes
import json
import os
import resource
import shutil
import signal
import sys
import time

LIB, JOB, OUT = "/sandbox/lib", "/sandbox/job", "/sandbox/out"
MESSAGE_LIMIT = 500


class CellTimeout(BaseException):
    """Raised in a cell that ran past the notebook's time budget."""


def text_of(error: BaseException) -> str:
    if type(error).__name__ in ("ProbeError", "MatchError"):  # the probe's own words, for the student
        return str(error)[:MESSAGE_LIMIT]
    return f"{type(error).__name__}: {error}"[:MESSAGE_LIMIT]


def die_with_parent() -> None:
    """Ask the kernel to kill this process when its parent dies (Linux prctl PR_SET_PDEATHSIG)."""
    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def isolated(run, timeout: float) -> str:
    """Run `run()` in a forked child with its own process group; 'ok', 'timeout' or how it ended."""
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.setpgid(0, 0)
            die_with_parent()
            run()
            code = 0
        except BaseException:
            pass
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout
    delay = 0.002
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
                try:
                    kill()
                except OSError:
                    pass
            os.waitpid(pid, 0)
            return "timeout"
        time.sleep(delay)
        delay = min(delay * 2, 0.05)
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)} ({signal.Signals(os.WTERMSIG(status)).name})"
    code = os.WEXITSTATUS(status)
    return "ok" if code == 0 else f"exited with status {code}"


CELL_BUDGETS = 3  # the cells of a notebook may take three timeouts in all, one cell at most one


def run_cells(cells: list, timeout: float) -> tuple:
    """Execute the cells in order in one namespace; record each failure (an endless loop included) and go on."""
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    notes = []
    budget = CELL_BUDGETS * timeout
    deadline = time.monotonic() + budget

    def on_alarm(signum, frame):
        raise CellTimeout(f"the cell ran past the time limit of {timeout:g} s")

    signal.signal(signal.SIGALRM, on_alarm)
    me = os.getpid()
    for index, source in enumerate(cells, start=1):
        left = deadline - time.monotonic()
        if left <= 0:
            notes.append(f"cell {index} and after: not run, the notebook's time budget ({budget:g} s) was spent")
            break
        try:
            code = compile(source, f"<cell {index}>", "exec")
            signal.setitimer(signal.ITIMER_REAL, min(left, timeout))
            try:
                exec(code, namespace)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
        except BaseException as error:  # the student's code may raise anything, SystemExit included
            notes.append(f"cell {index} raised {text_of(error)}")
        if os.getpid() != me:  # a process the student's code forked: it must not go on grading
            os._exit(0)
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    return namespace, notes


def plain(value):
    """Detach tensors to the CPU (meta tensors stay meta); keep str, numbers and bools."""
    import torch

    if isinstance(value, torch.Tensor):
        value = value.detach()
        return value if value.device.type == "meta" else value.cpu().clone()
    if isinstance(value, (str, float, int, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return repr(value)[:MESSAGE_LIMIT]


def probe_exercise(exercise: dict, namespace: dict, notes: list, plan: list) -> None:
    """Probe every case of one exercise and save the entries (and the cells' failures) to OUT/<exercise>.pt."""
    import torch
    from autograder.checks.probe import probe

    name, me = exercise["name"], os.getpid()
    if name not in namespace:
        entries = {"defined": False, "cases": [], "cells": notes}
    else:
        found = []
        for case in plan:
            try:
                found.append({"ok": True, "results": plain(probe(namespace[name], case))})
            except BaseException as error:
                found.append({"ok": False, "error": text_of(error)})
            if os.getpid() != me:
                os._exit(0)
        entries = {"defined": True, "cases": found, "cells": notes}
    path = os.path.join(OUT, exercise["id"] + ".pt")
    torch.save(entries, path + ".part")
    os.replace(path + ".part", path)


def grade_notebook(notebook: dict, plans: dict, timeout: float, fresh_per_exercise: bool) -> None:
    """Run one notebook and probe its exercises; write OUT/<stem>.json with what happened."""
    report = {"cells": [], "exercises": {}}
    if fresh_per_exercise:
        for exercise in notebook["exercises"]:
            def run(exercise=exercise):
                namespace, notes = run_cells(notebook["cells"], timeout)
                probe_exercise(exercise, namespace, notes, plans[exercise["id"]])
            report["exercises"][exercise["id"]] = isolated(run, (CELL_BUDGETS + 1) * timeout)
    else:
        namespace, report["cells"] = run_cells(notebook["cells"], timeout)
        for exercise in notebook["exercises"]:
            report["exercises"][exercise["id"]] = isolated(
                lambda exercise=exercise: probe_exercise(exercise, namespace, report["cells"], plans[exercise["id"]]), timeout)
    path = os.path.join(OUT, notebook["stem"] + ".json")
    with open(path + ".part", "w") as handle:
        json.dump(report, handle)
    os.replace(path + ".part", path)


def drop_privileges(uid: int) -> None:
    """As root inside the sandbox, become an unprivileged user of our own (limits processes per user)."""
    if os.getuid() != 0:
        return
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def set_limits(limits: dict) -> None:
    for name, value in limits.items():
        resource.setrlimit(getattr(resource, name), (value, value))


def silence_output() -> None:
    """Student output goes nowhere: it can neither fill a disk nor reach the grader's terminal."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    null_in = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null_in, 0)


def preload() -> None:
    """Import what the notebooks import once here, not once per notebook process."""
    for name in ("numpy", "matplotlib.pyplot", "torch.nn.functional"):
        try:
            __import__(name)
        except Exception:  # a missing optional package is the notebook's problem, reported there
            pass


def main() -> None:
    global LIB, JOB, OUT
    if len(sys.argv) == 4:  # without bubblewrap the folders are passed as arguments
        LIB, JOB, OUT = sys.argv[1:4]
    sys.path.insert(0, LIB)
    with open(os.path.join(JOB, "job.json")) as handle:
        job = json.load(handle)
    import torch

    torch.set_num_threads(1)
    from autograder.checks.cases import cases

    plans = {exercise["id"]: [case for case in cases(exercise["id"]) if case.device != "cuda" or job["device"] == "cuda"]
             for notebook in job["notebooks"] for exercise in notebook["exercises"]}
    import autograder.checks.probe  # noqa: F401  (imported before the student's code can shadow it)

    (torch.zeros(2, 2, device="meta", requires_grad=True) * 1).sum()  # loads meta kernels once, not per exercise

    workdir = os.getcwd()
    if job["uid"] is not None:
        drop_privileges(job["uid"])
    fonts = os.path.join(LIB, "matplotlib")
    if os.path.isdir(fonts) and os.environ.get("MPLCONFIGDIR"):
        shutil.copytree(fonts, os.environ["MPLCONFIGDIR"], dirs_exist_ok=True)
    preload()
    if not os.access(workdir, os.W_OK):
        os.chdir(os.environ.get("TMPDIR", "/tmp"))
    set_limits(job["limits"])
    silence_output()
    timeout = float(job["timeout"])
    for notebook in job["notebooks"]:
        for name in [e["id"] + ".pt" for e in notebook["exercises"]] + [notebook["stem"] + ".json"]:
            path = os.path.join(OUT, name)  # anything there was left by an earlier notebook's code
            if os.path.isdir(path) and not os.path.islink(path):
                shutil.rmtree(path, ignore_errors=True)
            elif os.path.lexists(path):
                os.unlink(path)
        per_exercise = CELL_BUDGETS + 1 if job["fresh_per_exercise"] else 1
        budget = timeout * (len(notebook["exercises"]) * per_exercise + CELL_BUDGETS) + 5
        status = isolated(lambda: grade_notebook(notebook, plans, timeout, job["fresh_per_exercise"]), budget)
        if status != "ok" and not os.path.exists(os.path.join(OUT, notebook["stem"] + ".json")):
            with open(os.path.join(OUT, notebook["stem"] + ".json"), "w") as handle:
                json.dump({"cells": [], "ended": status}, handle)


if __name__ == "__main__":
    main()
