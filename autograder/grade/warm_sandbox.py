"""Warm sandboxes: one bubblewrap sandbox per batch worker, torch loaded once, grading one student after another.

The server inside (autograder/inside/server.py) forks each student fresh namespaces, folders and a PID
namespace of their own; what students share is only the server's memory from before any job was
read. Per student the trusted side sends the job as a read-only file and the write end of a fresh
result pipe, reads that pipe to its end (capped, with the student's deadline) and then the server's
word on how the student's child ended. A sandbox that ran past a deadline, sent too much, died, or
whose student's grading process died is killed; the next student gets a new one.

A process that grades batch after batch (a notebook, a course's server, the test suite) may keep its idle warm
sandboxes for its next batches (`keep_between_batches`): what a sandbox holds between students, the server's
memory from before any job, is the same between batches.
"""
import atexit
import hashlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from . import sandbox
from .confinement import open_confinement

KEEP_SECONDS = 600.0  # an idle kept sandbox still holds torch's memory: closed after this long unused


@dataclass
class Lent:
    """What a student's grading process holds of the warm sandbox lent to it (picklable for the workers)."""
    control: socket.socket
    pid: int  # the sandbox's bubblewrap, leader of its own process group
    log: Path  # the server's own error output (a student's output never reaches it)


class WarmSandbox:
    def __init__(self, library: Path, device: str, limits: sandbox.Limits, confinement, log: Path):
        self.confinement = confinement
        self.cgroups = confinement.sandbox(limits.memory, limits.processes)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with open(log, "wb") as handle:
            self.process = subprocess.Popen(
                sandbox.bwrap_command(library, None, device, limits), env=sandbox.environment(device, "/tmp"),
                stdin=theirs, stdout=subprocess.DEVNULL, stderr=handle, start_new_session=True,
                preexec_fn=sandbox.confiner(self.cgroups, limits))
        theirs.close()
        self.lent = Lent(ours, self.process.pid, log)
        self.thread = threading.current_thread()  # bubblewrap dies with it (--die-with-parent)

    def alive(self) -> bool:
        """Running and between students: nothing waits on its control socket (a killed one reads as ended)."""
        ready, _, _ = select.select([self.lent.control], [], [], 0)
        return self.process.poll() is None and not ready

    def close(self) -> None:
        kill(self.lent)
        self.process.wait()
        self.lent.control.close()
        self.confinement.release(self.cgroups)


def kill(lent: Lent) -> None:
    """Kill the sandbox and shut its control socket, for every holder: the batch then never lends it again."""
    try:
        os.killpg(lent.pid, signal.SIGKILL)
    except OSError:
        pass
    try:
        lent.control.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


def run(lent: Lent, job: dict, scratch: Path, limits: sandbox.Limits, wall_seconds: float):
    """Grade one student's `job` in the warm sandbox `lent`; a sandbox that does not end the job cleanly is killed.

    None, and the sandbox untouched, for a job larger than a file the sandbox may write (its job.json, written
    inside, is held to the file-size limit): that student gets a sandbox of their own, whose job.json is written
    here."""
    job = dict(job, tmpfs={**sandbox.student_folders(limits), "/sandbox/job": (limits.file_bytes + 2**20, "755")})
    text = json.dumps(job).encode()
    if len(text) > limits.file_bytes:
        return None
    with tempfile.TemporaryFile(dir=scratch) as file:
        file.write(text)
        file.flush()
        job_fd = os.open(f"/proc/self/fd/{file.fileno()}", os.O_RDONLY)  # the sandbox gets a read-only copy
    read_end, write_end = os.pipe()
    deadline = time.monotonic() + wall_seconds
    try:
        socket.send_fds(lent.control, [b"job"], [job_fd, write_end])
    except OSError as error:
        os.close(read_end)
        kill(lent)
        why = f"the warm sandbox could not take the job ({error.strerror})"
        return sandbox.SandboxRun(why, log_tail(lent.log), b"")
    finally:
        os.close(job_fd)
        os.close(write_end)
    with os.fdopen(read_end, "rb") as stream:
        output, status = sandbox.read_capped(stream, deadline, limits.output_bytes)
    if status == "ok":
        status = answer(lent.control, deadline)
    if status != "ok":
        kill(lent)
    return sandbox.SandboxRun(status, log_tail(lent.log) if status.startswith("the warm sandbox") else "", output)


def log_tail(log: Path, size: int = 4000) -> str:
    """The end of the server's log: why it could not take or finish a job."""
    try:
        with open(log, "rb") as handle:
            handle.seek(max(0, os.fstat(handle.fileno()).st_size - size))
            return handle.read().decode("utf-8", "replace")
    except OSError:
        return ""


def answer(control: socket.socket, deadline: float) -> str:
    """The server's word on how the student's child ended: "ok", why not, or "timeout"."""
    ready, _, _ = select.select([control], [], [], max(0.0, deadline - time.monotonic()))
    if not ready:
        return "timeout"
    try:
        message = control.recv(256)
    except OSError:
        message = b""
    return message.decode("ascii", "replace") if message else "the warm sandbox ended"


class Pool:
    """A batch's warm sandboxes, each lent to one student's grading process at a time; with `kept`, the idle
    sandboxes kept from earlier batches that fit its settings are taken first, and its own are kept at the end."""

    def __init__(self, settings, size: int, kept: "Kept | None" = None):
        self.settings, self.started = settings, 0
        self.kept = kept if kept is not None and kept.fits(settings) else None
        self.key = self.kept.key(settings) if self.kept else None
        taken = self.kept.take(self.key, size) if self.kept else []
        # the others start now: torch loads while the students' cells are read
        self.idle = taken + [self.start() for _ in range(size - len(taken))]

    def start(self) -> WarmSandbox:
        self.started += 1
        if self.kept:
            return self.kept.start(self.key, self.settings)
        return WarmSandbox(self.settings.library, self.settings.device, self.settings.limits,
                           self.settings.confinement, self.settings.scratch / f"warm-{self.started}.log")

    def lend(self) -> WarmSandbox:
        while self.idle:
            warm = self.idle.pop(0)
            if warm.alive():
                return warm
            warm.close()
        return self.start()

    def give_back(self, warm: WarmSandbox, clean: bool) -> None:
        """`clean`: the student's process ended normally (else the sandbox may be mid-job and is not reused)."""
        if clean and warm.alive():
            self.idle.append(warm)
        else:
            warm.close()

    def close(self) -> None:
        for warm in self.idle:
            self.kept.keep(self.key, warm) if self.kept else warm.close()
        self.idle = []


class Kept:
    """Idle warm sandboxes a process keeps between its batches, by what they were started with: the library's
    content, the device and the limits. They run from a library folder and cgroups of the process, not of the batch
    that started them (its folders go with it), and are closed after `seconds` idle, by `close` and at exit.

    bubblewrap dies with the thread that started it (--die-with-parent), so a batch takes only the sandboxes its own
    thread started: one started by another thread could die under a student when that thread ends.
    """

    def __init__(self, seconds: float = KEEP_SECONDS):
        self.seconds, self.pid = seconds, os.getpid()
        self.home = Path(tempfile.mkdtemp(prefix="autograder-warm-"))
        self.confinement = open_confinement(self.home.name)
        self.libraries, self.idle, self.started = {}, {}, 0  # digest -> folder; key -> [(WarmSandbox, kept at)]
        self.lock, self.timer = threading.Lock(), None
        atexit.register(self.close)

    def fits(self, settings) -> bool:
        """Sandboxes confined here are confined as the batch promises (its fingerprint names the mechanism)."""
        return self.confinement.mechanism == settings.confinement.mechanism and self.pid == os.getpid()

    def key(self, settings) -> tuple:
        """(the library's digest, device, limits): what a sandbox was started with. The library is copied into this
        process's folder the first time its digest is seen."""
        digest = hashlib.sha256()
        for path in sorted(p for p in settings.library.rglob("*") if p.is_file()):
            digest.update(path.relative_to(settings.library).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
        with self.lock:
            if digest.hexdigest() not in self.libraries:
                folder = self.home / f"library-{len(self.libraries)}"
                shutil.copytree(settings.library, folder)
                self.libraries[digest.hexdigest()] = folder
        return digest.hexdigest(), settings.device, settings.limits

    def start(self, key: tuple, settings) -> WarmSandbox:
        with self.lock:
            self.started += 1
            log = self.home / f"warm-{self.started}.log"
        return WarmSandbox(self.libraries[key[0]], settings.device, settings.limits, self.confinement, log)

    def take(self, key: tuple, most: int) -> list:
        """Up to `most` of the idle sandboxes kept under `key` by this thread that are still alive (the dead are
        closed), the last kept first."""
        taken = []
        with self.lock:
            waiting = self.idle.get(key, [])
            for warm, since in reversed([w for w in waiting if w[0].thread is threading.current_thread()]):
                if len(taken) == most:
                    break
                waiting.remove((warm, since))
                taken.append(warm) if warm.alive() else warm.close()
        return taken

    def keep(self, key: tuple, warm: WarmSandbox) -> None:
        with self.lock:
            if not warm.alive():
                warm.close()
                return
            self.idle.setdefault(key, []).append((warm, time.monotonic()))
            if self.timer is None:
                self.sweep_later(self.seconds)

    def sweep_later(self, seconds: float) -> None:
        self.timer = threading.Timer(seconds, self.sweep)
        self.timer.daemon = True
        self.timer.start()

    def sweep(self) -> None:
        """Close the sandboxes idle for `seconds`; come back for the others when theirs is up."""
        now = time.monotonic()
        with self.lock:
            self.timer = None
            for waiting in self.idle.values():
                for warm, since in [w for w in waiting if now - w[1] >= self.seconds]:
                    waiting.remove((warm, since))
                    warm.close()
            left = [since for waiting in self.idle.values() for _, since in waiting]
            if left:
                self.sweep_later(max(0.0, min(left) + self.seconds - now))

    def close(self) -> None:
        """Close every kept sandbox, its cgroups and its folder (also at exit)."""
        if self.pid != os.getpid():  # a forked child holds a copy: the sandboxes are its parent's
            return
        with self.lock:
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
            for waiting in self.idle.values():
                for warm, _ in waiting:
                    warm.close()
            self.idle = {}
        self.confinement.close()
        shutil.rmtree(self.home, ignore_errors=True)


KEPT = None  # this process's Kept, once `keep_between_batches` has been called


def keep_between_batches(seconds: float = KEEP_SECONDS) -> Kept:
    """From now on this process keeps its batches' idle warm sandboxes for its next batches, `seconds` at most."""
    global KEPT
    if KEPT is None or KEPT.pid != os.getpid():
        KEPT = Kept(seconds)
    return KEPT


def usable(settings) -> bool:
    """Warm sandboxes need bubblewrap; on CUDA each student keeps a fresh sandbox (the server is untested there)."""
    return settings.isolate and settings.device == "cpu"
