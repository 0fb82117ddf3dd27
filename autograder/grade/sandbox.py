"""The sandbox in which a student's code runs: bubblewrap, whole-sandbox limits, a timeout, a capped pipe back.

Inside bubblewrap the process sees read-only copies of only the Python installation, the
virtual environment, /usr and the sandbox library (the package `autograder.inside`, copied
whole: never the reference, the judge, the solutions or the gradebook), the
student's own job folder, and private size-capped tmpfs folders (/tmp, /dev/shm, the output);
no network, its own PID namespace. Nothing the sandbox writes lands on the host's disk: the
harness sends each notebook's results over its standard output, which the host reads with a
byte cap. Memory and processes are capped over the whole sandbox by a cgroup where the machine
allows one (see `confinement`), and per process by rlimits. Without a working bubblewrap the
rlimits still apply and a loud warning says the file system and network are not isolated.
"""
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from autograder.inside.harness import LAUNCH
from autograder.inside.server import LAUNCH as SERVE

from .user_cache import cache_home, ours_alone, private_folder

# What the sandbox may read: this package, all of it (it imports nothing of the trusted side).
INSIDE = Path(__file__).resolve().parents[1] / "inside"
COPY_NAME = "inside"  # the name the copy is imported by (LAUNCH imports inside.harness)
SCRATCH_BYTES = 256 * 2**20  # /tmp
SHM_BYTES = 16 * 2**20  # /dev/shm
OUT_BYTES = 128 * 2**20  # the tmpfs holding the notebooks' result files
SANDBOX_MEMORY = 6 * 2**30  # all processes of one sandbox together, where a cgroup is available (above
# PROCESS_MEMORY, so one greedy process gets a MemoryError before the whole sandbox is out of memory)
PROCESS_MEMORY = 4 * 2**30  # address space of each process (torch alone maps most of a GiB)
FILE_BYTES = 64 * 2**20  # any one file the sandbox writes
OUTPUT_BYTES = 64 * 2**20  # everything that comes back over the pipe, for one student


@dataclass(frozen=True)
class Limits:
    memory: int = SANDBOX_MEMORY
    process_memory: int = PROCESS_MEMORY
    cpu_seconds: int = 600
    processes: int = 64
    file_bytes: int = FILE_BYTES
    output_bytes: int = OUTPUT_BYTES
    shm_bytes: int = SHM_BYTES

    @classmethod
    def of_memory(cls, memory: int, **others) -> "Limits":
        """The limits of a sandbox of `memory` bytes: each process may map what the default leaves it, that much
        below the sandbox's memory (so a greedy process still gets its MemoryError first), and never less than
        PROCESS_MEMORY (below it, the cgroup alone limits a small sandbox)."""
        return cls(memory=memory, process_memory=max(PROCESS_MEMORY, memory - (SANDBOX_MEMORY - PROCESS_MEMORY)),
                   **others)

    def rlimits(self, device: str, cpu_seconds: int | None = None) -> dict:
        limits = {"RLIMIT_CPU": cpu_seconds or self.cpu_seconds, "RLIMIT_NPROC": self.processes,
                  "RLIMIT_FSIZE": self.file_bytes, "RLIMIT_CORE": 0, "RLIMIT_NOFILE": 256}
        if device != "cuda":  # CUDA reserves far more address space than it uses: there the cgroup limits memory
            limits["RLIMIT_AS"] = self.process_memory
        return limits


def build_library(destination: Path, package: Path = INSIDE) -> Path:
    """The folder the sandbox may read: the sandbox package copied whole, and matplotlib's font cache."""
    shutil.copytree(package, destination / COPY_NAME, ignore=shutil.ignore_patterns("__pycache__"))
    fonts = destination / "matplotlib-fonts"  # not a module name: never imported
    cached = font_cache()
    if cached is not None:
        shutil.copytree(cached, fonts)
    else:
        prebuild_font_cache(fonts)
    for path in [destination, *destination.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    return destination


def prebuild_font_cache(folder: Path) -> None:
    """Matplotlib's font list, built once instead of once per notebook (seconds each)."""
    env = dict(os.environ, MPLCONFIGDIR=str(folder), MPLBACKEND="Agg")
    subprocess.run([sys.executable, "-c", "import matplotlib.font_manager"], env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def font_cache(home: Path | None = None) -> Path | None:
    """Matplotlib's font list for the installed matplotlib, built on first use and kept for every later batch.

    One folder per matplotlib version (its font list file is versioned too; matplotlib rebuilds a list
    that names a font file since removed). Used only where the cache and all in it are this user's
    alone; None otherwise (each batch then builds its own).
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        folder = (home or cache_home()) / f"matplotlib-{version('matplotlib')}-fonts"
    except PackageNotFoundError:
        return None
    if private_folder(folder.parent) is None:
        return None
    if not folder.exists():
        building = Path(tempfile.mkdtemp(prefix=".fonts-", dir=folder.parent))
        prebuild_font_cache(building)
        for path in building.rglob("*"):
            os.chmod(path, 0o700 if path.is_dir() else 0o600)
        if not any(building.glob("fontlist-*.json")):  # matplotlib could not build it: nothing worth keeping
            shutil.rmtree(building, ignore_errors=True)
            return None
        try:
            os.rename(building, folder)  # whole or not at all, also against a batch building it at the same time
        except OSError:
            shutil.rmtree(building, ignore_errors=True)
    return folder if all(ours_alone(p) for p in [folder, *folder.rglob("*")]) else None


def host_binds() -> list:
    """Read-only binds of the system and the Python installation, at their own paths."""
    args = ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
        path = Path("/") / name
        if path.is_symlink():
            args += ["--symlink", os.readlink(path), str(path)]
        elif path.is_dir():
            args += ["--ro-bind", str(path), str(path)]
    for path in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime", "/etc/fonts"):
        args += ["--ro-bind-try", path, path]
    prefixes = {os.path.realpath(p) for p in (sys.base_prefix, sys.prefix, sys.exec_prefix)}
    prefixes.add(sys.prefix)
    prefixes = sorted(p for p in prefixes if not p.startswith("/usr/"))
    args += searchable_parents(prefixes + ["/sandbox/lib"])
    for prefix in prefixes:
        args += ["--ro-bind", prefix, prefix]
    for package in installed_course(prefixes):
        args += ["--tmpfs", package]
    return args


def installed_course(prefixes: list) -> list:
    """Copies of the course package inside the bound Python installations (a non-editable install puts
    the reference and the judge there), each to be hidden under an empty tmpfs."""
    found = {str(path) for prefix in [*prefixes, "/usr", "/usr/local"]
             for path in Path(prefix).glob("lib*/python3*/*-packages/autograder") if path.is_dir()}
    own = Path(__file__).resolve().parents[1]
    if any(own.is_relative_to(root) for root in [*prefixes, "/usr"]):
        found.add(str(own))
    return sorted(found)


def searchable_parents(paths: list) -> list:
    """Create the folders above each bind point as 0755 (bwrap makes them 0700: closed to the dropped uid)."""
    parents = sorted({str(parent) for path in paths for parent in Path(path).parents if str(parent) != "/"},
                     key=lambda p: p.count("/"))
    return [arg for parent in parents for arg in ("--perms", "0755", "--dir", parent)]


def gpu_binds() -> list:
    args = []
    for device in sorted(Path("/dev").glob("nvidia*")):
        args += ["--dev-bind", str(device), str(device)]
    return args + ["--ro-bind-try", "/sys", "/sys"]


def student_folders(limits: Limits) -> dict:
    """The private tmpfs folders of a student's sandbox: path -> (size in bytes, mode in octal)."""
    return {"/dev/shm": (limits.shm_bytes, "1777"), "/tmp": (SCRATCH_BYTES, "1777"),
            "/sandbox/out": (OUT_BYTES, "711")}


def bwrap_command(library: Path, job: Path | None, device: str, limits: Limits = Limits()) -> list:
    """The sandbox for one student's `job` folder, or with `job` None a warm sandbox (inside/server.py) that
    mounts each student's folders itself, in namespaces of the student's own."""
    unshare = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
    if os.getuid() != 0:
        unshare.append("--unshare-user")
    # The harness is the namespace's first process (--as-pid-1): bubblewrap's own init would otherwise hold
    # the host's end of the output pipe, dumpable and, without root, of the students' uid, so a notebook could
    # write frames into it through /proc/1/fd/1. As pid 1 the harness also cannot be killed from inside.
    # The private /tmp comes first: a Python install under /tmp (a checkout there) is bound on top of it.
    folders = student_folders(limits)
    scratch = tmpfs_args({path: folders[path] for path in ("/dev/shm", "/tmp")})
    out = tmpfs_args({"/sandbox/out": folders["/sandbox/out"]})
    if job is None:  # the server makes each student's folders at /sandbox/fresh, in namespaces of their own
        job_folder, launch = ["--dir", "/sandbox/job", "--dir", "/sandbox/fresh"], SERVE
        # without root it needs these capabilities for that (dropped before any student code runs)
        unshare += ["--cap-add", "CAP_SYS_ADMIN", "--cap-add", "CAP_NET_ADMIN"] if os.getuid() != 0 else []
    else:
        job_folder, launch = ["--ro-bind", str(job), "/sandbox/job"], LAUNCH
    return ["bwrap", *unshare, "--as-pid-1", "--die-with-parent", "--new-session",
            "--proc", "/proc", "--dev", "/dev", *scratch, *host_binds(), *(gpu_binds() if device == "cuda" else []),
            "--ro-bind", str(library), "/sandbox/lib", *job_folder, *out,
            "--chdir", "/tmp", sys.executable, "-I", "-c", launch]


def tmpfs_args(folders: dict) -> list:
    return [arg for path, (size, mode) in folders.items()
            for arg in ("--perms", mode.rjust(4, "0"), "--size", str(size), "--tmpfs", path)]


def direct_command(library: Path, job: Path, out: Path) -> list:
    return [sys.executable, "-I", "-c", LAUNCH, str(library), str(job), str(out)]


def environment(device: str, scratch: str) -> dict:
    env = {"PATH": "/usr/bin:/bin", "HOME": scratch, "TMPDIR": scratch, "MPLCONFIGDIR": f"{scratch}/matplotlib",
           "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0",
           "PYTHONDONTWRITEBYTECODE": "1", "PYTORCH_NVML_BASED_CUDA_CHECK": "1", "LANG": "C.UTF-8"}
    if device == "cuda":
        for name in ("CUDA_VISIBLE_DEVICES", "LD_LIBRARY_PATH"):
            if name in os.environ:
                env[name] = os.environ[name]
    else:
        env["CUDA_VISIBLE_DEVICES"] = ""  # a CPU run behaves the same on a machine with a GPU
    return env


_bwrap_works = None


def bwrap_works() -> bool:
    """Whether bubblewrap is installed and can create its namespaces here (checked once)."""
    global _bwrap_works
    if _bwrap_works is None:
        _bwrap_works = False
        if shutil.which("bwrap"):
            with tempfile.TemporaryDirectory() as empty:
                probe = bwrap_command(Path(empty), Path(empty), "cpu")[:-2] + ["-c", "pass"]
                result = subprocess.run(probe, capture_output=True, timeout=60, check=False)
                _bwrap_works = result.returncode == 0
    return _bwrap_works


def isolation_warning() -> str | None:
    if bwrap_works():
        return None
    reason = "is not installed" if not shutil.which("bwrap") else "cannot create namespaces here"
    return (f"WARNING: bubblewrap (bwrap) {reason}: student code runs WITHOUT file-system and network "
            "isolation (only the limits on memory, CPU time, processes, output and time apply). "
            "Install bubblewrap (apt-get install bubblewrap) before grading real submissions.")


@dataclass
class SandboxRun:
    status: str  # "ok", "timeout", "output too large", or how the sandbox ended
    log: str  # the tail of the harness's own error output (student output is discarded)
    output: bytes  # what the harness sent back (at most the limit's output_bytes)


def read_capped(stream, deadline: float, cap: int) -> tuple:
    """(bytes read until end of stream, the deadline or the cap, why it stopped: "ok" / "timeout" /
    "output too large")."""
    chunks, size, fd = [], 0, stream.fileno()
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return b"".join(chunks), "timeout"
        ready, _, _ = select.select([fd], [], [], min(left, 1.0))
        if not ready:
            continue
        chunk = os.read(fd, min(1 << 20, cap + 1 - size))
        if not chunk:
            return b"".join(chunks), "ok"
        chunks.append(chunk)
        size += len(chunk)
        if size > cap:
            return b"".join(chunks)[:cap], "output too large"


def confiner(cgroups: list, limits: Limits):
    """What the sandbox's first process does before it starts: join the sandbox's cgroups (`cgroups`: their
    cgroup.procs files), no core files, no file over the limit."""
    def confine():
        for procs in cgroups:
            with open(procs, "w") as handle:
                handle.write("0")
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
    return confine


def run(library: Path, job: Path, device: str, limits: Limits, wall_seconds: float, isolate: bool,
        cgroups: list = ()) -> SandboxRun:
    """Run the harness on one job; kill the whole sandbox at the wall-clock deadline or past the output cap.

    `cgroups`: cgroup.procs files the sandbox's first process joins before it starts.
    """
    if isolate:
        command, scratch, cwd = bwrap_command(library, job, device, limits), "/tmp", None
    else:
        scratch = str(job.parent / "scratch")
        out = job.parent / "out"
        os.makedirs(scratch, exist_ok=True)
        os.makedirs(out, exist_ok=True)
        command, cwd = direct_command(library, job, out), scratch
        if os.getuid() == 0:  # the harness's notebook processes drop to unprivileged uids
            os.chmod(scratch, 0o777)
            os.chmod(out, 0o711)
    log_path = job.parent / "sandbox.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, env=environment(device, scratch), cwd=cwd, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=log, start_new_session=True,
                                   preexec_fn=confiner(cgroups, limits))
        deadline = time.monotonic() + wall_seconds
        try:
            output, status = read_capped(process.stdout, deadline, limits.output_bytes)
            if status == "ok":
                code = process.wait(timeout=max(0.1, deadline - time.monotonic()))
                status = "ok" if code == 0 else f"the sandbox exited with status {code}"
        except subprocess.TimeoutExpired:
            status = "timeout"
        finally:
            try:
                os.killpg(process.pid, signal.SIGKILL)  # also anything left over in its session
            except OSError:
                pass
            process.stdout.close()
            process.wait()
    with open(log_path, "rb") as log:
        log.seek(max(0, log_path.stat().st_size - 4000))
        return SandboxRun(status, log.read().decode("utf-8", "replace"), output)
