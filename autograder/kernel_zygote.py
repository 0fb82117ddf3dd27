"""A kernel provisioner that forks each Jupyter kernel from a "zygote" that has already imported torch.

A fresh kernel spends several CPU-seconds importing ipykernel, torch, torch._dynamo (torch's Python
meta kernels import it on first use) and pyplot before it runs a cell. `ZygoteProvisioner` starts, per interpreter
and environment, one zygote process: that interpreter, given that environment, imports those
third-party modules once and waits. Each kernel is then forked from it and becomes a real ipykernel:
in the child, a new session (so that killpg reaches it), the launch's working folder, environment,
stdin, stdout and stderr, ``sys.path[0]`` as ``python -m`` sets it, and the kernelspec's module run as
``__main__`` with the kernelspec's arguments. The interpreter's options (``-Xfrozen_modules=off``) are
the zygote's.

- The course's own package is never imported in a zygote: a kernel imports it as a fresh one would.
- matplotlib's pyplot is preloaded as a kernel would import it: with the backend ipykernel names when MPLBACKEND
  is unset, and no matplotlibrc of a working folder (the zygote's is /; a kernel whose folder holds one is
  launched as usual).
- Nothing the zygote imports starts a thread that matters, a zmq context or an event loop (the kernel
  makes them after the fork); OpenBLAS's idle pool is rebuilt after a fork by OpenBLAS itself; torch's
  thread pool starts at its first operation, in the kernel. numpy's and torch's global generators are
  reseeded in each kernel. What still tells a forked kernel apart: its parent and command line are the
  zygote's, and so is its string-hash seed; at its end it skips the interpreter's teardown of the modules
  (`exit_without_teardown`: the threads, the atexit handlers and the streams are seen to as at any exit).
- The kernel is the zygote's child: the zygote reaps it and sends its exit code over a socket pair
  of the kernel's own; the provisioner holds a pidfd of the kernel, so a signal never reaches a
  reused pid.
- A zygote ends when the process that started it closes its end of their control socket (at exit,
  however it exits). Where a zygote cannot start, or the kernelspec is not ``python [-X...] -m module``,
  the kernel is launched as `LocalProvisioner` would.
"""
import asyncio
import atexit
import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import time

from jupyter_client.provisioning import LocalProvisioner

NAME = "zygote-provisioner"  # its entry point (pyproject.toml), as a kernelspec names it
PRELOAD = ("ipykernel.kernelapp", "torch", "torch._dynamo", "matplotlib.pyplot")  # third-party only, never `autograder`
INLINE = "module://matplotlib_inline.backend_inline"  # ipykernel's MPLBACKEND where none is set
START_TIMEOUT = 300  # seconds for a zygote's imports on a busy machine
MESSAGE = 1 << 20  # the largest request: argv, environment and working folder as JSON
# Variables that differ from kernel to kernel of one launching process (pytest sets PYTEST_CURRENT_TEST for
# each test), read only once a kernel runs: a zygote is shared across them, each kernel gets its own value.
# JPY_PARENT_PID is the same for all, and ipykernel.kernelapp reads it at import: the zygote has it.
PER_KERNEL = ("JPY_SESSION_NAME", "PYTEST_CURRENT_TEST")
# `python -c` runs this file as __main__ with nothing put on sys.path but the working folder (removed at once)
BOOTSTRAP = ("import sys; sys.argv.pop(0); __file__ = sys.argv[0]; "
             "exec(compile(open(__file__).read(), __file__, 'exec'))")


def split_command(cmd: list):
    """(the interpreter and its options, the module, its arguments) of ``python [-X...] -m module args``;
    None for any other command."""
    start = cmd.index("-m", 1) if "-m" in cmd[1:-1] else 0
    if not start or not all(option.startswith("-") and option not in ("-", "-c") for option in cmd[1:start]):
        return None
    return cmd[:start], cmd[start + 1], cmd[start + 2:]


def zygote_key(interpreter: list, env: dict) -> tuple:
    """What a zygote is shared by: the interpreter with its options, the environment less PER_KERNEL."""
    return (tuple(interpreter), tuple(sorted((k, v) for k, v in env.items() if k not in PER_KERNEL)))


def registered() -> bool:
    """Whether jupyter_client finds this provisioner: the package was installed (``make install``) since its entry
    point was added. A kernelspec naming a provisioner it cannot find fails to start at all."""
    from importlib.metadata import entry_points

    return any(point.name == NAME for point in entry_points(group="jupyter_client.kernel_provisioners"))


class Zygote:
    """One zygote process and the provisioner's end of its control socket."""

    def __init__(self, interpreter: list, env: dict):
        self.control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {k: v for k, v in env.items() if k not in PER_KERNEL}
        command = [*interpreter, "-c", BOOTSTRAP, __file__, str(theirs.fileno())]
        self.process = subprocess.Popen(command, env=env,
                                        stdin=subprocess.DEVNULL, pass_fds=[theirs.fileno()], start_new_session=True)
        theirs.close()
        self.ready = False

    async def started(self) -> bool:
        """Whether the zygote has imported PRELOAD and waits for requests (False: it died, or took too long)."""
        deadline = time.monotonic() + START_TIMEOUT
        while not self.ready and self.alive() and time.monotonic() < deadline:
            if select.select([self.control], [], [], 0)[0]:
                self.ready = self.control.recv(16) == b"ready"
                if not self.ready:
                    break
            await asyncio.sleep(0.05)
        return self.ready and self.alive()

    def alive(self) -> bool:
        return self.process.poll() is None

    def close(self) -> None:
        """Close the control socket (the zygote then exits) and reap the zygote."""
        self.control.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


ZYGOTES: dict = {}  # zygote_key -> Zygote, in this process
FAILED: set = set()  # keys whose zygote could not start: their kernels are launched as usual


@atexit.register
def close_zygotes() -> None:
    while ZYGOTES:
        ZYGOTES.popitem()[1].close()


class ZygoteProvisioner(LocalProvisioner):
    """`LocalProvisioner` whose kernels are forked from a zygote (see the module's docstring)."""

    connection = None  # our end of the kernel's socket pair: its pid, then its exit code
    pidfd = None
    stdin = None  # the write end of the kernel's stdin pipe, as Popen(stdin=PIPE) keeps it
    exit_code = None

    @property
    def has_process(self) -> bool:
        return self.pidfd is not None or super().has_process

    async def launch_kernel(self, cmd: list, **kwargs) -> dict:
        env = {**(kwargs.get("env") or os.environ), "JPY_PARENT_PID": str(os.getpid())}  # as launch_kernel sets it
        cwd = str(kwargs.get("cwd") or os.getcwd())
        inherits = all(kwargs.get(name) is None for name in ("stdin", "stdout", "stderr", "independent"))
        command = split_command(cmd)
        own_rc = os.path.exists(os.path.join(cwd, "matplotlibrc"))  # matplotlib, preloaded, read the zygote's folder
        zygote = await self._zygote(command[0], env) if command and inherits and not own_rc else None
        if zygote is None:
            return await super().launch_kernel(cmd, **kwargs)
        self.connection, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        stdin, self.stdin = os.pipe()
        request = json.dumps({"module": command[1], "arguments": command[2], "env": env, "cwd": cwd}).encode()
        try:
            socket.send_fds(zygote.control, [request], [theirs.fileno(), stdin, 1, 2])
            reply, fds = await self._receive()
        except OSError as error:
            reply, fds = repr(error).encode(), []
        finally:
            theirs.close()
            os.close(stdin)
        if not fds:
            self._release()
            self.log.warning("The kernel zygote did not fork (%r): launching the kernel as usual", reply)
            return await super().launch_kernel(cmd, **kwargs)
        self.pid = self.pgid = json.loads(reply)["pid"]  # the kernel leads a session of its own
        self.pidfd = fds[0]
        self.cwd = cwd
        return self.connection_info

    async def _zygote(self, interpreter: list, env: dict):
        """The started zygote for this interpreter and environment, started if need be; None where none can be."""
        key = zygote_key(interpreter, env)
        if key in FAILED:
            return None
        zygote = ZYGOTES.get(key)
        if zygote is None or not zygote.alive():
            try:
                zygote = ZYGOTES[key] = Zygote(interpreter, env)
            except OSError as error:
                self.log.warning("No kernel zygote for %s (%s): launching kernels as usual", interpreter, error)
                FAILED.add(key)
                return None
        if await zygote.started():
            return zygote
        self.log.warning("The kernel zygote for %s did not start: launching kernels as usual", interpreter)
        FAILED.add(key)
        ZYGOTES.pop(key, None)
        zygote.process.kill()
        zygote.close()
        return None

    async def _receive(self, timeout: float = 30.0) -> tuple:
        """The zygote's next message on the kernel's socket and the descriptors it carries (b"" once the
        socket is closed, None if nothing came in time)."""
        deadline = time.monotonic() + timeout
        while not select.select([self.connection], [], [], 0)[0]:
            if time.monotonic() > deadline:
                return None, []
            await asyncio.sleep(0.02)
        return socket.recv_fds(self.connection, MESSAGE, 1)[:2]

    async def poll(self):
        if self.pidfd is None:
            return await super().poll()
        if self.exit_code is None and select.select([self.pidfd], [], [], 0)[0]:
            message, _ = await self._receive(timeout=5.0)
            self.exit_code = json.loads(message).get("exit", 1) if message else 1  # 1: the zygote was killed
        return self.exit_code

    async def wait(self):
        if self.pidfd is None:
            return await super().wait()
        while await self.poll() is None:
            await asyncio.sleep(0.1)
        code = self.exit_code
        self._release()
        return code

    async def send_signal(self, signum: int) -> None:
        if self.pidfd is None:
            return await super().send_signal(signum)
        if await self.poll() is not None:
            return
        try:
            os.killpg(self.pgid, signum)
        except OSError:
            signal.pidfd_send_signal(self.pidfd, signum)

    async def kill(self, restart: bool = False) -> None:
        if self.pidfd is None:
            return await super().kill(restart)
        await self.send_signal(signal.SIGKILL)

    async def terminate(self, restart: bool = False) -> None:
        if self.pidfd is None:
            return await super().terminate(restart)
        await self.send_signal(signal.SIGTERM)

    async def cleanup(self, restart: bool = False) -> None:
        if self.pidfd is not None and await self.poll() is not None:
            self._release()
        await super().cleanup(restart)

    def _release(self) -> None:
        """Close what this provisioner holds of its kernel; `has_process` is then False."""
        for name in ("connection", "stdin", "pidfd"):
            held = getattr(self, name)
            if held is not None:
                held.close() if hasattr(held, "close") else os.close(held)
                setattr(self, name, None)
        self.exit_code = None


# The zygote's side: this file run by BOOTSTRAP (not imported: the course's package stays out of it).

def serve(control: socket.socket) -> dict:
    """Fork a kernel for each request on `control` and report its exit; return (only in a child) its request.
    Exits when the control socket closes."""
    children = {}  # pidfd -> (pid, the kernel's socket)
    while True:
        ready = select.select([control, *children], [], [])[0]
        for pidfd in [fd for fd in ready if fd in children]:
            pid, connection = children.pop(pidfd)
            code = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
            with contextlib.suppress(OSError):  # the provisioner may have gone
                connection.send(json.dumps({"exit": code}).encode())
            connection.close()
            os.close(pidfd)
        if control not in ready:
            continue
        message, fds, _, _ = socket.recv_fds(control, MESSAGE, 4)
        if not message:
            os._exit(0)  # nothing of its own to save: no teardown of the modules it preloaded
        connection, streams = socket.socket(fileno=fds[0]), fds[1:]
        try:
            pid = os.fork()
        except OSError:  # no fork (process limit): the provisioner sees the socket close, and launches as usual
            pid = None
        if pid == 0:
            control.close()
            for pidfd, (_, other) in children.items():
                os.close(pidfd)
                other.close()
            connection.close()
            os.setsid()
            for target, fd in enumerate(streams):
                os.dup2(fd, target)
                os.close(fd)
            return json.loads(message)
        for fd in streams:
            os.close(fd)
        if pid is None:
            connection.close()
            continue
        pidfd = os.pidfd_open(pid)  # before the child is reaped: the provisioner's copy names this process
        children[pidfd] = (pid, connection)
        with contextlib.suppress(OSError):
            socket.send_fds(connection, [json.dumps({"pid": pid}).encode()], [pidfd])


def reseed() -> None:
    """New seeds for the generators a fresh process seeds at random, or every kernel of a zygote would draw
    the same numbers (Python's `random` reseeds itself after a fork)."""
    if "numpy.random" in sys.modules:
        sys.modules["numpy.random"].seed()
    if "torch" in sys.modules:
        sys.modules["torch"].default_generator.seed()


def become_kernel(request: dict) -> None:
    """In the forked child: the launch's folder and environment, then ``python -m <module> <args>``."""
    import runpy

    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.path.insert(0, os.getcwd())  # as `python -m` does
    reseed()
    sys.argv = [request["module"], *request["arguments"]]
    try:
        runpy.run_module(request["module"], run_name="__main__", alter_sys=True)
    except SystemExit as ended:
        if not isinstance(ended.code, (int, type(None))):
            raise  # a message to print: the interpreter's own exit does that
        exit_without_teardown(ended.code or 0)
    exit_without_teardown(0)


def exit_without_teardown(code: int) -> None:
    """Exit as the interpreter would, less its last step: wait for the threads that are not daemons, run the atexit
    handlers (IPython's clears the user's namespaces, so their files close), flush the standard streams, then
    `os._exit`. Tearing down every module a forked kernel shares with its zygote costs about a CPU-second (torch's
    objects touched, so copied, then freed) and shows nothing."""
    import atexit
    import threading

    threading._shutdown()  # what Py_FinalizeEx does first
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


def zygote_main() -> None:
    control = socket.socket(fileno=int(sys.argv[1]))
    sys.argv = sys.argv[:1]
    del sys.path[0]  # the working folder `-c` put there: nothing is imported from it, as in ipykernel_launcher
    os.chdir("/")  # no matplotlibrc of a folder here; each kernel goes to its own
    backend = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = backend or INLINE  # as ipykernel sets it before the kernel's first cell
    for name in PRELOAD:
        try:
            __import__(name)
        except ImportError:
            pass
    if backend is None:
        del os.environ["MPLBACKEND"]
    else:
        os.environ["MPLBACKEND"] = backend
    control.send(b"ready")
    become_kernel(serve(control))


if __name__ == "__main__":
    zygote_main()
