"""Re-run the chapters when the course code they import changes, not only their own cells.

The execution cache keys a chapter on the text of its code cells, so a chapter that prints
numbers from ``experiments/`` would keep stale outputs after that package changed, or after
the environment variables it reads changed (a build with the study's "smoke" preset must not
leave its outputs to a later build with the book's). This extension hashes the Python sources
the chapters may import and those variables; when the hash differs from the one stored beside
the cache, it clears the cache and marks every chapter for re-reading.
"""
import hashlib
import os
import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

LOGGER = logging.getLogger(__name__)
REPO_ROOT = Path(__file__).resolve().parents[2]
# What the chapters import or read (glob patterns): chapters 6 and 7 run the reference modules
# through experiments/ (the published pages show their results, never their source), and
# chapter 7 reads the saved ablation results.
WATCHED = ("experiments/**/*.py", "experiments/results/**/*.json", "autograder/__init__.py",
           "autograder/exercises.py", "autograder/inside/exercises.py", "autograder/reference/*.py", "book/*.py")
# The environment variables the chapters read: experiments.study.book_config() picks the
# study's preset by COURSE_STUDY_PRESET.
WATCHED_ENVIRONMENT = ("COURSE_STUDY_PRESET",)
STAMP = "course-code.sha256"


def watched_files(root: Path = REPO_ROOT) -> list[Path]:
    files = {path for pattern in WATCHED for path in root.glob(pattern) if path.is_file()}
    return sorted(path for path in files if "__pycache__" not in path.parts)


def code_digest(root: Path = REPO_ROOT, environ=os.environ) -> str:
    """SHA-256 of the watched files (path and bytes) and of the watched variables that are set."""
    digest = hashlib.sha256()
    for path in watched_files(root):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    for name in WATCHED_ENVIRONMENT:
        if name in environ:
            digest.update(f"${name}={environ[name]}".encode())
            digest.update(b"\0")
    return digest.hexdigest()


def cache_dir(app: Sphinx) -> Path:
    """Where myst-nb keeps executed chapters: as configured, else beside the HTML output."""
    if app.config.nb_execution_cache_path:
        return Path(app.srcdir, app.config.nb_execution_cache_path)
    return Path(app.outdir).parent / ".jupyter_cache"


def check_code(app: Sphinx) -> None:
    """Clear the execution cache if the watched code changed since the last build."""
    app.course_code_digest = code_digest()
    stamp = cache_dir(app) / STAMP
    app.course_code_changed = not stamp.is_file() or stamp.read_text() != app.course_code_digest
    if app.course_code_changed and cache_dir(app).exists():
        LOGGER.info("course code changed since the last build: clearing the execution cache")
        shutil.rmtree(cache_dir(app))


def outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    if not getattr(app, "course_code_changed", False):
        return []
    return sorted(env.found_docs - set(added) - set(changed))


def save_stamp(app: Sphinx, exception) -> None:
    if exception is None and app.statuscode == 0:
        cache_dir(app).mkdir(parents=True, exist_ok=True)
        (cache_dir(app) / STAMP).write_text(app.course_code_digest)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", check_code)
    app.connect("env-get-outdated", outdated)
    app.connect("build-finished", save_stamp)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
