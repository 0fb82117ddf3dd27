"""Attacks on the grader by a student who has read its source, and correct work in unusual forms.

The cases (attack_catalogue.attack_students) are graded by the real command path (bubblewrap included)
in the hostile class's batch, whose honest student is the control. Holes still open are marked
xfail(strict=True) with the fix they need: when the fix lands the test passes, strict xfail fails,
and the mark must go.
"""
import os
import subprocess
import sys

import pytest
from attack_catalogue import EDGE_BUG_HIDDEN_FROM_THE_PROBE

from autograder.grade import sandbox

pytestmark = [pytest.mark.needs_course, pytest.mark.slow]

@pytest.fixture(scope="module")
def graded(hostile_class):
    """The attacks' students, graded in the hostile class; its honest student is the control."""
    return hostile_class.rows, hostile_class.grades, hostile_class.out


def by_display_name(table: dict, name: str) -> dict:
    return next(row for row in table.values() if row["display_name"] == name)


def test_the_control_student_keeps_full_marks(graded):
    rows, table, _ = graded
    assert all(row["status"] == "passed" for row in rows["honest"].values() if row["status"] != "missing")
    assert float(table["honest"]["total"]) == 1 + 1 + 2 + 3 + 2  # squeeze, ECA's two, spatial, CBAM


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
