"""Ways one student's code could leave a trace for a student graded after them, as notebook cells.

Each channel has a planter (code that leaves a trace named TRACE) and a finder (the body of a
function that returns True when it sees that trace). `place` fills in the per-batch names, so an
old trace from another run never counts. A finder never holds the literal it looks for where its
own job could hold it too (open files, memory): it carries the hex of the trace or, for the secret
in memory, only its SHA-256.
"""
import ctypes
import hashlib
import os
import platform
import secrets
from dataclasses import dataclass

SECRET_PREFIX = "planted-secret-"  # the memory channel looks for this followed by 32 hex digits

LIBC = """import ctypes, ctypes.util
libc = ctypes.CDLL(None, use_errno=True)
"""

KEY_SYSCALLS = {"x86_64": (248, 249, 250), "aarch64": (217, 218, 219)}  # add_key, request_key, keyctl
KEYCTL_SEARCH, KEYCTL_INVALIDATE = 10, 21
USER_KEYRINGS = (-4, -5)  # KEY_SPEC_USER_KEYRING, KEY_SPEC_USER_SESSION_KEYRING
KEY_CALLS = f"""import platform
ADD_KEY, REQUEST_KEY, KEYCTL = {KEY_SYSCALLS!r}[platform.machine()]
"""

# A daemon: double fork, a session of its own, then exec (no fork of the notebook's threads goes on running).
DETACH = """import os, sys, time
def detach(program, argv):
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            if os.fork() == 0:
                os.execv(program, argv)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
"""

SOCKET_SERVER = """import socket, time
server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
server.bind(b"\\0TRACE")
server.listen(8)
server.settimeout(1.0)
end = time.monotonic() + 300
while time.monotonic() < end:
    try:
        client, _ = server.accept()
        client.sendall(b"TRACE")
        client.close()
    except OSError:
        pass
"""


@dataclass(frozen=True)
class Channel:
    name: str
    plant: str  # notebook code that leaves the trace
    find: str  # body of a function returning whether the trace is there
    optional: str = ""  # why the channel may be closed to a notebook (then the self-check decides to skip it)


CHANNELS = (
    Channel("tmp_file", """import os
os.umask(0)
with open("/tmp/TRACE", "w") as handle:
    handle.write("TRACE")
os.mkdir("/tmp/TRACE.d", 0o777)
""", """import os
return os.path.lexists("/tmp/TRACE") or os.path.lexists("/tmp/TRACE.d")
"""),
    Channel("dev_shm_file", LIBC + """import os
os.umask(0)
with open("/dev/shm/TRACE", "w") as handle:
    handle.write("TRACE")
libc.sem_open.restype = ctypes.c_void_p
libc.sem_open(b"/TRACE.sem", os.O_CREAT, 0o666, 0)  # a POSIX semaphore: /dev/shm/sem.TRACE.sem
""", LIBC + """import os
libc.sem_open.restype = ctypes.c_void_p
return (os.path.lexists("/dev/shm/TRACE") or os.path.lexists("/dev/shm/sem.TRACE.sem")
        or bool(libc.sem_open(b"/TRACE.sem", 0)))
"""),
    Channel("writable_places", """import os
FOLDERS = ("/", "/dev", "/sandbox", "/sandbox/out", "/sandbox/job", "/var/tmp", "/run", "/home", "/mnt", "/opt")
os.umask(0)
places = {os.environ.get(name) for name in ("HOME", "TMPDIR", "MPLCONFIGDIR", "XDG_CACHE_HOME")}
places |= {os.getcwd(), *FOLDERS}
try:  # the notebook's own result folder too
    places |= {entry.path for entry in os.scandir("/sandbox/out") if entry.is_dir()}
except OSError:
    pass
for place in places:
    try:
        with open(os.path.join(place, "TRACE"), "w") as handle:
            handle.write("TRACE")
    except (OSError, TypeError):
        pass
""", """import os, time
FOLDERS = ("/", "/dev", "/sandbox", "/sandbox/out", "/sandbox/job", "/var/tmp", "/run", "/home", "/mnt", "/opt")
places = {os.environ.get(name) for name in ("HOME", "TMPDIR", "MPLCONFIGDIR", "XDG_CACHE_HOME")}
places |= {os.getcwd(), *FOLDERS}
places = sorted(p for p in places if p)
if any(os.path.lexists(os.path.join(place, "TRACE")) for place in places):
    return True
deadline = time.monotonic() + 3
for place in (p for p in places if p not in ("/", "/dev")):  # those two: their own entries only
    for folder, subfolders, files in os.walk(place):  # a trace in a folder below (bounded in time)
        if "TRACE" in files or "TRACE" in subfolders:
            return True
        if time.monotonic() > deadline:
            return False
return False
"""),
    Channel("sysv_ipc", LIBC + """IPC_CREAT = 0o1000
shm = libc.shmget(SYSV_KEY, 4096, IPC_CREAT | 0o666)
libc.msgget(SYSV_KEY, IPC_CREAT | 0o666)
libc.semget(SYSV_KEY, 1, IPC_CREAT | 0o666)
libc.shmat.restype = ctypes.c_void_p
address = libc.shmat(shm, None, 0)
if address not in (None, ctypes.c_void_p(-1).value):
    ctypes.memmove(address, b"TRACE", len(b"TRACE"))
    libc.shmdt(ctypes.c_void_p(address))
""", LIBC + """if libc.shmget(SYSV_KEY, 0, 0) >= 0 or libc.msgget(SYSV_KEY, 0) >= 0 or libc.semget(SYSV_KEY, 0, 0) >= 0:
    return True
for kind in ("shm", "msg", "sem"):  # lists every object of the IPC namespace, whatever its permissions
    try:
        with open(f"/proc/sysvipc/{kind}") as handle:
            if any(line.split()[:1] == [str(SYSV_KEY)] for line in handle.readlines()[1:]):
                return True
    except OSError:
        pass
return False
"""),
    Channel("posix_mqueue", LIBC + """import os
os.umask(0)
rt = ctypes.CDLL(ctypes.util.find_library("rt") or None, use_errno=True)
queue = rt.mq_open(b"/TRACE", os.O_CREAT | os.O_RDWR, 0o666, None)
if queue >= 0:
    rt.mq_send(queue, b"TRACE", len(b"TRACE"), 0)
""", LIBC + """import os
rt = ctypes.CDLL(ctypes.util.find_library("rt") or None, use_errno=True)
return rt.mq_open(b"/TRACE", os.O_RDONLY | os.O_NONBLOCK) >= 0 or os.path.lexists("/dev/mqueue/TRACE")
""", optional="POSIX message queues need mq_open, which the sandbox's C library may lack"),
    Channel("abstract_socket", DETACH + """import socket
detach(sys.executable, [sys.executable, "-I", "-c", SOCKET_SERVER])
for _ in range(100):  # until it listens
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(b"\\0TRACE")
        break
    except OSError:
        time.sleep(0.05)
    finally:
        probe.close()
""", """import socket
try:
    with open("/proc/net/unix") as handle:  # every Unix socket of the network namespace
        if any(line.rstrip().endswith("@TRACE") for line in handle):
            return True
except OSError:
    pass
client = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
client.settimeout(2)
try:
    client.connect(b"\\0TRACE")
    return True
except OSError:
    return False
finally:
    client.close()
"""),
    Channel("leftover_process", DETACH + """detach("/bin/sleep", ["TRACE", "300"])  # the trace is its command line
time.sleep(0.2)
""", """import os, signal
for entry in os.listdir("/proc"):
    if not entry.isdigit():
        continue
    try:
        with open(f"/proc/{entry}/cmdline", "rb") as handle:
            if b"TRACE" in handle.read():
                return True
    except OSError:
        pass
return False
"""),
    Channel("process_memory", """planted_secret = "SECRET"  # held in a global: it stays in the notebook's memory
""", LIBC + """import hashlib, os, re, time
libc.prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE: /proc/self/mem is then this uid's to open
pattern = re.compile(re.escape(SECRET_PREFIX.encode()) + rb"[0-9a-f]{32}")
regions = []
with open("/proc/self/maps") as handle:
    for line in handle:
        fields = line.split()
        start, end = (int(x, 16) for x in fields[0].split("-"))
        path = fields[5] if len(fields) > 5 else ""
        if "r" not in fields[1] or path in ("[vvar]", "[vvar_vclock]", "[vsyscall]") or end - start > 256 << 20:
            continue
        if "w" in fields[1] or not path or path.startswith("["):  # data, not code of a library
            regions.append((start, end))
deadline = time.monotonic() + 5
with open("/proc/self/mem", "rb", buffering=0) as memory:
    for start, end in regions:
        position = start
        while time.monotonic() < deadline:
            try:
                chunk = os.pread(memory.fileno(), min(8 << 20, end - position), position)
            except OSError:
                break
            if any(hashlib.sha256(m.group()).hexdigest() == "SECRET_SHA256" for m in pattern.finditer(chunk)):
                return True
            if position + len(chunk) >= end or not chunk:
                break
            position += len(chunk) - 64  # overlapping: a secret across two chunks is found too
return False
"""),
    Channel("hostname", LIBC + """libc.sethostname(b"TRACE", len(b"TRACE"))
libc.setdomainname(b"TRACE", len(b"TRACE"))
""", """import os
return "TRACE" in (os.uname().nodename, os.uname().domainname)
""", optional="a notebook runs as an unprivileged uid, which may not set the hostname"),
    Channel("open_file_descriptors", """import os
descriptor = os.memfd_create("TRACE", 0)  # inheritable, left open
os.write(descriptor, b"TRACE")
""", """import os
needle = bytes.fromhex("TRACE_HEX")
for entry in os.listdir("/proc/self/fd"):
    try:
        if needle in os.readlink(f"/proc/self/fd/{entry}").encode():
            return True
        if needle in os.pread(int(entry), 1 << 20, 0):  # an open file of another student's job, say
            return True
    except OSError:
        pass
return False
"""),
    Channel("environment", """import os
os.environ["TRACE_NAME"] = "TRACE"
""", LIBC + """import os
needle = bytes.fromhex("TRACE_HEX")
if any(needle in (k + "=" + v).encode() for k, v in os.environ.items()):
    return True
libc.prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE: /proc/self/environ (as the process started) is then this uid's
with open("/proc/self/environ", "rb") as handle:
    return needle in handle.read()
"""),
    Channel("kernel_keyring", LIBC + KEY_CALLS + f"""for keyring in {USER_KEYRINGS}:
    libc.syscall(ADD_KEY, b"user", b"TRACE", b"TRACE", len(b"TRACE"), keyring)
""", LIBC + KEY_CALLS + f"""if libc.syscall(REQUEST_KEY, b"user", b"TRACE", None, 0) >= 0:
    return True
if any(libc.syscall(KEYCTL, {KEYCTL_SEARCH}, keyring, b"user", b"TRACE", 0) >= 0 for keyring in {USER_KEYRINGS}):
    return True
try:
    with open("/proc/keys") as handle:
        return any("TRACE" in line for line in handle)
except OSError:
    return False
""", optional="the kernel's key calls may be closed to a notebook (or their numbers unknown here)"),
)
BY_NAME = {channel.name: channel for channel in CHANNELS}


@dataclass(frozen=True)
class Traces:
    """The names of one batch's traces."""
    marker: str  # the start of every trace's name
    secret: str  # what the memory channel's planter holds

    @classmethod
    def new(cls):
        return cls(f"leftover-{secrets.token_hex(6)}", SECRET_PREFIX + secrets.token_hex(16))

    def trace(self, channel: Channel) -> str:
        return f"{self.marker}-{channel.name}"

    def place(self, source: str, channel: Channel) -> str:
        trace = self.trace(channel)
        for name, value in (("SOCKET_SERVER", repr(SOCKET_SERVER.replace("TRACE", trace))),
                            ("SECRET_SHA256", hashlib.sha256(self.secret.encode()).hexdigest()),
                            ("SECRET_PREFIX", repr(SECRET_PREFIX)), ("SECRET", self.secret),
                            ("SYSV_KEY", str(self.sysv_key(channel))), ("TRACE_HEX", trace.encode().hex()),
                            ("TRACE_NAME", trace.replace("-", "_").upper()), ("TRACE", trace)):
            source = source.replace(name, value)
        return source

    def sysv_key(self, channel: Channel) -> int:
        return int(hashlib.sha256(self.trace(channel).encode()).hexdigest()[:7], 16) + 1

    def planter(self, channel: Channel) -> str:
        """A cell that leaves the channel's trace (a failure is ignored: the notebook goes on)."""
        body = self.place(channel.plant, channel)
        return "try:\n" + indent(body) + "except Exception:\n    pass\n"

    def finder(self, channel: Channel, hidden: str) -> str:
        """A cell that gives `hidden` (kept in `_kept`, deleted) back only when the channel's trace is there."""
        body = self.place(channel.find, channel)
        return (f"def look_for_trace():\n{indent(body)}\n"
                "try:\n    found = bool(look_for_trace())\nexcept Exception:\n    found = False\n"
                f"if found:\n    {hidden} = _kept\n")


def hide(name: str) -> str:
    """A cell that takes the solved exercise `name` away (kept aside for the finder)."""
    return f"_kept = {name}\ndel {name}\n"


def indent(source: str) -> str:
    return "".join("    " + line + "\n" for line in source.splitlines())


def remove_planted_keys(traces: Traces) -> list:
    """Take the planted kernel keys out of every uid's keyrings again; returns the uids that still held one.

    The keyrings are the machine's (bubblewrap, started as root, keeps the user namespace): a key outlives
    the sandbox, and a later notebook that runs as the same uid finds it."""
    calls = KEY_SYSCALLS.get(platform.machine())
    try:
        with open("/proc/key-users") as handle:
            uids = {int(line.split(":")[0]) for line in handle}
    except OSError:
        return []
    if calls is None:
        return []
    libc = ctypes.CDLL(None, use_errno=True)  # loaded before forking: the child then takes no loader lock
    description = traces.trace(BY_NAME["kernel_keyring"]).encode()
    holders = []
    for uid in sorted(uids) if os.getuid() == 0 else [os.getuid()]:
        pid = os.fork()
        if pid == 0:
            held = 0
            try:
                if uid != os.getuid():
                    os.setgroups([])
                    os.setgid(uid)
                    os.setuid(uid)
                for keyring in USER_KEYRINGS:
                    key = libc.syscall(calls[2], KEYCTL_SEARCH, keyring, b"user", description, 0)
                    if key >= 0:
                        held = 1
                        libc.syscall(calls[2], KEYCTL_INVALIDATE, key)
            finally:
                os._exit(held)
        _, status = os.waitpid(pid, 0)
        if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 1:
            holders.append(uid)
    return holders
