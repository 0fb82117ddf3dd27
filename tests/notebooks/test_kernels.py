"""Kernels started together, from one folder and under a deep TMPDIR, each bind Unix sockets of their own.
They are launched the ordinary way (ipykernel's own ``python3`` kernelspec, jupyter_client's
LocalProvisioner), the launch the suite's other kernels are forked instead of (tests/kernels)."""
import asyncio
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor

import pytest
from jupyter_client.provisioning import LocalProvisioner

from autograder.kernels import SOCKET_PATH_LIMIT, IPCKernelManager

pytestmark = pytest.mark.slow


async def start_two_and_look() -> list:
    """Start two kernels at once; while both run, their socket prefixes and whether each answers."""
    managers = [IPCKernelManager(kernel_name="python3") for _ in range(2)]
    await asyncio.gather(*(m.start_kernel() for m in managers))
    try:
        seen = []
        for manager in managers:
            client = manager.client()
            client.start_channels()
            await client.wait_for_ready(timeout=60)
            reply = await client.execute_interactive("40 + 2", timeout=60)
            client.stop_channels()
            assert type(manager.provisioner) is LocalProvisioner
            seen.append((manager.transport, manager.ip, reply["content"]["status"],
                         sorted(os.path.exists(f"{manager.ip}-{port}") for port in manager.ports)))
        return seen
    finally:
        await asyncio.gather(*(m.shutdown_kernel(now=True) for m in managers))


def test_two_kernels_started_at_once_bind_their_own_sockets_and_remove_them(tmp_path, monkeypatch):
    deep = tmp_path / ("d" * 120) / ("e" * 120)
    deep.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    monkeypatch.delenv("JUPYTER_PATH", raising=False)  # ipykernel's own kernelspec
    monkeypatch.chdir(deep)  # jupyter_client's own IPC default would put both kernels' sockets here
    # a thread of its own: the browser tests' playwright may be running an event loop in this one
    with ThreadPoolExecutor(1) as thread:
        seen = thread.submit(asyncio.run, start_two_and_look()).result()
    assert [transport for transport, *_ in seen] == ["ipc", "ipc"]
    assert [status for _, _, status, _ in seen] == ["ok", "ok"]
    assert [bound for *_, bound in seen] == [[True] * 5] * 2  # the kernel bound its five sockets as files
    prefixes = [ip for _, ip, _, _ in seen]
    assert len(set(prefixes)) == 2 and all(os.path.isabs(p) and len(p) + 3 <= SOCKET_PATH_LIMIT for p in prefixes)
    assert not [p for p in prefixes for port in range(1, 6) if os.path.exists(f"{p}-{port}")]  # removed at shutdown
