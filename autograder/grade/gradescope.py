"""A Gradescope autograder bundle: the course's grader, packed to grade one submission in Gradescope's container.

Gradescope unzips the bundle into /autograder/source, runs ``setup.sh`` once (as root) to build the
image, then for each submission runs ``run_autograder`` (as root) with the student's files in
/autograder/submission; it reads /autograder/results/results.json:

    {"score": total, "output": ..., "tests": [{"name", "number", "score", "max_score", "status", "output",
                                               "visibility"}, ...]}

one test per exercise. The student's code runs in the grader's sandbox as an unprivileged user: bubblewrap
shows it no /autograder at all, and /autograder/source is closed to every user but root as well. The
scorer, this module, runs as root outside the sandbox.
"""
import json
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

from .course import ROOT
from .names import printable
from .outputs import write_atomically

SETUP = """#!/usr/bin/env bash
# Run once by Gradescope, as root, to build the autograder's image: bubblewrap and the course's Python.
# Pick a base image whose python3 is 3.11 or newer (the version pyproject.toml asks for).
set -euo pipefail
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends bubblewrap python3 python3-venv python3-pip
python3 -m venv /autograder/venv
# Editable: the venv, which the sandbox sees read-only, must hold no copy of the reference or the judge; they
# stay in /autograder/source, which run_autograder closes to everyone but root.
/autograder/venv/bin/pip install --no-cache-dir -c /autograder/source/course/constraints.txt \
    --editable /autograder/source/course
"""

RUN = """#!/usr/bin/env bash
# Run by Gradescope, as root, for each submission: grades /autograder/submission into
# /autograder/results/results.json. AUTOGRADER_ROOT and AUTOGRADER_PYTHON let a test run it elsewhere.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
PYTHON="${AUTOGRADER_PYTHON:-$ROOT/venv/bin/python}"
chmod -R go-rwx "$ROOT/source"  # the reference and the grader: root's alone
mkdir -p "$ROOT/results"
chmod 700 "$ROOT/results"
cd "$ROOT/source/course"
PYTHONPATH="$ROOT/source/course" exec "$PYTHON" -I -c \\
  'import sys; sys.path.insert(0, "."); from autograder.grade.gradescope import main; sys.exit(main(sys.argv[1:]))' \\
  "$ROOT"
"""

COURSE_FILES = ("nbgrader_config.py", "constraints.txt", "pyproject.toml", "README.md")
COURSE_FOLDERS = ("autograder", "solutions", "notebooks")


def build_bundle(out: Path = Path("gradescope")) -> Path:
    """Write OUT/autograder.zip, the bundle to upload as a Gradescope programming assignment's autograder.

    Args:
        out: the folder for autograder.zip.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    bundle = out / "autograder.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in (("setup.sh", SETUP), ("run_autograder", RUN)):
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o100755 << 16
            zf.writestr(info, text)
        for name in COURSE_FILES:
            if (ROOT / name).is_file():
                zf.write(ROOT / name, f"course/{name}")
        for folder in COURSE_FOLDERS:
            for path in sorted((ROOT / folder).rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts and ".ipynb_checkpoints" not in path.parts:
                    zf.write(path, f"course/{path.relative_to(ROOT)}")
    return bundle


def results_json(record: dict, summary: str) -> dict:
    tests = [{"name": f"{row['exercise']} ({row['notebook']}.ipynb)", "number": index,
              "score": row["score"], "max_score": row["max_score"],
              "status": "passed" if row["status"] == "passed" else "failed",
              "output": printable(row["message"]), "visibility": "visible"}
             for index, row in enumerate(record["results"], start=1)]
    notes = "\n".join(printable(note) for note in record.get("notes", []))
    return {"score": sum(t["score"] for t in tests), "output": notes or printable(summary),
            "visibility": "visible", "stdout_visibility": "hidden", "tests": tests}


def grade_submission(root: Path) -> dict:
    """Grade ROOT/submission (Gradescope's layout) and return Gradescope's results."""
    from .batch import grade

    with tempfile.TemporaryDirectory(prefix="gradescope-") as temporary:
        student = Path(temporary) / "class" / "submission"
        student.mkdir(parents=True)
        for path in sorted((root / "submission").rglob("*.ipynb")):
            if path.is_file() and not path.is_symlink() and not (student / path.name).exists():
                shutil.copyfile(path, student / path.name)
        out = Path(temporary) / "results"
        batch = grade(student.parent, out, workers=1, progress=False, layout="folders", record_gradebook=False)
        return results_json(batch.records[0], batch.summary)


def main(argv: list) -> int:
    root = Path(argv[0] if argv else "/autograder")
    try:
        results = grade_submission(root)
    except Exception as error:  # Gradescope shows this to the student: say it plainly, score nothing
        results = {"score": 0, "output": f"The autograder could not grade this submission ({type(error).__name__}: "
                                         f"{printable(str(error))[:500]}). Please tell your instructor.",
                   "tests": []}
    write_atomically(root / "results" / "results.json", json.dumps(results, indent=1))
    print(f"score {results['score']:g}", file=sys.stderr)
    return 0
