"""The command-line tools of the course's Python environment, which nbgrader runs by name.

nbgrader starts ``alembic`` from PATH when it creates a gradebook; where the environment is not
activated (``.venv/bin/python ...``), its scripts folder is not on PATH and that fails.
"""
import os
import sys

SCRIPTS = os.path.dirname(sys.executable)


def with_scripts_on_path(env: dict | None = None) -> dict:
    """A copy of `env` (default: this process's environment) with the scripts folder first on PATH."""
    env = dict(os.environ if env is None else env)
    folders = env.get("PATH", "").split(os.pathsep)
    if SCRIPTS not in folders:
        env["PATH"] = os.pathsep.join(filter(None, [SCRIPTS, *folders]))
    return env


def put_scripts_on_path() -> None:
    """Put the scripts folder on this process's PATH (and so on that of every process it starts)."""
    os.environ["PATH"] = with_scripts_on_path()["PATH"]
