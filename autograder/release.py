"""Regenerate the student notebooks (notebooks/) from the instructor sources (solutions/).

    python -m autograder.release [--into DIR]

Runs nbgrader's ``generate_assignment`` (solutions and hidden tests removed, cells locked),
then stamps each released notebook with an "Open in Colab" badge whose URL is built from
``repository`` in ``_config.yml``, and a note that the file is generated.
"""
import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import yaml

from autograder.exercises import ASSIGNMENT

ROOT = Path(__file__).resolve().parent.parent
BADGE_ID = "colab-badge"
COLAB = "https://colab.research.google.com/github"


def repository(root: Path = ROOT) -> tuple:
    """(owner/name, branch) of the course repository, from _config.yml."""
    config = yaml.safe_load((root / "_config.yml").read_text())
    repo = config.get("repository") or {}
    url = str(repo.get("url", "")).rstrip("/")
    prefix = "https://github.com/"
    if not url.startswith(prefix):
        raise ValueError(f"_config.yml: repository.url must be a GitHub URL ({prefix}owner/name), got {url!r}")
    return url[len(prefix):], repo.get("branch", "main")


def colab_url(stem: str, root: Path = ROOT) -> str:
    """The URL that opens notebooks/<assignment>/<stem>.ipynb in Colab."""
    name, branch = repository(root)
    return f"{COLAB}/{name}/blob/{branch}/notebooks/{ASSIGNMENT}/{stem}.ipynb"


def badge_cell(stem: str, root: Path = ROOT):
    text = (f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({colab_url(stem, root)})\n\n"
            f"*Generated from `solutions/{ASSIGNMENT}/{stem}.ipynb` by `make release`: "
            "edit the source, not this file.*")
    return nbformat.v4.new_markdown_cell(text, id=BADGE_ID)


def stamp(path: Path, root: Path = ROOT) -> None:
    """Put the badge cell first (replacing an older one) and write the notebook back normalised."""
    nb = nbformat.read(path, as_version=4)
    nb.cells = [badge_cell(path.stem, root)] + [c for c in nb.cells if c.get("id") != BADGE_ID]
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


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--into", type=Path, default=ROOT / "notebooks", help="release directory (default: notebooks/)")
    args = parser.parse_args(argv)
    target = args.into / ASSIGNMENT
    if target.exists():
        shutil.rmtree(target)  # a removed source must not leave its old release behind
    for path in generate(args.into):
        print(path.relative_to(args.into.resolve()))


if __name__ == "__main__":
    main()
