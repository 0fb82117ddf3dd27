"""The built book as the tests see it: its pages, its build command, its source digest."""
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "_build"
HTML = BUILD / "html"
SCREENSHOTS = BUILD / "screenshots"
STAMP = HTML / ".tested-sources.sha256"
# Everything a build reads: the chapters and their helpers, the configuration, and the code
# the chapters import (book/_ext/code_dependencies.py re-executes them when it changes).
SOURCES = ("_config.yml", "_toc.yml", "book", "experiments", "autograder/exercises.py",
           "autograder/inside/exercises.py", "autograder/reference", "pyproject.toml", "constraints.txt")
# Pages Sphinx writes besides the chapters.
EXTRA_PAGES = ("genindex", "search")


def toc_docnames() -> list[str]:
    """The documents of ``_toc.yml``, root first, in reading order."""
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    names = [toc["root"]]
    for part in toc.get("parts", [{"chapters": toc.get("chapters", [])}]):
        names.extend(chapter["file"] for chapter in part["chapters"])
    return names


def source_digest() -> str:
    digest = hashlib.sha256()
    for name in SOURCES:
        path = REPO / name
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in files:
            if "__pycache__" in file.parts or file.suffix == ".pyc":
                continue
            digest.update(file.relative_to(REPO).as_posix().encode() + b"\0")
            digest.update(file.read_bytes())
    return digest.hexdigest()


def jupyter_book() -> str:
    return str(Path(sys.executable).parent / "jupyter-book")


def build_command(*extra: str) -> list[str]:
    """The README's book build (``make book``): warnings are errors, nitpicky references."""
    return [jupyter_book(), "build", str(REPO), "-W", "-n", "--keep-going", *extra]


def build_env() -> dict:
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # the chapters' kernels draw inline; a non-interactive backend would drop every figure
    return env


def build(*extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(build_command(*extra), cwd=REPO, env=build_env(),
                          capture_output=True, text=True)


def page_path(docname: str) -> Path:
    return HTML / f"{docname}.html"


def text_files(root: Path = HTML) -> list[Path]:
    """The files of the site a reader can open or download as text."""
    suffixes = {".html", ".txt", ".md", ".ipynb", ".js", ".py"}
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in suffixes
                  and "_static" not in p.relative_to(root).parts)
