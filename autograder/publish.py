"""Build the student edition: the folder students get, ready to push as a public repository.

    INTO/
    ├── README.md               how to open the notebooks in Colab or JupyterLab, what to hand in
    ├── notebooks/attention/    the released notebooks, where the Colab links point
    └── docs/                   the rendered book, a static site (GitHub Pages: branch, /docs)

and nothing else. Every link comes from the location ``_config.yml`` sets (autograder/links.py),
and the folder is scanned for every solution, hidden-test and reference line before it is done
(autograder/leaks.py).
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from autograder import leaks
from autograder.exercises import EXERCISES, NOTEBOOKS
from autograder.links import NOTEBOOK_FOLDER, ROOT, SITE_FOLDER, chapter_url, chapters, colab_url, location
from autograder.release import chapter_title, generate

EDITION_ENTRIES = {"README.md", "notebooks", SITE_FOLDER}
KEPT = {".git"}  # a clone of the public repository stays one
SITE_PAGES = {"index", "genindex", "search"}  # what Sphinx writes besides the chapters


class EditionError(RuntimeError):
    """The edition could not be built, or would give something away."""


def build_book(root: Path = ROOT, output: Path | None = None, *options: str) -> Path:
    """Render the book as ``make book`` does (warnings are errors); returns its HTML folder.

    Args:
        root: the course folder.
        output: build into ``output/_build`` (the HTML and its own execution cache) instead of
            ``root/_build``.
        options: more options for ``jupyter-book build`` (``--all``).
    """
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # the chapters draw inline
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(root), "-W", "-n", "--keep-going",
               *(["--path-output", str(output)] if output else []), *options]
    done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    if done.returncode:
        raise EditionError(f"the book build failed (exit {done.returncode}):\n{(done.stdout + done.stderr)[-8000:]}")
    return Path(output or root) / "_build" / "html"


def copy_site(html: Path, into: Path, root: Path = ROOT) -> None:
    """Copy the rendered book, keeping only the pages of the current table of contents (an
    earlier build may have left pages behind) and no build logs."""
    pages = {f"book/{stem}" for stem in chapters(root)} | SITE_PAGES
    for path in sorted(html.rglob("*")):
        relative = path.relative_to(html)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        if relative.parts[0] == "reports":  # execution logs, with the course's file paths
            continue
        if relative.parts[0] == "_sources" and Path(*relative.parts[1:]).as_posix().split(".")[0] not in pages:
            continue
        if path.suffix == ".html" and relative.with_suffix("").as_posix() not in pages:
            continue
        target = into / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    (into / ".nojekyll").write_text("")  # GitHub Pages: serve _static/ and _images/ as they are


def readme(root: Path = ROOT) -> str:
    """The edition's README: where the book is, how to open each notebook, what to hand in."""
    title = yaml.safe_load((root / "_config.yml").read_text()).get("title", "The course")
    where = location(root)
    rows = []
    for number, stem in enumerate(NOTEBOOKS, start=1):
        names = ", ".join(f"`{e.name}`" for e in EXERCISES if e.notebook == stem)
        rows.append(f"| {number} | [{chapter_title(stem, root)}]({chapter_url(stem, root=root)}) | {names} "
                    f"| [`{stem}.ipynb`]({colab_url(stem, root)}) |")
    clone = where.repository.rsplit("/", 1)[-1]
    return f"""# {title}

The book: **{where.site}**. Read a chapter, then do its exercise notebook.

| chapter | read | you implement | open in Colab |
|---|---|---|---|
{chr(10).join(rows)}

## In Colab

Follow a link above, or the Colab button at the top of a chapter. Then, before you type anything,
*File > Save a copy in Drive*: Colab does not keep changes to the notebook it opened from here,
and your copy is the one you work in. Nothing needs installing. A GPU runtime (*Runtime > Change runtime type*) is used
when you pick one; the notebooks run on a CPU too.

## In JupyterLab, on your own machine

```bash
git clone {where.repository}.git
cd {clone}
python3 -m venv .venv
.venv/bin/pip install torch numpy matplotlib jupyterlab
.venv/bin/jupyter lab {NOTEBOOK_FOLDER}/
```

## What to hand in

The five notebooks, `{"`, `".join(f"{stem}.ipynb" for stem in NOTEBOOKS)}`, with the names they
have here (download each from Colab with *File > Download > Download .ipynb*), in the way your
instructor asks. Write your code in the cells marked `YOUR CODE HERE`, and leave the other cells
as they are. Notebooks 2, 3 and 5 build on your own earlier work: where a notebook asks, paste
your code from the earlier notebook. Each notebook's check cells say what to look at when
something is wrong; run them before you hand in.
"""


def prepare(into: Path) -> None:
    """Empty ``into`` for a new edition, keeping ``.git``; refuse a folder that holds other things."""
    if into.exists():
        if not into.is_dir():
            raise EditionError(f"{into} is a file, not a folder for the edition")
        strangers = sorted(p.name for p in into.iterdir() if p.name not in EDITION_ENTRIES | KEPT | {".nojekyll"})
        if strangers:
            raise EditionError(f"{into} holds {', '.join(strangers)}, which the edition does not: "
                               "publish into an empty folder, a clone of the public repository or an earlier edition")
        for path in into.iterdir():
            if path.name not in KEPT:
                shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
    into.mkdir(parents=True, exist_ok=True)


def publish(into: Path = Path("_build/student"), html: Path | None = None) -> Path:
    """Build the student edition: the book, the released notebooks and a README, nothing else.

    Args:
        into: the edition folder (relative paths are taken from the course root); an earlier
            edition or a clone of the public repository there is replaced, its .git kept.
        html: an already rendered book to publish; by default the book is built now.

    Returns:
        The edition folder.
    """
    into = Path(into) if Path(into).is_absolute() else ROOT / into
    location()  # a wrong location stops here, before anything is built or removed
    site = Path(html) if html else build_book()
    known = leaks.secrets()
    prepare(into)
    copy_site(site, into / SITE_FOLDER)
    refuse_leaks(into, [SITE_FOLDER], known)  # a book that leaks stops here, before the release is made
    generate(into / "notebooks")
    (into / "README.md").write_text(readme())
    refuse_leaks(into, sorted(entry.name for entry in into.iterdir() if entry.name not in KEPT | {SITE_FOLDER}), known)
    return into


def refuse_leaks(into: Path, entries: list, known: leaks.Secrets) -> None:
    """Scan the given entries of the edition (each once: the book first, then what was added);
    at the first secret, empty the edition and raise EditionError with the list."""
    found = []
    for name in entries:
        path = into / name
        if path.is_dir():
            found += [leak._replace(path=f"{name}/{leak.path}") for leak in leaks.scan(path, known)]
        elif leaks.is_text(path):
            found += leaks.scan_text(name, leaks.readable_text(path), known)
    if found:
        prepare(into)  # nothing that leaks stays where it could be pushed
        listing = "\n".join(f"  {leak.path}: {leak.kind}: {leak.text}" for leak in found[:40])
        raise EditionError(f"the edition in {into} gives away {len(found)} secret(s); fix the sources:\n{listing}")
