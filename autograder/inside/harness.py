"""The sandbox side of grading: run each notebook's cells apart, probe its exercises, send the results back.

Started inside the sandbox by ``LAUNCH`` from the package's copy (never imported by the trusted
grader). It sees only its job folder (the student's code cells, and the cases, time budgets and
uids the trusted side planned: it computes none of them), the copy of this package (no
reference, no judge) and private tmpfs folders. Process tree:

    harness (imports torch; never runs student code; sends results on its standard output)
      └ one process per notebook, in a fresh empty folder, as its own unprivileged uid
        (when the sandbox starts as root): runs the cells once, continuing past failures
          └ one child per exercise: probes every case, writes <folder>/<exercise>.pt

After each notebook the harness kills everything that notebook left running, reads only the
expected files of its folder (no links, regular files, size-capped) and sends them, tagged
with the notebook, before the next notebook starts: a later notebook cannot touch an earlier
one's results. On CUDA a forked process cannot initialise CUDA after its parent did, so there
each exercise child runs the notebook's cells itself. Everything sent is untrusted data for
the trusted grader, which validates and judges it.
"""
import builtins
import ctypes
import json
import os
import resource
import secrets
import shutil
import signal
import stat
import sys
import time

LIB, JOB, OUT = "/sandbox/lib", "/sandbox/job", "/sandbox/out"
MESSAGE_LIMIT = 500
RESULT_BYTES = 4 * 2**20  # a legitimate exercise's results are a few KiB; unpickling is slow
REPORT_BYTES = 2**20


# The sandbox's command line: python -I -c LAUNCH [LIB JOB OUT]; the package's copy lies in LIB.
LAUNCH = "import sys; sys.path.insert(0, sys.argv[1] if len(sys.argv) > 1 else '/sandbox/lib'); " \
         "import inside.harness; inside.harness.main()"


class CellTimeout(BaseException):
    """Raised in a cell that ran past the notebook's time budget."""


def text_of(error: BaseException) -> str:
    if type(error).__name__ in ("ProbeError", "MatchError"):  # the probe's own words, for the student
        return str(error)[:MESSAGE_LIMIT]
    return f"{type(error).__name__}: {error}"[:MESSAGE_LIMIT]


def prctl(option: int, value: int) -> None:
    try:
        ctypes.CDLL(None).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def die_with_parent() -> None:
    """Ask the kernel to kill this process when its parent dies (PR_SET_PDEATHSIG)."""
    prctl(1, signal.SIGKILL)


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


def run_cells(cells: list, timeout: float, budget: float) -> tuple:
    """Execute the cells in order in one namespace, each for at most `timeout` seconds and all of them for
    `budget`; record each failure (an endless loop included) and go on."""
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    notes = []
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


THREADED = ("the probe was not run: a thread the notebook's code started (or a fork hook it registered) was "
            "still running in the checks' process, where it could change what the checks measure")


def single_threaded() -> bool:
    """Whether this process runs one thread: no thread of the student's can change the probe while it runs."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:  # no /proc: only the threads Python knows of can be counted
        return len(sys._current_frames()) == 1


def probe_exercise(exercise: dict, namespace: dict, notes: list, plan: list, out: str,
                   pristine=lambda: True) -> None:
    """Probe every case of one exercise and save the entries (and the cells' failures) to <out>/<exercise>.pt.

    ``pristine()`` runs before each case: it undoes what student code changed in the probe's world (in the
    cells, in a fork hook, or in an earlier case's call) and says whether the probe may run.
    """
    import torch

    name, me = exercise["name"], os.getpid()
    if name not in namespace:
        entries = {"defined": False, "cases": [], "cells": notes}
    else:
        found = []
        for case in plan:
            if not pristine():
                found.append({"ok": False, "error": THREADED})
                continue
            from .probe import probe

            try:
                found.append({"ok": True, "results": plain(probe(namespace[name], case))})
            except BaseException as error:
                found.append({"ok": False, "error": text_of(error)})
            if os.getpid() != me:
                os._exit(0)
        entries = {"defined": True, "cases": found, "cells": notes}
    torch.save(entries, os.path.join(out, exercise["id"] + ".pt"))


PRISTINE: tuple = ()  # what the probe relies on, saved before any student code runs (see snapshot)


def snapshot() -> tuple:
    """The probe's world as it is before student code runs: the module objects of the probe's modules
    and of torch in ``sys.modules``, their namespaces, the namespaces of ``torch.Tensor`` and
    ``nn.Module``, and the code of every function the probe's modules define."""
    import torch

    names = [f"{__package__}.{m}" for m in ("cases", "matching", "probe", "harness")]
    names += ["torch", "torch.nn", "torch.nn.functional", "builtins", "os", "time"]
    modules = {name: sys.modules[name] for name in names if name in sys.modules}
    namespaces = [(vars(m), dict(vars(m))) for m in modules.values()]
    types = [(t, dict(vars(t))) for t in (torch.Tensor, torch.nn.Module)]
    code = [(f, f.__code__, f.__defaults__, f.__kwdefaults__) for name in names[:4] if name in modules
            for f in vars(modules[name]).values() if type(f).__name__ == "function"]
    return modules, namespaces, types, code


def restore(saved: tuple) -> None:
    """Undo what student code changed in the probe's world (a wrapped probe, a patched torch function or
    tensor method) before the probe runs; names the student added elsewhere stay."""
    if not saved:
        return
    modules, namespaces, types, code = saved
    sys.modules.update(modules)
    for namespace, before in namespaces:
        namespace.update({k: v for k, v in before.items() if namespace.get(k) is not v})
    for owner, before in types:
        for k in set(vars(owner)) - set(before):
            try:
                delattr(owner, k)
            except (AttributeError, TypeError):
                pass
        for k, v in before.items():
            if vars(owner).get(k) is not v:
                try:
                    setattr(owner, k, v)
                except (AttributeError, TypeError):
                    pass
    for f, body, defaults, kwdefaults in code:
        f.__code__, f.__defaults__, f.__kwdefaults__ = body, defaults, kwdefaults


def grade_notebook(notebook: dict, plans: dict, fresh_per_exercise: bool, out: str,
                   gpu_fraction: float = 0.0) -> None:
    """Run one notebook and probe its exercises; write <out>/report.json with what happened.

    The seconds come from the job: ``cell_seconds`` for one cell, ``cells_seconds`` for all of them,
    ``exercise_seconds`` for one exercise's child (its cells too where each exercise runs them afresh).
    """
    report = {"cells": [], "exercises": {}}
    cell, cells, seconds = notebook["cell_seconds"], notebook["cells_seconds"], notebook["exercise_seconds"]
    # Bound before student code runs: the cells can rebind the harness's globals and replace a
    # function's code. (Code in the same process can still reach these objects through the garbage
    # collector; the judge, which recomputes every expected value itself, never trusts the probe.)
    # Undone again in the exercise's process before each case: a fork hook, a patched os.fork or a thread may
    # have redone a change after the notebook's restore, and a case's call may change the probe for the next.
    undo, saved, body, alone = restore, PRISTINE, restore.__code__, single_threaded

    def pristine() -> bool:
        undo.__code__ = body
        undo(saved)
        return alone()

    if fresh_per_exercise:
        for exercise in notebook["exercises"]:
            def run(exercise=exercise):
                limit_gpu(gpu_fraction)
                namespace, notes = run_cells(notebook["cells"], cell, cells)
                pristine()
                probe_exercise(exercise, namespace, notes, plans[exercise["id"]], out,
                               lambda: pristine() or len(sys._current_frames()) == 1)  # CUDA runs threads
            report["exercises"][exercise["id"]] = isolated(run, seconds)
    else:
        namespace, report["cells"] = run_cells(notebook["cells"], cell, cells)
        pristine()
        for exercise in notebook["exercises"]:
            def run(exercise=exercise):
                pristine()  # first: a fork hook may have replaced probe_exercise itself
                probe_exercise(exercise, namespace, report["cells"], plans[exercise["id"]], out, pristine)
            report["exercises"][exercise["id"]] = isolated(run, seconds)
    with open(os.path.join(out, "report.json"), "w") as handle:
        json.dump(report, handle)


def oom_score(adjustment: int) -> None:
    """Tell the kernel whom to kill first when the sandbox runs out of memory (student processes, not the harness)."""
    try:
        with open("/proc/self/oom_score_adj", "w") as handle:
            handle.write(str(adjustment))
    except OSError:
        pass


def limit_gpu(fraction: float) -> None:
    """On CUDA, cap the caching allocator of this process (the cgroup cannot see GPU memory)."""
    import torch

    if fraction and torch.cuda.is_available():
        torch.cuda.set_per_process_memory_fraction(fraction)


def become(uid) -> None:
    """As root inside the sandbox, become the notebook's own unprivileged user (it cannot touch the harness)."""
    if uid is None or os.getuid() != 0:
        return
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def set_limits(limits: dict) -> None:
    for name, value in limits.items():
        resource.setrlimit(getattr(resource, name), (value, value))


# Per machine: the ABI's audit number; add_key, request_key and keyctl; clone and unshare; clone3.
KERNEL_CALLS = {"x86_64": (0xC000003E, (248, 249, 250), (56, 272), 435),
                "aarch64": (0xC00000B7, (217, 218, 219), (220, 97), 435)}
NEW_NAMESPACES = 0x7E020000  # CLONE_NEWNS, _NEWCGROUP, _NEWUTS, _NEWIPC, _NEWUSER, _NEWPID, _NEWNET


def refuse_kernel_calls() -> None:
    """Close to this process and its children (a seccomp filter) what outlives a student or reaches the sandbox.

    The kernel's keyrings belong to a uid, not to a sandbox, and a key outlives the process that added it: add_key,
    request_key and keyctl fail with EPERM. New namespaces (a user namespace above all, which gives back every
    capability, inside it, over what the sandbox's uid owns, its cgroup included): clone and unshare with a
    CLONE_NEW* flag fail with EPERM, and clone3, whose flags a filter cannot read, with ENOSYS (the C library then
    falls back to clone). Every call through a foreign ABI (32-bit or x32) fails with EPERM too. As under Docker's
    default profile."""
    import platform
    import struct

    known = KERNEL_CALLS.get(platform.machine())
    if known is None:
        raise OSError(f"no seccomp filter for the kernel's risky calls on {platform.machine()}")
    arch, keys, spawns, clone3 = known
    allow, refuse, absent = 0x7FFF0000, 0x00050000 | 1, 0x00050000 | 38  # ALLOW, ERRNO | EPERM, ERRNO | ENOSYS
    load, equal, at_least, test, ret = 0x20, 0x15, 0x35, 0x45, 0x06  # BPF_LD|W|ABS, BPF_JMP|JEQ/JGE/JSET|K, BPF_RET|K
    checks = [*[(number, "refuse") for number in keys], (clone3, "absent"), *[(number, "flags") for number in spawns]]
    # The ends, after the checks: allow, refuse, absent, then the flags of clone and unshare (args[0]'s low word).
    ends = 5 + len(checks)
    label = {"refuse": ends + 1, "absent": ends + 2, "flags": ends + 3}
    program = [(load, 0, 0, 4), (equal, 1, 0, arch), (ret, 0, 0, refuse),  # seccomp_data.arch
               (load, 0, 0, 0), (at_least, label["refuse"] - 5, 0, 0x40000000),  # seccomp_data.nr; x32 numbers
               *[(equal, label[kind] - (6 + i), 0, number) for i, (number, kind) in enumerate(checks)],
               (ret, 0, 0, allow), (ret, 0, 0, refuse), (ret, 0, 0, absent),
               (load, 0, 0, 16), (test, 1, 0, NEW_NAMESPACES), (ret, 0, 0, allow), (ret, 0, 0, refuse)]
    code = b"".join(struct.pack("HBBI", *instruction) for instruction in program)
    buffer = ctypes.create_string_buffer(code, len(code))

    class Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    libc = ctypes.CDLL(None, use_errno=True)
    fprog = Program(len(program), ctypes.addressof(buffer))
    if libc.prctl(38, 1, 0, 0, 0) or libc.prctl(22, 2, ctypes.byref(fprog), 0, 0):  # NO_NEW_PRIVS; SET_SECCOMP
        raise OSError(ctypes.get_errno(), "the seccomp filter for the kernel's risky calls could not be installed")


def silence_output() -> None:
    """Student output goes nowhere: it can neither fill a disk nor reach the grader."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)


def preload() -> None:
    """Import what the notebooks import once here, not once per notebook process."""
    for name in ("numpy", "matplotlib.pyplot", "torch.nn.functional"):
        try:
            __import__(name)
        except Exception:  # a missing optional package is the notebook's problem, reported there
            pass


def as_case(data: dict):
    """A Case from the plain data the trusted side wrote (JSON lists back to tuples)."""
    from .cases import Case

    def tupled(value):
        if isinstance(value, list):
            return tuple(tupled(v) for v in value)
        if isinstance(value, dict):
            return {k: tupled(v) for k, v in value.items()}
        return value

    return Case(**{key: tupled(value) for key, value in data.items()})


def kill_leftovers(uid, pid_namespace: bool) -> None:
    """Kill every process a notebook left behind (daemons included) before its results are read."""
    for _ in range(5):
        if uid is not None and os.getuid() == 0:
            killer = os.fork()
            if killer == 0:
                try:
                    os.setgid(uid)
                    os.setuid(uid)
                    os.kill(-1, signal.SIGKILL)  # every process of this uid but the caller
                finally:
                    os._exit(0)
            os.waitpid(killer, 0)
        elif pid_namespace and os.getpid() == 1:
            try:
                os.kill(-1, signal.SIGKILL)  # as the namespace's init: every other process in it, in one sweep
            except ProcessLookupError:  # nothing was left
                pass
        elif pid_namespace:
            for entry in os.listdir("/proc"):
                if entry.isdigit() and int(entry) not in (1, os.getpid(), os.getppid()):
                    try:
                        os.kill(int(entry), signal.SIGKILL)
                    except OSError:
                        pass
        reap()
        if not pid_namespace or not leftovers():
            return
        time.sleep(0.05)


def leftovers() -> bool:
    """Whether a process besides this one is left in the PID namespace. As its pid 1 this process inherits every
    orphan, so any process left is, or will soon be, a child of its own (a /proc of an outer namespace, as in a
    warm sandbox without root, would show the server too)."""
    if os.getpid() == 1:
        try:
            return os.waitpid(-1, os.WNOHANG) == (0, 0)
        except ChildProcessError:
            return False
    return bool([e for e in os.listdir("/proc") if e.isdigit() and int(e) not in (1, os.getpid(), os.getppid())
                 and not zombie(e)])


def zombie(pid: str) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (OSError, IndexError):
        return True


def reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def read_result(folder_fd: int, name: str, cap: int) -> bytes | None:
    """A file of the notebook's folder: never through a link, only a regular file, at most `cap` bytes."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=folder_fd)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > cap:
            return None
        chunks, size = [], 0
        while size <= cap:
            chunk = os.read(fd, min(1 << 20, cap + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks) if size <= cap else None
    finally:
        os.close(fd)


def send(channel: int, notebook: str, name: str, data: bytes) -> None:
    """One frame: 4-byte header length, JSON header {notebook, file, size}, then the bytes."""
    header = json.dumps({"notebook": notebook, "file": name, "size": len(data)}).encode()
    message = memoryview(len(header).to_bytes(4, "big") + header + data)
    while message:
        message = message[os.write(channel, message):]


def fresh_folder(index: int, stem: str, uid) -> str:
    """An empty folder of the notebook's own, under a name no earlier notebook could guess and take first."""
    while True:
        folder = os.path.join(OUT, f"{index}-{stem}-{secrets.token_hex(8)}")
        try:
            os.mkdir(folder, 0o700)
            break
        except FileExistsError:
            continue
    if uid is not None and os.getuid() == 0:
        os.chown(folder, uid, uid)
    return folder


def prepare() -> None:
    """What every student's grading starts from, done once per sandbox before any student code runs: torch on one
    thread, the meta kernels loaded, the notebooks' usual imports, and the probe's world saved (see snapshot)."""
    global PRISTINE
    import torch

    signal.signal(signal.SIGINT, signal.SIG_DFL)  # as pid 1 of its namespace, then deaf to a notebook's SIGINT
    torch.set_num_threads(1)
    from . import cases, probe  # noqa: F401  (imported before the student's code can shadow them)

    (torch.zeros(2, 2, device="meta", requires_grad=True) * 1).sum()  # loads meta kernels once, not per exercise
    oom_score(-500)
    prctl(4, 0)  # PR_SET_DUMPABLE 0: no process of the same uid may trace this one or open its fds
    copy_fonts()
    preload()
    PRISTINE = snapshot()


def copy_fonts() -> None:
    """Matplotlib's prebuilt font list into the (fresh, writable) matplotlib folder, MPLCONFIGDIR."""
    fonts = os.path.join(LIB, "matplotlib-fonts")
    config = os.environ.get("MPLCONFIGDIR")
    if os.path.isdir(fonts) and config:
        shutil.copytree(fonts, config, dirs_exist_ok=True)
        for path in [config] + [os.path.join(config, p) for p in os.listdir(config)]:
            os.chmod(path, 0o777 if os.path.isdir(path) else 0o666)


def grade_job(job: dict, channel: int) -> None:
    """Grade one student's notebooks, one after another, each sent on `channel` before the next starts."""
    plans = {exercise_id: [as_case(case) for case in cases] for exercise_id, cases in job["cases"].items()}
    for index, notebook in enumerate(job["notebooks"]):
        uid = notebook["uid"]
        folder = fresh_folder(index, notebook["stem"], uid)
        folder_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)

        def run(notebook=notebook, uid=uid, folder=folder, folder_fd=folder_fd):
            os.close(channel)
            os.close(folder_fd)
            signal.signal(signal.SIGINT, signal.default_int_handler)  # the notebook's own, as in Python
            oom_score(1000)
            become(uid)
            set_limits(job["limits"])
            refuse_kernel_calls()
            grade_notebook(notebook, plans, job["fresh_per_exercise"], folder, job["gpu_fraction"])

        status = isolated(run, float(notebook["budget"]))
        kill_leftovers(uid, job["pid_namespace"])
        send(channel, notebook["stem"], "ended", status.encode())
        names = [("report.json", REPORT_BYTES)] + [(e["id"] + ".pt", RESULT_BYTES) for e in notebook["exercises"]]
        for name, cap in names:
            data = read_result(folder_fd, name, cap)
            if data is not None:
                send(channel, notebook["stem"], name, data)
        os.close(folder_fd)
        shutil.rmtree(folder, ignore_errors=True)
    os.close(channel)  # the host's end of the stream: everything is sent


def main() -> None:
    """One sandbox for one student: the job in JOB/job.json, the results on standard output."""
    global LIB, JOB, OUT
    if len(sys.argv) == 4:  # without bubblewrap the folders are passed as arguments
        LIB, JOB, OUT = sys.argv[1:4]
    with open(os.path.join(JOB, "job.json")) as handle:
        job = json.load(handle)
    channel = os.dup(1)
    os.dup2(2, 1)  # until the student's code runs, stray output goes to the sandbox's log, never into the channel
    prepare()
    silence_output()
    grade_job(job, channel)
    os._exit(0)  # no interpreter teardown (torch's takes seconds on a loaded machine): nothing is left to flush
