"""Attacks between students graded one after another by the same worker: nothing of one reaches the next.

One worker grades the students in order of their ids, once with root and once without. With root the planter is
graded in a batch of its own and the class in the next batch of the same process, by the warm sandbox kept from
the planter's (warm_sandbox.keep_between_batches): nothing crosses batches either. The planter (graded first)
leaves a trace in every channel of leftover_channels.CHANNELS, from each of its notebooks (a trace tied to a uid
then meets every finder's notebook, should uids repeat). Each finder hands in notebooks with some exercises solved
and then taken away again; a cell gives an exercise back only when it finds its channel's trace, so a finder that
scores on an exercise has found a trace (one exercise per channel, so a failure names the channel). The self-check
students plant and look in the same notebook: they show that each finder does see its trace when one is there. The
planter and an honest student are the controls that grading itself still works.
"""
import json
from typing import NamedTuple

import pytest
from leftover_channels import CHANNELS, KEY_SYSCALLS, Traces, hide, remove_planted_keys

from autograder.grade import sandbox, warm_sandbox
from grader_class import grade_class, grade_without_root, scores, solved, with_cells, write_class

pytestmark = [pytest.mark.needs_course, pytest.mark.slow]

# (notebook, exercise id, the name a student defines): exercises no other exercise of their notebook calls
VERDICTS = (("01_squeeze", "squeeze", "squeeze"), ("02_excitation", "se_block", "SEBlock"),
            ("03_eca", "eca_block", "ECABlock"), ("04_channel_attention", "channel_attention", "ChannelAttention"))
PLANTER, HONEST = "a_plant", "honest"  # ids sort in grading order: the planter, the finders, the self-checks
KEYS_CLOSED = "d_keys_closed"  # gets squeeze back only when every kernel key call is refused
# The squeeze comes back only when add_key, request_key and keyctl all fail with EPERM: on an open kernel the
# first and last succeed and request_key fails with ENOKEY.
KEY_CALLS_REFUSED = f"""import ctypes, errno, platform
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
ADD_KEY, REQUEST_KEY, KEYCTL = {KEY_SYSCALLS!r}[platform.machine()]
refused = []
for call, args in ((ADD_KEY, (b"user", b"k", b"k", 1, -4)), (REQUEST_KEY, (b"user", b"k", None, 0)),
                   (KEYCTL, (0, -4, 0))):
    ctypes.set_errno(0)
    refused.append(libc.syscall(call, *args) == -1 and ctypes.get_errno() == errno.EPERM)
if all(refused):
    squeeze = _kept
"""


def verdict(index: int) -> tuple:
    """(student group, notebook, exercise id, name) that carries the verdict of channel number `index`."""
    return (index // len(VERDICTS) + 1, *VERDICTS[index % len(VERDICTS)])


def finder_id(group: int) -> str:
    return f"b_find_{group}"


def self_check_id(group: int) -> str:
    return f"c_self_{group}"


def looking_student(traces: Traces, plant: bool) -> dict:
    """{student id: notebooks} of the finders (plant=False) or of the self-checks (plant=True)."""
    students = {}
    for index, channel in enumerate(CHANNELS):
        group, stem, _, name = verdict(index)
        cells = [hide(name), *([traces.planter(channel)] if plant else []), traces.finder(channel, name)]
        student = (self_check_id if plant else finder_id)(group)
        students.setdefault(student, {})[f"{stem}.ipynb"] = with_cells(solved(stem), *cells)
    return students


def the_class(traces: Traces) -> dict:
    """The planter plants in every notebook: a trace tied to the notebook's place in the job (its uid) is left for
    every finder."""
    plants = [traces.planter(channel) for channel in CHANNELS]
    planter = {f"{stem}.ipynb": with_cells(solved(stem), *plants) for stem, _, _ in VERDICTS}
    return {PLANTER: planter, **looking_student(traces, plant=False),
            **looking_student(traces, plant=True), HONEST: {f"{stem}.ipynb": solved(stem) for stem, _, _ in VERDICTS},
            KEYS_CLOSED: {"01_squeeze.ipynb": with_cells(solved(), hide("squeeze"), KEY_CALLS_REFUSED)}}


class Graded(NamedTuple):
    rows: dict  # student -> exercise -> row of scores.csv
    order: list  # student ids in the order they were graded
    records: dict  # student -> their saved record (notes included)
    keys_left: list  # uids whose kernel keyrings still held a planted key after the batch
    sandboxes: tuple  # as root: (the sandbox kept last, sandboxes started) after the planter's batch, the class's


def last_kept() -> tuple:
    """(the pid of the warm sandbox this process kept last, how many it has started): the next batch takes it first."""
    kept = warm_sandbox.KEPT
    return max(((since, warm.process.pid) for waiting in kept.idle.values() for warm, since in waiting),
               default=(0, None))[1], kept.started


@pytest.fixture(scope="module", params=["as root", "without root"])
def graded(request, tmp_path_factory):
    """The class graded once by one worker: by a grader running as root (each notebook drops to a uid of its own),
    and by one without root (every student's processes share the grader's uid, and the sandbox is its own)."""
    if not sandbox.bwrap_works():  # the planter's traces would land on this machine itself (its hostname too)
        pytest.skip("bubblewrap does not work here: without it students are not separated at all")
    traces = Traces.new()
    folder = tmp_path_factory.mktemp("between")
    students = the_class(traces)
    submissions, out = write_class(folder / "class", students), folder / "results"
    sandboxes = ()
    try:
        if request.param == "as root":
            assert warm_sandbox.KEPT is not None, "the suite keeps warm sandboxes between batches (tests/conftest.py)"
            grade_class(write_class(folder / "planter", {PLANTER: students[PLANTER]}), out, workers=1)
            after_planter = last_kept()
            rows = grade_class(submissions, out, workers=1)  # the planter's record is reused: graded once
            sandboxes = (after_planter, last_kept())
        else:
            grade_without_root(submissions, out)
            rows = scores(out)
    finally:
        keys_left = remove_planted_keys(traces)
    records = sorted((out / "students").glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
    return Graded(rows, [p.stem for p in records], {p.stem: json.loads(p.read_text("utf-8")) for p in records},
                  keys_left, sandboxes)


def test_as_root_the_class_is_graded_by_the_sandbox_kept_from_the_planters_batch(graded):
    if not graded.sandboxes:
        pytest.skip("without root the grader runs as a command of its own: one batch")
    after_planter, after_class = graded.sandboxes
    assert after_planter[0] is not None and after_class == after_planter, graded.sandboxes


def test_one_worker_grades_the_planter_first_and_the_self_checks_after_every_finder(graded):
    order = graded.order
    assert order == sorted(order), order
    groups = {verdict(index)[0] for index in range(len(CHANNELS))}
    assert order[0] == PLANTER
    assert max(order.index(finder_id(g)) for g in groups) < min(order.index(self_check_id(g)) for g in groups)


@pytest.mark.parametrize("exercise", [exercise for _, exercise, _ in VERDICTS])
@pytest.mark.parametrize("student", [PLANTER, HONEST])
def test_the_planter_and_the_honest_student_pass_every_exercise_that_carries_a_verdict(graded, student, exercise):
    rows = graded.rows
    assert rows[student][exercise]["status"] == "passed", rows[student][exercise]["message"]


def row_of(rows: dict, student_of, index: int) -> dict:
    group, _, exercise, _ = verdict(index)
    return rows[student_of(group)][exercise]


@pytest.mark.parametrize("index", range(len(CHANNELS)), ids=[channel.name for channel in CHANNELS])
def test_each_finder_sees_its_trace_left_in_its_own_notebook(graded, index):
    row, channel = row_of(graded.rows, self_check_id, index), CHANNELS[index]
    if row["status"] != "passed" and channel.optional:
        pytest.skip(f"{channel.name}: closed to a notebook here ({channel.optional})")
    assert row["status"] == "passed", f"{channel.name}: the finder missed a trace planted before it: {row['message']}"


@pytest.mark.parametrize("index", range(len(CHANNELS)), ids=[channel.name for channel in CHANNELS])
def test_a_student_graded_later_finds_no_trace(graded, index):
    rows, records = graded.rows, graded.records
    row, channel = row_of(rows, finder_id, index), CHANNELS[index]
    if channel.optional and row_of(rows, self_check_id, index)["status"] != "passed":
        pytest.skip(f"{channel.name}: closed to a notebook here ({channel.optional})")
    assert row["status"] != "passed" and float(row["score"]) == 0, \
        f"{channel.name}: a student graded after the planter found its trace"
    assert "is not defined" in row["message"], f"{channel.name}: the finder did not run to its end: {row['message']}"
    stem = verdict(index)[1]
    assert not [note for note in records[finder_id(verdict(index)[0])]["notes"] if note.startswith(stem)], \
        f"{channel.name}: a cell of the finder's notebook failed"


def test_a_notebook_cannot_use_the_kernel_keyrings(graded):
    """Keyrings belong to a uid, not to a sandbox: a key would outlive its student (and uids repeat). The harness
    closes the key calls to every notebook with a seccomp filter."""
    row = graded.rows[KEYS_CLOSED]["squeeze"]
    assert row["status"] == "passed", f"a kernel key call was not refused: {row['message']}"


def test_no_kernel_key_outlives_the_student_who_added_it(graded):
    assert not graded.keys_left, f"planted keys were left in the keyrings of uids {graded.keys_left}"
