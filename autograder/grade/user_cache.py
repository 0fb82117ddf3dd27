"""The grader's own cache folder, and the rule for trusting what is found in it.

What is kept there (matplotlib's font list, an empty nbgrader gradebook) is built once and reused
by every later batch; it is used only where it is a real file or folder of this user that no one
else may write to.
"""
import os
import stat
from pathlib import Path


def cache_home() -> Path:
    """The grader's own cache folder: $XDG_CACHE_HOME/autograder (~/.cache/autograder by default)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "autograder"


def ours_alone(path: Path) -> bool:
    """Whether `path` is a real folder or regular file (not a link) of this user that no one else may write to."""
    try:
        info = os.lstat(path)
    except OSError:
        return False
    kind = stat.S_ISDIR(info.st_mode) or stat.S_ISREG(info.st_mode)
    return kind and info.st_uid == os.getuid() and not info.st_mode & 0o022


def private_folder(folder: Path | None = None) -> Path | None:
    """`folder` (the grader's cache folder by default), made with mode 0700 where missing; None where it cannot
    be made or is not this user's alone."""
    folder = folder or cache_home()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    return folder if ours_alone(folder) else None
