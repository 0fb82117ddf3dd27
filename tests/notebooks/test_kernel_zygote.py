"""Kernels forked from a zygote (autograder/kernel_zygote.py) are what a fresh kernel would be, and their
provisioner answers for them: same environment, folder, sys.path, streams and thread settings as a kernel
the ordinary way; a session of their own; interrupt, restart, shutdown, a kill from outside; one zygote
per environment; no zygote left once the process that started it is gone; the ordinary launch where
no zygote can start."""
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from jupyter_client.provisioning import LocalProvisioner

from autograder import kernel_zygote
from autograder.kernel_zygote import ZygoteProvisioner
from autograder.kernels import IPCKernelManager

pytestmark = pytest.mark.slow

PROBE = """
import json, os, random, stat, sys
course = sorted(m for m in sys.modules if m.split(".")[0] == "autograder")
preloaded = "torch._dynamo" in sys.modules
import matplotlib, numpy, torch
def file(fd):
    status = os.fstat(fd)
    return [status.st_dev, status.st_ino, stat.S_IFMT(status.st_mode)]
print(json.dumps({"pid": os.getpid(), "ppid": os.getppid(), "sid": os.getsid(0), "cwd": os.getcwd(),
                  "env": dict(os.environ), "path": sys.path, "argv0": sys.argv[0], "flags": list(sys.flags),
                  "stdin": stat.S_ISFIFO(os.fstat(0).st_mode), "stdout": file(1), "stderr": file(2),
                  "threads": torch.get_num_threads(), "course": course, "preloaded": preloaded,
                  "matplotlib": [matplotlib.rcParams["backend"], matplotlib.matplotlib_fname()],
                  "blas": float((numpy.ones((300, 300)) @ numpy.ones(300)).sum()),
                  "random": [random.random(), numpy.random.random(), torch.rand(1).item()]}))
"""


def in_thread(coroutine):
    """Run a coroutine on an event loop of its own (the browser tests' playwright may hold this thread's)."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


async def start(forked: bool = True, **launch) -> tuple:
    """A kernel of the `python3` spec: forked from a zygote (the suite's spec, tests/kernels), or not (ipykernel's)."""
    manager = IPCKernelManager(kernel_name="python3")
    await manager.start_kernel(**launch)
    if isinstance(manager.provisioner, ZygoteProvisioner) != forked:
        await manager.shutdown_kernel(now=True)
        pytest.fail("the suite's kernelspec is not in use: run `make install` (the provisioner's entry point)")
    client = manager.client()
    client.start_channels()
    await client.wait_for_ready(timeout=120)
    return manager, client


async def run(client, code: str, timeout: float = 120) -> tuple:
    """(the execute reply's content, what the code printed)."""
    printed = []
    reply = await client.execute_interactive(code, timeout=timeout, output_hook=printed.append)
    return reply["content"], "".join(m["content"]["text"] for m in printed if m["msg_type"] == "stream")


async def probe(client) -> dict:
    reply, printed = await run(client, PROBE)
    assert reply["status"] == "ok", reply
    seen = json.loads(printed)
    shown = []  # what a figure's cell displays, as a notebook keeps it
    reply = await client.execute_interactive("import matplotlib.pyplot as plt\nplt.plot([0, 1])\nplt.show()",
                                             timeout=120, output_hook=shown.append)
    assert reply["content"]["status"] == "ok", reply
    seen["figure"] = [sorted(m["content"]["data"]) for m in shown if m["msg_type"] == "display_data"]
    return seen


def gone(pid: int, within: float = 15.0) -> bool:
    """Whether process pid has ended (and been reaped) within `within` seconds."""
    deadline = time.monotonic() + within
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    return not Path(f"/proc/{pid}").exists()


def launch_env(**extra) -> dict:
    """The environment the kernels of these tests start with: the tests that need no other share one zygote."""
    return {**os.environ, "OMP_NUM_THREADS": "1", "ZYGOTE_TEST": "1", **extra}


def test_a_forked_kernel_is_what_an_ordinary_launch_gives(tmp_path, monkeypatch):
    env = launch_env()

    async def both():
        forked, client = await start(env=env, cwd=str(tmp_path))
        try:
            assert isinstance(forked.provisioner, ZygoteProvisioner) and forked.provisioner.process is None
            seen = await probe(client)
            zygote = Path(f"/proc/{seen['ppid']}/cmdline").read_bytes().split(b"\0")
        finally:
            client.stop_channels()
            await forked.shutdown_kernel()
        monkeypatch.delenv("JUPYTER_PATH")  # ipykernel's own python3 kernelspec and LocalProvisioner
        plain, client = await start(forked=False, env=env, cwd=str(tmp_path))
        try:
            assert type(plain.provisioner) is LocalProvisioner
            fresh = await probe(client)
        finally:
            client.stop_channels()
            await plain.shutdown_kernel()
        return forked.provisioner.pid, seen, zygote, fresh

    pid, seen, zygote, fresh = in_thread(both())
    assert seen["pid"] == pid == seen["sid"]  # a session of its own, so killpg reaches it
    assert seen["ppid"] != os.getpid() and str(Path(kernel_zygote.__file__)).encode() in zygote
    assert seen["preloaded"] and not fresh["preloaded"]  # torch._dynamo came from the zygote
    assert seen["course"] == [] == fresh["course"]  # the zygote never imports the course's package
    assert seen["env"]["ZYGOTE_TEST"] == "1" and seen["threads"] == 1
    assert len(seen["figure"]) == 1 and "image/png" in seen["figure"][0]  # pyplot came from the zygote: inline
    for key in ("cwd", "env", "path", "argv0", "flags", "stdin", "stdout", "stderr", "threads", "blas", "matplotlib",
                "figure"):
        assert seen[key] == fresh[key], key


def test_a_kernel_whose_folder_holds_a_matplotlibrc_reads_it(tmp_path):
    """matplotlib reads the working folder's matplotlibrc at import, which in a zygote is long past: such a kernel
    is launched as usual."""
    (tmp_path / "matplotlibrc").write_text("figure.dpi: 42\n")

    async def read():
        manager, client = await start(env=launch_env(), cwd=str(tmp_path))
        forked = manager.provisioner.pidfd is not None
        try:
            reply, printed = await run(client, "import matplotlib\nprint(matplotlib.rcParams['figure.dpi'])")
        finally:
            client.stop_channels()
            await manager.shutdown_kernel()
        return forked, reply, printed

    forked, reply, printed = in_thread(read())
    assert reply["status"] == "ok" and printed.strip() == "42.0", (reply, printed)
    assert not forked  # launched as LocalProvisioner launches


def test_interrupt_restart_and_shutdown():
    async def lifecycle():
        manager, client = await start(env=launch_env())
        try:
            first = manager.provisioner.pid
            running = asyncio.ensure_future(run(client, "import time; time.sleep(100)"))
            await asyncio.sleep(2)
            await manager.interrupt_kernel()
            interrupted, _ = await asyncio.wait_for(running, 30)
            await manager.restart_kernel()
            await client.wait_for_ready(timeout=120)
            second = manager.provisioner.pid
            reply, printed = await run(client, "import os; print(os.getpid())")
        finally:
            client.stop_channels()
            await manager.shutdown_kernel()
        return interrupted, first, second, printed, manager.has_kernel

    interrupted, first, second, printed, has_kernel = in_thread(lifecycle())
    assert interrupted["status"] == "error" and interrupted["ename"] == "KeyboardInterrupt"
    assert second != first and printed.strip() == str(second)
    assert gone(first) and gone(second) and not has_kernel


def test_a_forked_kernel_ends_as_an_ordinary_one_does(tmp_path):
    """At shutdown a forked kernel skips the interpreter's teardown of the modules, and nothing else: a thread that
    is not a daemon is waited for, the atexit handlers run, and a file the user left open is closed (IPython's
    handler clears the user's namespace)."""
    code = f"""
import atexit, threading, time
from pathlib import Path
left_open = open({str(tmp_path / "left-open.txt")!r}, "w")
left_open.write("flushed at the end")
atexit.register(lambda: Path({str(tmp_path / "atexit.txt")!r}).write_text("ran"))
late = lambda: (time.sleep(1), Path({str(tmp_path / "thread.txt")!r}).write_text("waited for"))
threading.Thread(target=late).start()
"""

    async def ended():
        manager, client = await start(env=launch_env())
        reply, _ = await run(client, code)
        client.stop_channels()
        await manager.shutdown_kernel()
        return reply

    reply = in_thread(ended())
    assert reply["status"] == "ok", reply
    assert (tmp_path / "left-open.txt").read_text() == "flushed at the end"
    assert (tmp_path / "atexit.txt").read_text() == "ran"
    assert (tmp_path / "thread.txt").read_text() == "waited for"


def test_a_kernel_killed_from_outside_is_reported_dead():
    async def killed():
        manager, client = await start(env=launch_env())
        client.stop_channels()
        pid = manager.provisioner.pid
        os.kill(pid, signal.SIGKILL)
        for _ in range(100):
            if not await manager.is_alive():
                break
            await asyncio.sleep(0.1)
        alive, code = await manager.is_alive(), await manager.provisioner.poll()
        await manager.shutdown_kernel(now=True)
        return pid, alive, code

    pid, alive, code = in_thread(killed())
    assert not alive and code == -signal.SIGKILL
    assert gone(pid)


def test_one_zygote_per_environment_and_a_new_one_for_a_dead_one():
    async def parents():
        found = []
        for env in (launch_env(), launch_env(), launch_env(ZYGOTE_TEST="2"), None):
            if env is None:  # the first environment's zygote was killed: a new one serves it
                assert found[0] != os.getpid(), "the kernel was not forked: killing its parent would end pytest"
                os.kill(found[0], signal.SIGKILL)
                killed = [z for z in kernel_zygote.ZYGOTES.values() if z.process.pid == found[0]]
                assert killed and killed[0].process.wait(timeout=15) == -signal.SIGKILL  # reaped: no zombie to wait on
                env = launch_env()
            manager, client = await start(env=env)
            try:
                seen = await probe(client)
                found.append(seen["ppid"])
                randoms.append(seen["random"])
            finally:
                client.stop_channels()
                await manager.shutdown_kernel()
        return found

    randoms = []
    first, same, other, renewed = in_thread(parents())
    assert first == same and other != first and renewed not in (first, other)
    assert all(a != b for a, b in zip(*randoms[:2]))  # random's, numpy's and torch's generators: reseeded


LAUNCHER = """
import asyncio, json, os
from autograder import kernel_zygote
from autograder.kernels import IPCKernelManager

async def main():
    manager = IPCKernelManager(kernel_name="python3")
    await manager.start_kernel()
    zygotes = [zygote.process.pid for zygote in kernel_zygote.ZYGOTES.values()]
    print(json.dumps({"kernel": manager.provisioner.pid, "zygotes": zygotes}), flush=True)
    os.kill(os.getpid(), 9)  # no shutdown, no atexit

asyncio.run(main())
"""


def test_zygotes_end_with_the_process_that_started_them(tmp_path):
    output = tmp_path / "output"  # a file: a pipe would stay open while a zygote or kernel holds it
    with open(output, "w") as file:
        code = subprocess.run([sys.executable, "-c", LAUNCHER], stdout=file, stderr=subprocess.STDOUT, timeout=300)
    assert code.returncode == -signal.SIGKILL, output.read_text()
    started = json.loads(output.read_text().splitlines()[-1])
    kernel, zygotes = started["kernel"], started["zygotes"]
    try:
        assert len(zygotes) == 1 and all(gone(pid) for pid in zygotes)
    finally:  # nothing left behind, even where the test fails
        for pid in [kernel, *zygotes]:
            if not gone(pid, within=5):  # the kernel's parent poller sees init adopt it; a subreaper would not
                os.kill(pid, signal.SIGKILL)


def test_where_no_zygote_starts_the_kernel_is_launched_as_usual(monkeypatch):
    monkeypatch.setattr(kernel_zygote, "BOOTSTRAP", "raise SystemExit(3)")
    monkeypatch.setattr(kernel_zygote, "FAILED", set())

    async def fallback():
        manager, client = await start(env=launch_env(ZYGOTE_TEST="broken"))
        try:
            reply, printed = await run(client, "print(40 + 2)")
            return manager.provisioner.process is not None, printed
        finally:
            client.stop_channels()
            await manager.shutdown_kernel()

    launched_as_usual, printed = in_thread(fallback())
    assert launched_as_usual and printed.strip() == "42"


def test_the_provisioner_is_found_only_where_its_entry_point_is_installed(monkeypatch):
    import importlib.metadata

    assert kernel_zygote.registered(), "run `make install`: the suite's kernelspec names this provisioner"
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda **kwargs: [])
    assert not kernel_zygote.registered()
