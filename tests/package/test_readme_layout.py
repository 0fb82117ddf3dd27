"""The README's layout map names every module of the course package and every top-level folder."""
import re

from autograder.grade.course import ROOT


def layout_block() -> str:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Layout", 1)[1]
    return section.split("```")[1]


def named(block: str) -> set[str]:
    """Every file or folder name in the map: `cli.py`, `grade/`, and the `feedback*.py` kind of pattern."""
    return set(re.findall(r"[\w.*-]+(?:\.py|/)", block))


def covered(name: str, names: set[str]) -> bool:
    return any(re.fullmatch(re.escape(n).replace(r"\*", r"\w*"), name) for n in names)


def test_every_module_of_the_package_is_in_the_map():
    names = named(layout_block())
    missing = [str(path.relative_to(ROOT)) for path in sorted((ROOT / "autograder").rglob("*.py"))
               if "__pycache__" not in path.parts and path.name not in ("__init__.py",)
               and path.parent.name in ("autograder", "grade", "checks", "inside")
               and not covered(path.name, names)]
    assert not missing, f"README's layout does not name: {missing}"


def test_every_folder_of_the_package_and_the_repository_is_in_the_map():
    names = named(layout_block())
    folders = [p for p in (ROOT / "autograder").iterdir() if p.is_dir() and p.name != "__pycache__"]
    folders += [ROOT / name for name in ("book", "docs", "experiments", "benchmarks", "tests", "scripts")]
    missing = [p.name for p in folders if not any(n.endswith(f"{p.name}/") for n in names)]
    assert not missing, f"README's layout does not name: {missing}"


def test_every_name_in_the_map_exists():
    paths = {str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if ".git" not in p.parts and ".venv" not in p.parts
             and "_build" not in p.parts}
    leaves = {p.rsplit("/", 1)[-1] for p in paths}
    made = {".venv/", "_build/"}  # made by `make install` and the builds, not in a clone
    ghosts = [n for n in named(layout_block()) - made if "*" not in n and n.rstrip("/") not in leaves]
    assert not ghosts, f"README's layout names what is not there: {ghosts}"
