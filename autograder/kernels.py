"""The kernel manager for every Jupyter kernel the course starts (nbgrader, the notebook benchmark, tests).

jupyter_client's default TCP transport picks free ports, closes them and lets the kernel bind them a
moment later: a process starting kernels at the same time can take one in between, and the kernel dies
with "Address already in use". Over Unix sockets nothing is shared: each kernel binds files under a
prefix of its own. jupyter_client's own IPC default, ``kernel-ipc`` in the working folder, would be shared
by two kernels started in one folder, so the prefix here is absolute and random, and short enough for
AF_UNIX's 107-byte limit however deep TMPDIR is.
"""
import os
import secrets
import tempfile

from jupyter_client import AsyncKernelManager
from traitlets import CaselessStrEnum, default

SOCKET_PATH_LIMIT = 100  # AF_UNIX allows 107 bytes; the kernel appends "-<n>"


def socket_prefix() -> str:
    """A fresh absolute prefix for one kernel's sockets, in the temporary folder or, if that is too deep, /tmp."""
    name = f"kernel-{os.getpid()}-{secrets.token_hex(6)}"
    folder = tempfile.gettempdir()
    if len(os.path.join(folder, name)) > SOCKET_PATH_LIMIT - 8:
        folder = "/tmp"
    return os.path.join(folder, name)


class IPCKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel talks over Unix sockets named by `socket_prefix` (removed at shutdown)."""

    transport = CaselessStrEnum(["tcp", "ipc"], default_value="ipc", config=True)

    @default("ip")
    def _ip_default(self) -> str:
        return socket_prefix() if self.transport == "ipc" else super()._ip_default()
