"""The trusted side's reading of a sandbox's output, alone: frames, limits before conversion, dead workers."""
import io
import json
import time
from types import SimpleNamespace

import pytest
import torch

from autograder.grade.results import BadResults, checked, load_entries, load_report, split_frames, text


def frame(notebook: str, name: str, data: bytes) -> bytes:
    header = json.dumps({"notebook": notebook, "file": name, "size": len(data)}).encode()
    return len(header).to_bytes(4, "big") + header + data


EXPECTED = {"01_squeeze": {"ended": 200, "report.json": 100, "squeeze.pt": 1000},
            "02_excitation": {"ended": 200, "excitation.pt": 1000}}


def test_frames_are_kept_only_for_their_own_notebook():
    data = frame("01_squeeze", "ended", b"ok") + frame("02_excitation", "excitation.pt", b"E")
    assert split_frames(data, EXPECTED) == {"01_squeeze": {"ended": b"ok"}, "02_excitation": {"excitation.pt": b"E"}}
    for bad in (frame("02_excitation", "squeeze.pt", b"forged"), frame("03_eca", "ended", b"ok"),
                frame("01_squeeze", "report.json", b"x" * 101), frame("01_squeeze", "../x", b"")):
        assert split_frames(frame("01_squeeze", "ended", b"ok") + bad, EXPECTED) == {"01_squeeze": {"ended": b"ok"}}
    repeated = frame("01_squeeze", "squeeze.pt", b"first") + frame("01_squeeze", "squeeze.pt", b"second")
    assert split_frames(repeated, EXPECTED) == {"01_squeeze": {"squeeze.pt": b"first"}}
    cut = frame("01_squeeze", "squeeze.pt", b"0123456789")[:-3]
    assert split_frames(cut, EXPECTED) == {}


def saved(value) -> bytes:
    buffer = io.BytesIO()
    torch.save(value, buffer)
    return buffer.getvalue()


def case_entries(output) -> dict:
    return {"defined": True, "cells": [], "cases": [{"ok": True, "results": {"output": output}}]}


@pytest.mark.parametrize("output, why", [
    (torch.zeros(1).expand(2**40), "shape|elements"),  # 4 TiB as float32 if converted first
    (torch.zeros(1).expand(2**11, 2**11, 2**11), "elements"),
    (torch.zeros(1).expand(1000, 1000), "zero strides"),
    ([[[0.0] * 1000] * 1000] * 1000, "more than|deeper"),  # 10**9 values through shared references
    ([[0.0] * 1000] * 1000, "more than"),  # 10**6 values through shared references
    ([0] * 30_000, "more than"),
    ("x" * 10**6, "longer than"),
])
def test_hostile_results_are_refused_before_any_conversion(output, why):
    blob = saved(case_entries(output))
    start = time.monotonic()
    with pytest.raises(BadResults, match=why):
        load_entries(blob, 1)
    assert time.monotonic() - start < 5


def test_deep_nesting_is_refused():
    deep = []
    for _ in range(50):
        deep = [deep]
    with pytest.raises(BadResults, match="deeper"):
        checked({"x": deep})


def test_plain_results_pass_unchanged():
    output = torch.arange(6.0).reshape(2, 3)
    entries = load_entries(saved(case_entries(output)), 1)
    assert torch.equal(entries["cases"][0]["results"]["output"], output)


def test_text_never_renders_a_large_object():
    assert text([0] * 10**7) == "<list>"
    assert text("y" * 10**6) == "y" * 500


def test_a_report_is_read_as_plain_short_text():
    report = load_report(json.dumps({"cells": [{"cell_type": "code"}, "cell 1 raised X"],
                                     "exercises": {"squeeze": "ok"}}).encode(), b"timeout")
    assert report == {"cells": ["<dict>", "cell 1 raised X"], "exercises": {"squeeze": "ok"}, "ended": "timeout"}


def test_a_dead_grading_process_costs_only_its_own_record(tmp_path):
    from autograder.exercises import EXERCISES
    from autograder.grade.batch import finished

    settings = SimpleNamespace(results=tmp_path, fingerprint="f", max_scores={e.id: 1.0 for e in EXERCISES})
    submission = SimpleNamespace(student="s", notebooks={}, notes=[])
    handoff = tmp_path / "record-1.json"
    record = finished(submission, settings, SimpleNamespace(exitcode=-9), handoff)
    assert all(r["status"] == "error" and "killed by signal 9" in r["message"] for r in record["results"])
    assert json.loads((tmp_path / "students" / "s.json").read_text())["attention"].startswith("could not be graded")


def test_the_batch_saves_the_record_handed_over_only_by_a_process_that_ended_well(tmp_path):
    from autograder.exercises import EXERCISES
    from autograder.grade.batch import finished
    from autograder.grade.student import submission_fingerprint

    settings = SimpleNamespace(results=tmp_path / "results", fingerprint="f",
                               max_scores={e.id: 1.0 for e in EXERCISES})
    submission = SimpleNamespace(student="s", notebooks={}, notes=[])
    handoff = tmp_path / "record-1.json"
    handed = {"student": "s", "fingerprint": submission_fingerprint({}, settings), "results": [], "notes": []}
    handoff.write_text(json.dumps(handed))
    saved = tmp_path / "results" / "students" / "s.json"
    assert finished(submission, settings, SimpleNamespace(exitcode=1), handoff)["fingerprint"] == ""
    assert json.loads(saved.read_text())["fingerprint"] == ""  # a failure, graded again next run
    assert finished(submission, settings, SimpleNamespace(exitcode=0), handoff) == handed
    assert json.loads(saved.read_text()) == handed
    handoff.write_text(json.dumps(dict(handed, fingerprint="of another submission")))
    assert finished(submission, settings, SimpleNamespace(exitcode=0), handoff)["fingerprint"] == ""
