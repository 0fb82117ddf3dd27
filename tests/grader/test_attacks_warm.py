"""Attacks on the warm sandbox itself: what a student can change in it for the students graded after them.

A warm sandbox lives in one cgroup for the whole batch, its limits set once by the grader. Without root, where
the machine lets the grader make cgroups of its own (cgroup v1, or a delegated tree), that cgroup belongs to the
grader's uid, which every process of the sandbox shares. A notebook that makes a user namespace of its own gains
the capability to mount a cgroup file system there, and a cgroup namespace of its own roots that file system at
the sandbox's cgroup: the attacker then sets the sandbox's limit on processes so low that the next student's
grading cannot start. One worker grades a control, the attacker and a second control, as root and without root
(the grader as uid 1000 in a cgroup of its own, as a delegated cgroup gives an instructor). A notebook must not
be able to make a user namespace at all: the student `d_user_namespace` gets squeeze back only where it cannot.
"""
import os
import secrets
import subprocess
from pathlib import Path

import pytest

from autograder.grade import sandbox
from autograder.grade.confinement import remove
from grader_class import ROOT, grade_class, scores, solved, with_cells, without_root_command, write_class

pytestmark = [pytest.mark.needs_course, pytest.mark.slow]

PIDS = Path("/sys/fs/cgroup/pids")  # the cgroup v1 hierarchy in which this test delegates a cgroup to uid 1000

USER_NAMESPACE = r'''
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
if libc.unshare(0x10000000) != 0:  # CLONE_NEWUSER
    squeeze = _kept
'''

# The last notebook of the attacker: its user namespace mounts the `pids` hierarchy (v1, else v2) at the
# sandbox's own cgroup and leaves two processes to the whole sandbox, fewer than a student's grading needs.
LOWER_THE_LIMIT = r'''
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
uid, gid = os.getuid(), os.getgid()
if libc.unshare(0x10000000 | 0x02000000 | 0x20000) == 0:  # a user, a cgroup and a mount namespace
    for name, text in (("setgroups", "deny"), ("uid_map", f"0 {uid} 1"), ("gid_map", f"0 {gid} 1")):
        with open(f"/proc/self/{name}", "w") as handle:
            handle.write(text)
    for kind, options in (("cgroup", b"pids"), ("cgroup2", None)):
        os.makedirs(f"/tmp/{kind}", exist_ok=True)
        if libc.mount(kind.encode(), f"/tmp/{kind}".encode(), kind.encode(), 0, options) == 0:
            try:
                with open(f"/tmp/{kind}/pids.max", "w") as handle:
                    handle.write("2")
            except OSError:
                pass
'''

STUDENTS = {
    "a_control": {"01_squeeze.ipynb": solved()},
    "b_lowers_the_limit": {"01_squeeze.ipynb": solved(),
                           "02_excitation.ipynb": with_cells(solved("02_excitation"), LOWER_THE_LIMIT)},
    "c_control_after": {"01_squeeze.ipynb": solved()},  # graded after the attacker, in the same warm sandbox
    "d_user_namespace": {"01_squeeze.ipynb": with_cells(solved(), "_kept = squeeze\ndel squeeze\n", USER_NAMESPACE)},
}


def grade_in_delegated_cgroup(submissions: Path, out: Path) -> str:
    """`python -m autograder grade` as uid 1000 in a user namespace, started in a `pids` cgroup of its own that
    uid 1000 may write (as a delegated cgroup is an instructor's); returns the batch's summary of its limits."""
    if os.getuid() != 0 or not sandbox.bwrap_works() or not (PIDS / "cgroup.procs").exists():
        pytest.skip("needs root, a working bubblewrap and the cgroup v1 `pids` hierarchy to delegate a cgroup")
    delegated = PIDS / f"autograder-test-delegated-{secrets.token_hex(4)}"
    try:
        delegated.mkdir()
    except OSError as error:
        pytest.skip(f"no cgroup can be made here: {error}")
    try:
        run = subprocess.run(["sh", "-c", 'echo $$ > "$0" && exec "$@"', str(delegated / "cgroup.procs"),
                              *without_root_command(submissions, out)], capture_output=True, text=True, timeout=900,
                             cwd=ROOT)
    finally:
        remove(delegated)
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout + run.stderr + "".join(p.read_text("utf-8", "replace") for p in out.glob("*.md"))


@pytest.fixture(scope="module", params=["as root", "without root"])
def rows(request, tmp_path_factory):
    if not sandbox.bwrap_works():
        pytest.skip("bubblewrap does not work here: there is no warm sandbox without it")
    base = tmp_path_factory.mktemp("warm-attacks")
    submissions, out = write_class(base / "class", STUDENTS), base / "results"
    if request.param == "as root":
        return grade_class(submissions, out)
    summary = grade_in_delegated_cgroup(submissions, out)
    if "cgroup" not in summary:
        pytest.skip(f"the grader without root made no cgroup here: {summary[-300:]}")
    return scores(out)


def test_the_control_graded_before_the_attack_passes(rows):
    assert rows["a_control"]["squeeze"]["status"] == "passed", rows["a_control"]["squeeze"]["message"]


def test_the_student_graded_after_the_attacker_is_graded_as_usual(rows):
    row = rows["c_control_after"]["squeeze"]
    assert row["status"] == "passed", f"the attacker's limit on processes reached the next student: {row['message']}"


def test_a_notebook_cannot_make_a_user_namespace(rows):
    row = rows["d_user_namespace"]["squeeze"]
    assert row["status"] == "passed", f"a notebook made a user namespace of its own: {row['message']}"
