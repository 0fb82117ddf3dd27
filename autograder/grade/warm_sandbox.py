"""Warm sandboxes: one bubblewrap sandbox per batch worker, torch loaded once, grading one student after another.

The server inside (autograder/inside/server.py) forks each student fresh namespaces, folders and a PID
namespace of their own; what students share is only the server's memory from before any job was
read. Per student the trusted side sends the job as a read-only file and the write end of a fresh
result pipe, reads that pipe to its end (capped, with the student's deadline) and then the server's
word on how the student's child ended. A sandbox that ran past a deadline, sent too much, died, or
whose student's grading process died is killed; the next student gets a new one.
"""
import json
import os
import select
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import sandbox


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
    """A batch's warm sandboxes, each lent to one student's grading process at a time."""

    def __init__(self, settings, size: int):
        self.settings, self.started = settings, 0
        self.idle = [self.start() for _ in range(size)]  # started now: torch loads while the students' cells are read

    def start(self) -> WarmSandbox:
        self.started += 1
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
            warm.close()
        self.idle = []


def usable(settings) -> bool:
    """Warm sandboxes need bubblewrap; on CUDA each student keeps a fresh sandbox (the server is untested there)."""
    return settings.isolate and settings.device == "cpu"
