"""Attacks on the grader by a student who has read its source, and correct work in unusual forms.

One batch, graded by the real command path (bubblewrap included), holds an honest control student
and each case below. Holes still open are marked xfail(strict=True) with the fix they need: when the
fix lands the test passes, strict xfail fails, and the mark must go.
"""
import io
import json
import os
import subprocess
import sys
import zipfile

import pytest

from autograder.grade import sandbox
from grader_class import WRONG_SQUEEZE, grade_class, grades, solved, with_cells, write_class

pytestmark = [pytest.mark.needs_course, pytest.mark.slow]

# Correct under docs/exercise-api.md: the learnable kernel is only stored reversed (conv1d on a flipped
# copy), as a transposed W1 is a weight stored in another orientation; the function family is the same.
FLIPPED_ECA = """
class ECABlock(nn.Module):
    def __init__(self, channels, gamma=2, b=1, kernel_size=None):
        super().__init__()
        self.k = kernel_size or eca_kernel_size(channels, gamma, b)
        self.weight = nn.Parameter(torch.randn(1, 1, self.k))
    def forward(self, x):
        n, c = x.shape[:2]
        z = x.mean((2, 3)).reshape(n, 1, c)
        w = torch.sigmoid(F.conv1d(z, self.weight.flip(-1), padding=(self.k - 1) // 2))
        return x * w.reshape(n, c, 1, 1)
"""
# Correct: the spatial kernel's two input channels held as two 1-in convolutions whose outputs are summed.
SPLIT_SPATIAL = """
class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.max_conv = nn.Conv2d(1, 1, kernel_size, padding=kernel_size // 2, bias=False)
        self.mean_conv = nn.Conv2d(1, 1, kernel_size, padding=kernel_size // 2, bias=False)
    def forward(self, x):
        gate = self.max_conv(x.amax(1, keepdim=True)) + self.mean_conv(x.mean(1, keepdim=True))
        return x * torch.sigmoid(gate)
"""
# Correct under the API's call protocol: Excitation(channels, reduction) builds a module, called on z.
FACTORY_EXCITATION = """
def Excitation(channels, reduction=16):
    hidden = max(1, channels // reduction)
    return nn.Sequential(nn.Linear(channels, hidden, bias=False), nn.ReLU(),
                         nn.Linear(hidden, channels, bias=False), nn.Sigmoid())
"""
# Wrong: a bare .squeeze() breaks N = 1 and C = 1. A later cell wraps the sandbox's probe so that every
# case runs on a copy of the input with N and C doubled, then slices the answer back: the edge never runs.
EDGE_BUG_HIDDEN_FROM_THE_PROBE = """
def squeeze(x):
    return x.mean(dim=(2, 3)).squeeze()[:, :, None, None]

import inside.probe as _p
_original = _p.probe
def _doubled(obj, case):
    if not callable(obj) or isinstance(obj, type):
        return _original(obj, case)
    def wide(x):
        n, c = x.shape[:2]
        return obj(x.repeat(2, 2, 1, 1))[:n, :c]
    return _original(wide, case)
_p.probe = _doubled
"""

# The same, after switching off the harness's restore: its globals and its function's code replaced.
UNDO_DISABLED = """
import inside.harness as _h
_h.PRISTINE = ()
_h.restore.__code__ = (lambda saved: None).__code__
_h.restore = lambda saved: None
"""


def notebook_bytes(notebook) -> bytes:
    import nbformat

    return nbformat.writes(notebook).encode()


def damaged(notebook) -> bytes:
    """The notebook with one cell's source a list of numbers: JSON a broken editor could write."""
    data = json.loads(notebook_bytes(notebook))
    data["cells"].append({"cell_type": "code", "source": [1, 2], "metadata": {}, "outputs": [],
                          "execution_count": None})
    return json.dumps(data).encode()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("attacks")
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as zf:
        zf.writestr("attention/01_squeeze.ipynb", notebook_bytes(solved()))
    students = {
        "control": {"01_squeeze.ipynb": solved(), "03_eca.ipynb": solved("03_eca"),
                    "05_spatial_attention.ipynb": solved("05_spatial_attention")},
        "zipped_own_work": {"attention.zip": zipped.getvalue()},
        "Casey": {"01_squeeze.ipynb": solved()},
        "casey": {"01_squeeze.ipynb": with_cells(solved(), WRONG_SQUEEZE)},
        "damaged_later_notebook": {"01_squeeze.ipynb": solved(),
                                   "02_excitation.ipynb": damaged(solved("02_excitation"))},
        "unusual_forms": {  # three correct answers in unusual forms, each in a notebook of its own
            "02_excitation.ipynb": with_cells(solved("02_excitation"), FACTORY_EXCITATION),
            "03_eca.ipynb": with_cells(solved("03_eca"), FLIPPED_ECA),
            "05_spatial_attention.ipynb": with_cells(solved("05_spatial_attention"), SPLIT_SPATIAL)},
        "probe_wrapped": {"01_squeeze.ipynb": with_cells(solved(), EDGE_BUG_HIDDEN_FROM_THE_PROBE)},
        "probe_wrapped_undo_disabled": {"01_squeeze.ipynb": with_cells(solved(), EDGE_BUG_HIDDEN_FROM_THE_PROBE
                                                                       + UNDO_DISABLED)},
    }
    submissions = write_class(base / "submitted", students)
    out = base / "results"
    rows = grade_class(submissions, out)
    return rows, grades(out), out


def by_display_name(table: dict, name: str) -> dict:
    return next(row for row in table.values() if row["display_name"] == name)


def test_the_control_student_keeps_full_marks(graded):
    rows, table, _ = graded
    assert all(row["status"] == "passed" for row in rows["control"].values() if row["status"] != "missing")
    assert float(table["control"]["total"]) == 1 + 1 + 2 + 3 + 2  # squeeze, ECA's two, spatial, CBAM


def test_notebooks_a_student_zipped_are_graded(graded):
    rows, _, _ = graded
    assert rows["zipped_own_work"]["squeeze"]["status"] == "passed"


def test_ids_that_differ_only_in_case_are_kept_apart(graded):
    rows, table, out = graded
    casey, lower = by_display_name(table, "Casey"), by_display_name(table, "casey")
    assert casey["student_id"].lower() != lower["student_id"].lower()
    assert (float(casey["total"]), float(lower["total"])) == (1.0, 0.0)
    folders = [p.name.lower() for p in (out / "students").iterdir()]
    assert len(folders) == len(set(folders))  # nothing would merge on a case-insensitive disk


def test_a_damaged_notebook_costs_only_its_own_exercises(graded):
    rows, _, _ = graded
    assert rows["damaged_later_notebook"]["squeeze"]["status"] == "passed", rows["damaged_later_notebook"]["squeeze"]
    assert rows["damaged_later_notebook"]["excitation"]["status"] == "missing"


def test_an_eca_kernel_stored_flipped_passes(graded):
    rows, _, _ = graded
    assert rows["unusual_forms"]["eca_block"]["status"] == "passed", rows["unusual_forms"]["eca_block"]["message"]


def test_a_spatial_kernel_split_over_two_convolutions_passes(graded):
    rows, _, _ = graded
    row = rows["unusual_forms"]["spatial_attention"]
    assert row["status"] == "passed", row["message"]


def test_an_excitation_built_by_a_factory_function_passes(graded):
    rows, _, _ = graded
    row = rows["unusual_forms"]["excitation"]
    assert row["status"] == "passed", row["message"]


def test_the_squeeze_bug_shows_without_the_probe_wrapper():
    import torch

    namespace = {"torch": torch}
    exec(EDGE_BUG_HIDDEN_FROM_THE_PROBE.split("import inside")[0], namespace)
    assert namespace["squeeze"](torch.ones(2, 3, 4, 5)).shape == (2, 3, 1, 1)
    for shape in ((1, 3, 2, 2), (2, 1, 2, 2)):  # N = 1, C = 1: the bare squeeze drops that axis
        with pytest.raises(IndexError):
            namespace["squeeze"](torch.ones(shape))


@pytest.mark.parametrize("student", ["probe_wrapped", "probe_wrapped_undo_disabled"])
def test_a_student_cannot_wrap_the_probe_to_hide_an_edge_case_bug(graded, student):
    rows, _, _ = graded
    row = rows[student]["squeeze"]
    assert row["status"] == "failed", row["message"]


def test_an_installed_copy_of_the_reference_is_not_readable_in_the_sandbox(tmp_path, monkeypatch):
    if not sandbox.bwrap_works():
        pytest.skip("bubblewrap does not work here")
    prefix = tmp_path / "venv"
    reference = prefix / "lib" / "python3.11" / "site-packages" / "autograder" / "reference" / "se.py"
    reference.parent.mkdir(parents=True)
    reference.write_text("SECRET = 'the reference SEBlock'\n")
    os.chmod(tmp_path, 0o755)
    monkeypatch.setattr(sys, "prefix", str(prefix))
    command = ["bwrap", "--unshare-pid", "--die-with-parent", "--proc", "/proc", "--dev", "/dev",
               "--tmpfs", "/tmp", *sandbox.host_binds(), "cat", str(reference)]
    seen = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert "the reference SEBlock" not in seen.stdout
