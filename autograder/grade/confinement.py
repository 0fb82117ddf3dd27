"""Limits over a whole sandbox (every process in it together), not per process.

Where the machine offers a memory cgroup we may create (v2, or v1 memory + pids), each sandbox
runs in its own: its memory (tmpfs pages included) and its number of processes are capped in
total. Otherwise only per-process rlimits apply, and `mechanism` says so for the batch summary.
Cgroups are made under the grader's own cgroup (never beside it), so the machine's limit on the
grader still covers every sandbox.
"""
import os
import signal
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

CGROUP = Path("/sys/fs/cgroup")


def own_cgroup(controller: str) -> Path | None:
    """The folder of this process's cgroup for `controller` ("" for the v2 unified tree)."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, names, path = line.split(":", 2)
        if controller == "" and names == "" and (CGROUP / "cgroup.controllers").exists():
            return CGROUP / path.lstrip("/")
        if controller and controller in names.split(","):
            return CGROUP / controller / path.lstrip("/")
    return None


def writable_folder(parent: Path | None, name: str) -> Path | None:
    if parent is None or not parent.is_dir():
        return None
    try:
        (parent / name).mkdir()
    except OSError:
        return None
    return parent / name


@dataclass
class Confinement:
    """A cgroup folder per controller (empty without cgroups); one per batch, a child per sandbox."""
    mechanism: str
    roots: list = field(default_factory=list)  # [(kind, Path)], kind "v2", "memory" or "pids"

    def sandbox(self, memory: int, processes: int) -> list:
        """Fresh cgroups for one sandbox, limits set; returns their cgroup.procs files."""
        procs = []
        for kind, root in self.roots:
            folder = root / uuid.uuid4().hex[:12]
            folder.mkdir()
            if kind == "v2":
                settings = {"memory.max": memory, "memory.swap.max": 0, "pids.max": processes}
            elif kind == "memory":
                settings = {"memory.limit_in_bytes": memory, "memory.memsw.limit_in_bytes": memory}
            else:
                settings = {"pids.max": processes}
            for name, value in settings.items():
                try:
                    (folder / name).write_text(str(value))
                except OSError:
                    if name != "memory.memsw.limit_in_bytes" and name != "memory.swap.max":  # no swap accounting
                        raise
            procs.append(folder / "cgroup.procs")
        return procs

    def release(self, procs: list) -> None:
        """Kill whatever is left in a sandbox's cgroups and remove them."""
        for path in procs:
            remove(path.parent)

    def close(self) -> None:
        for _, root in self.roots:
            for child in [p for p in root.iterdir() if p.is_dir()] if root.is_dir() else []:
                remove(child)
            remove(root)


def remove(folder: Path) -> None:
    for _ in range(100):
        try:
            pids = [int(p) for p in (folder / "cgroup.procs").read_text().split()]
        except OSError:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            folder.rmdir()
            return
        except OSError:
            time.sleep(0.02)


def open_confinement(name: str) -> Confinement:
    """The strongest whole-sandbox mechanism this machine lets us create."""
    if os.environ.get("AUTOGRADER_NO_CGROUPS"):
        return Confinement("per-process rlimits (cgroups switched off)")
    unified = own_cgroup("")
    if unified is not None:
        try:
            controllers = (unified / "cgroup.controllers").read_text().split()
        except OSError:
            controllers = []
        root = writable_folder(unified, name) if {"memory", "pids"} <= set(controllers) else None
        if root is not None:
            try:
                (root / "cgroup.subtree_control").write_text("+memory +pids")
                return Confinement("cgroup v2 (memory and processes per sandbox)", [("v2", root)])
            except OSError:
                root.rmdir()
    memory = writable_folder(own_cgroup("memory"), name)
    pids = writable_folder(own_cgroup("pids"), name)
    if memory is not None and pids is not None:
        return Confinement("cgroup v1 (memory and processes per sandbox)", [("memory", memory), ("pids", pids)])
    for folder in (memory, pids):
        if folder is not None:
            folder.rmdir()
    return Confinement("per-process rlimits only (no cgroup could be created here)")
