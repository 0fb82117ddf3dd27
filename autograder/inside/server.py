"""A warm sandbox: torch loaded once, then each student graded in fresh namespaces of their own.

Started inside bubblewrap by ``LAUNCH`` as the sandbox's first process. Process tree:

    server (imports torch once; never runs student code and never reads a job)
      └ per student: a child that unshares mount, PID, network, IPC and UTS namespaces
          └ that student's harness, pid 1 of the new PID namespace: fresh tmpfs folders on /tmp,
            /dev/shm, /sandbox/out and /sandbox/job (its job.json, read-only), its own /proc and
            loopback, no capability left where the sandbox has no root; then ``harness.grade_job``

For each student the trusted side sends one message on the control socket (fd 0) carrying two
descriptors, the job (a read-only file) and the write end of that student's result pipe, and the
server answers with how the student's child ended. A student's job and results never pass
through the server's memory, from which every later student is forked; when the student's
harness ends, the kernel kills whatever the student left running in its PID namespace, and the
student's folders and IPC objects go with its namespaces.
"""
import ctypes
import json
import os
import re
import signal
import socket

from . import harness

LAUNCH = "import sys; sys.path.insert(0, '/sandbox/lib'); import inside.server; inside.server.main()"

NEWNS, NEWUTS, NEWIPC, NEWPID, NEWNET = 0x20000, 0x4000000, 0x8000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = \
    1, 2, 4, 8, 32, 4096, 16384, 1 << 18
MS_MOVE = 8192
NOATIME, NODIRATIME, RELATIME = 1024, 2048, 1 << 21  # as mount(2) takes them (statvfs has RELATIME at 4096)
HOLD = "/sandbox/fresh"  # an empty folder where each of a student's folders is made before it moves into place
SETUP_FAILED = 70  # the exit status of a student's harness that could not set up the student's namespaces

libc = ctypes.CDLL(None, use_errno=True)


def checked(result: int, what: str) -> None:
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def mount(source: str, target: str, kind: str | None, flags: int, data: str = "") -> None:
    checked(libc.mount(os.fsencode(source), os.fsencode(target), kind.encode() if kind else None, flags,
                       data.encode() or None), f"mount {target}")  # paths as the file system names them


def tmpfs(target: str, size: int, mode: int) -> None:
    mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size},mode={mode:o}")


def loopback_up() -> None:
    """Bring up `lo` in the new network namespace, as bubblewrap does in its own (SIOCSIFFLAGS, IFF_UP)."""
    import fcntl
    import struct

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as handle:
        request = struct.pack("16sH", b"lo", 0)
        flags = struct.unpack("16sH", fcntl.ioctl(handle, 0x8913, request)[:18])[1]  # SIOCGIFFLAGS
        fcntl.ioctl(handle, 0x8914, struct.pack("16sH", b"lo", flags | 1))  # SIOCSIFFLAGS


class CapHeader(ctypes.Structure):
    _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]


class CapData(ctypes.Structure):
    _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32)]


def drop_capabilities() -> None:
    """Give up every capability, ambient ones included, for good (no_new_privs keeps them from coming back)."""
    checked(libc.prctl(47, 4, 0, 0, 0), "clear the ambient capabilities")  # PR_CAP_AMBIENT, ..._CLEAR_ALL
    checked(libc.capset(ctypes.byref(CapHeader(0x20080522, 0)), (CapData * 2)()), "capset")


def read_job(fd: int) -> dict:
    """The job the trusted side wrote (no larger than the sandbox's file-size limit: see warm_sandbox.run)."""
    with os.fdopen(fd, "rb") as handle:
        return json.load(handle)


def fresh_proc() -> None:
    """A /proc of the student's own PID namespace, where the kernel allows one: with root. In a user namespace
    (no root) it refuses, because bubblewrap's read-only binds over /proc/sys and others cannot come off; there
    the sandbox's /proc stays, which shows only the server, this student's child and this student's processes
    (no other student's: a warm sandbox grades one student at a time, and each one's processes die with it)."""
    try:
        mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    except PermissionError:
        if os.getuid() == 0:
            raise
        return
    for corner in ("sys", "sysrq-trigger", "irq", "bus"):  # read-only, as bubblewrap leaves them
        path = f"/proc/{corner}"
        if os.path.exists(path):
            mount(path, path, None, MS_BIND | MS_REC)  # a mount of its own, to be made read-only
            read_only(path)


def fresh_tmpfs(target: str, size: int, mode: int) -> None:
    """A new empty tmpfs on `target` that still holds the mounts made below it, read-only as they were (a Python
    installation in a checkout under /tmp is bound there). It is made at HOLD, given recursive binds of those
    mounts, then moved onto `target`."""
    tmpfs(HOLD, size, mode)
    for point in mounts_below(target):
        place = HOLD
        for part in os.path.relpath(point, target).split(os.sep):
            place = os.path.join(place, part)
            if not os.path.isdir(place):
                os.mkdir(place)
                os.chmod(place, 0o755)  # searchable by the notebooks' uids, as bubblewrap makes them
        mount(point, place, None, MS_BIND | MS_REC)
    mount(HOLD, target, None, MS_MOVE)


def mounts_below(folder: str) -> list:
    """The outermost mount points inside `folder`, from /proc/self/mountinfo (its octal escapes undone)."""
    with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as handle:
        points = sorted(re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), line.split()[4])
                        for line in handle)
    outermost = []
    for point in points:
        if point.startswith(folder.rstrip("/") + "/") and not any(point.startswith(o + "/") for o in outermost):
            outermost.append(point)
    return outermost


def read_only(target: str) -> None:
    """Remount `target` read-only in this mount namespace, keeping its other flags (a user namespace must)."""
    kept = os.statvfs(target).f_flag
    flags = kept & (MS_NOSUID | MS_NODEV | MS_NOEXEC | NOATIME | NODIRATIME) | (RELATIME if kept & 4096 else 0)
    mount("none", target, None, MS_REMOUNT | MS_BIND | MS_RDONLY | flags)


def fresh_world(job: dict) -> None:
    """The student's own folders, /proc and loopback, in the namespaces just unshared (this process is their pid 1).

    Everything else is read-only: without root, bubblewrap's own folders (/, /dev) belong to the students' uid,
    and what one student wrote there would wait for the next."""
    mount("none", "/", None, MS_REC | MS_PRIVATE)  # nothing mounted here reaches the server
    for target in ("/", "/dev"):
        read_only(target)
    for target, (size, mode) in job["tmpfs"].items():
        fresh_tmpfs(target, size, int(mode, 8))
    fresh_proc()
    with open(os.path.join(harness.JOB, "job.json"), "w") as handle:
        json.dump(job, handle)
    os.chmod(os.path.join(harness.JOB, "job.json"), 0o644)
    read_only(harness.JOB)
    loopback_up()
    os.chdir("/tmp")
    if os.getuid() != 0:  # every process shares one uid here: none may keep the capabilities the server was given
        drop_capabilities()


def only_descriptors(keep: tuple) -> None:
    """Close every descriptor but `keep`; 0, 1 and 2 become /dev/null."""
    harness.silence_output()
    highest = max((int(fd) for fd in os.listdir("/proc/self/fd")), default=2)
    for fd in range(3, highest + 1):
        if fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def student(job_fd: int, channel: int) -> None:
    """The child for one student (never returns): new namespaces, then their harness as pid 1 of the new PID one."""
    only_descriptors((job_fd, channel))
    harness.die_with_parent()
    checked(libc.unshare(NEWNS | NEWUTS | NEWIPC | NEWPID | NEWNET), "unshare")
    pid = os.fork()
    if pid == 0:
        code = SETUP_FAILED
        try:
            harness.die_with_parent()
            job = read_job(job_fd)
            fresh_world(job)
            harness.copy_fonts()
            code = 1
            harness.grade_job(job, channel)
            code = 0
        finally:
            os._exit(code)
    os.close(job_fd)
    os.close(channel)
    _, status = os.waitpid(pid, 0)
    os._exit(exit_code(status))


def exit_code(status: int) -> int:
    """A wait status as a shell gives it: the exit status, or 128 plus the signal that ended the process."""
    return os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)


def ended(status: int) -> str:
    code = exit_code(status)
    if code == SETUP_FAILED:
        return "the warm sandbox could not give the student namespaces and folders of their own"
    return "ok" if code == 0 else f"the sandbox exited with status {code}"


def serve(control: socket.socket) -> None:
    while True:
        message, fds, _, _ = socket.recv_fds(control, 16, 2)
        if not message:
            return  # the trusted side closed the socket: the batch is over
        if message != b"job" or len(fds) != 2:
            for fd in fds:
                os.close(fd)
            control.send(b"a malformed request")
            continue
        pid = os.fork()
        if pid == 0:
            try:
                control.close()
                student(*fds)
            finally:
                os._exit(1)
        for fd in fds:
            os.close(fd)
        _, status = os.waitpid(pid, 0)
        harness.reap()
        control.send(ended(status).encode())


def main() -> None:
    control = socket.socket(fileno=os.dup(0))
    os.dup2(2, 1)  # stray output goes to the server's log, the trusted side reads nothing else from it
    harness.prepare()
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    serve(control)
    os._exit(0)
