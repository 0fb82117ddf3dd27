"""An empty nbgrader gradebook, made once by nbgrader itself and copied to start each new gradebook.

On a new database file nbgrader's ``Gradebook`` runs ``alembic heads`` in a subprocess to learn
the schema's version (seconds); on an existing one it does not. So the first new gradebook is
made by nbgrader in the grader's cache folder (one file per nbgrader and SQLAlchemy version) and
later ones start as a copy of it. A template that is not this user's alone, or whose copy is not
an empty gradebook of the installed nbgrader (the same tables and columns, no entries but the
default course, the alembic version at nbgrader's head), is not used: nbgrader then makes the
gradebook itself, as without a template. An existing gradebook is never replaced.
"""
import os
import secrets
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from autograder.tools import put_scripts_on_path

from .user_cache import cache_home, ours_alone, private_folder

DEFAULT_COURSE = "default_course"  # the course nbgrader's Gradebook enters when none is named


def template_path(home: Path | None = None) -> Path | None:
    """Where the empty gradebook of the installed nbgrader is kept (None where nbgrader is not installed)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        name = f"nbgrader-{version('nbgrader')}-sqlalchemy-{version('sqlalchemy')}-empty-gradebook.db"
    except PackageNotFoundError:
        return None
    return (home or cache_home()) / name


def empty_gradebook(home: Path | None = None) -> Path | None:
    """The cached empty gradebook, made by nbgrader on first use; None where the cache cannot be trusted."""
    path = template_path(home)
    if path is None:
        return None
    if private_folder(path.parent) is None:
        return None
    if not os.path.lexists(path):
        build_template(path)
    return path if ours_alone(path) else None


def build_template(path: Path) -> None:
    """Let nbgrader make an empty gradebook under a temporary name, then put it in place whole."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SQLAlchemyError

    put_scripts_on_path()  # nbgrader runs ``alembic`` by name
    try:
        building = new_file_beside(path, mode=0o600)
    except OSError:
        return
    try:
        with Gradebook(f"sqlite:///{building}"):
            pass
        os.rename(building, path)  # in our own folder: at worst in place of one another batch made at the same time
    except (OSError, SQLAlchemyError, subprocess.CalledProcessError):
        pass  # no template: each new gradebook is then made by nbgrader itself, and says what went wrong
    finally:
        building.unlink(missing_ok=True)


def start_from_template(destination: Path) -> bool:
    """Make the new gradebook `destination` a copy of the cached empty one; False where it was not made so."""
    template = empty_gradebook()
    if template is None:
        return False
    try:
        copying = new_file_beside(destination, mode=0o644)  # SQLite's own mode for a new database; the umask applies
    except OSError:
        return False
    try:
        with open(os.open(template, os.O_RDONLY | os.O_NOFOLLOW), "rb") as reading, open(copying, "wb") as writing:
            shutil.copyfileobj(reading, writing)
        return is_empty_gradebook(copying) and publish(copying, destination)
    except OSError:
        return False
    finally:
        copying.unlink(missing_ok=True)


def new_file_beside(path: Path, mode: int) -> Path:
    """A new empty file with a name of its own in `path`'s folder."""
    while True:
        candidate = path.with_name(f".{path.name}.{secrets.token_hex(6)}.part")
        try:
            os.close(os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode))
            return candidate
        except FileExistsError:
            continue


def publish(finished: Path, path: Path) -> bool:
    """Give the finished file its name, whole or not at all, and never in place of a file already there."""
    try:
        os.link(finished, path)
    except FileExistsError:
        return False
    return True


def nbgrader_head() -> str | None:
    """The schema version nbgrader writes into a new gradebook (what ``alembic heads`` prints), read in-process."""
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import ALEMBIC_DIR

    heads = ScriptDirectory(ALEMBIC_DIR).get_heads()
    return heads[0] if len(heads) == 1 else None


def is_empty_gradebook(path: Path) -> bool:
    """Whether `path` is an empty gradebook of the installed nbgrader: its tables and columns, no entries
    but the default course, and nbgrader's current schema version."""
    from nbgrader.api import Base

    expected = {name: [column.name for column in table.columns] for name, table in Base.metadata.tables.items()}
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as database:
            if database.execute("PRAGMA quick_check").fetchall() != [("ok",)]:
                return False
            tables = {row[0] for row in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if tables != {*expected, "alembic_version"}:
                return False
            for name, columns in expected.items():
                if [row[1] for row in database.execute(f'PRAGMA table_info("{name}")')] != columns:
                    return False
                rows = database.execute(f'SELECT * FROM "{name}"').fetchall()
                if rows != ([(DEFAULT_COURSE,)] if name == "course" else []):
                    return False
            version = database.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error:
        return False
    return version == [(nbgrader_head(),)]
