"""Release the student notebooks (notebooks/) from the instructor sources (solutions/).

Runs nbgrader's ``generate_assignment`` (solutions and hidden tests removed, cells locked), then
gives each released notebook its links into the published course (autograder/links.py): a first
cell with the "Open in Colab" badge and a link to the notebook's chapter of the book, and every
``[text](chapter:STEM#anchor)`` link of the sources' markdown turned into that chapter's address.
"""
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from autograder.exercises import ASSIGNMENT
from autograder.links import ROOT, chapter_url, colab_url

HEADER_ID = "course-links"
OLD_HEADER_IDS = {HEADER_ID, "colab-badge"}
BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
CHAPTER_LINK = re.compile(r"\]\(chapter:([^)\s#]+)(#[^)\s]*)?\)")


def chapter_title(stem: str, root: Path = ROOT) -> str:
    """The first heading of the chapter's source, ``book/STEM.md``."""
    for line in (root / "book" / f"{stem}.md").read_text().splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    raise ValueError(f"book/{stem}.md has no title (a first-level heading)")


def header_cell(stem: str, root: Path = ROOT):
    """The notebook's first cell: open it in Colab, read its chapter."""
    number = int(stem.split("_")[0])
    text = (f"[![Open In Colab]({BADGE})]({colab_url(stem, root)})\n\n"
            f"Read first: [chapter {number} of the course book, *{chapter_title(stem, root)}*]"
            f"({chapter_url(stem, root=root)}). This notebook is its exercise.")
    return nbformat.v4.new_markdown_cell(text, id=HEADER_ID)


def resolve_chapter_links(text: str, root: Path = ROOT) -> str:
    """``](chapter:02_excitation#the-excitation)`` -> ``](https://SITE/book/02_excitation.html#the-excitation)``."""
    return CHAPTER_LINK.sub(lambda m: f"]({chapter_url(m[1], (m[2] or '').lstrip('#'), root)})", text)


def stamp(path: Path, root: Path = ROOT) -> None:
    """Put the header cell first (replacing an older one), resolve chapter links, write back normalised."""
    nb = nbformat.read(path, as_version=4)
    cells = [cell for cell in nb.cells if cell.get("id") not in OLD_HEADER_IDS]
    for cell in cells:
        if cell.cell_type == "markdown":
            cell.source = resolve_chapter_links(cell.source, root)
    nb.cells = [header_cell(path.stem, root)] + cells
    nbformat.validate(nb)
    nbformat.write(nb, path)


def generate(release_dir: Path, root: Path = ROOT) -> list:
    """Release every source of the assignment into release_dir/<assignment>/; returns the notebooks."""
    release_dir = Path(release_dir).resolve()
    with tempfile.TemporaryDirectory() as scratch:  # nbgrader writes its database and logs here
        command = [sys.executable, "-m", "nbgrader", "generate_assignment", ASSIGNMENT, "--force", "--no-db",
                   f"--CourseDirectory.root={root}", f"--CourseDirectory.release_directory={release_dir}",
                   f"--CourseDirectory.db_url=sqlite:///{scratch}/gradebook.db", "--log-level=WARN"]
        done = subprocess.run(command, cwd=root, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"nbgrader generate_assignment failed:\n{done.stdout}\n{done.stderr}")
    notebooks = sorted((release_dir / ASSIGNMENT).glob("*.ipynb"))
    for path in notebooks:
        stamp(path, root)
    return notebooks


def release(into: Path = Path("notebooks")) -> list:
    """Regenerate the student notebooks from solutions/ with nbgrader.

    Args:
        into: the release directory; the notebooks go to INTO/attention/, replacing what was there.

    Returns:
        The released notebooks.
    """
    into = Path(into)
    if not into.is_absolute():
        into = ROOT / into
    target = into / ASSIGNMENT
    if target.exists():
        shutil.rmtree(target)  # a removed source must not leave its old release behind
    return generate(into)


def main(argv=None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--into", type=Path, default=Path("notebooks"), help="release directory (default: notebooks/)")
    args = parser.parse_args(argv)
    for path in release(args.into):
        print(path)


if __name__ == "__main__":
    main()
