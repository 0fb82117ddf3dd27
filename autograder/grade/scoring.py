"""Turn one exercise's sandbox output into a score, in the trusted process.

All-or-nothing per exercise, as nbgrader scores a test cell: the full points when the judge
accepts every case, else zero. The status keeps "could not be graded" apart from "wrong":
passed / failed (ran, wrong or not defined) / error (crashed, no usable results) /
timeout (ran past its time) / missing (notebook not submitted or unreadable).
Each result lists its checks, one per probed case, with the judge's details.
"""
from dataclasses import asdict, dataclass, field

from .results import BadResults, text

DETAIL_TEXT = 1000


@dataclass
class ExerciseResult:
    exercise: str
    notebook: str
    score: float
    max_score: float
    status: str
    message: str
    checks: list = field(default_factory=list)  # {"case", "passed", "message", **details} per probed case

    def row(self) -> dict:
        return asdict(self)


def plan(exercise_id: str, device: str) -> list:
    """The cases probed for an exercise; CUDA cases only when grading on CUDA. Written into the job file."""
    from autograder.inside.cases import cases

    return [case for case in cases(exercise_id) if case.device != "cuda" or device == "cuda"]


def describe(case) -> str:
    from autograder.inside.cases import describe as describe_case

    return describe_case(case)


def first_cell_error(cells: list) -> str:
    return f" (the notebook's {cells[0]})" if cells else ""


def plain_details(details) -> dict:
    """The verdict's details as short JSON-able values."""
    if not isinstance(details, dict):
        return {}
    kept = {}
    for key, value in details.items():
        if isinstance(value, (bool, int, float)) or value is None:
            kept[str(key)] = value
        else:
            kept[str(key)] = text(value if isinstance(value, str) else str(value), DETAIL_TEXT)
    return kept


def judged(exercise, cases: list, entries: dict) -> tuple:
    """(status, message, checks) from the judge's verdict on every case."""
    from autograder.checks.judge import error_verdict, judge

    if not entries["defined"]:
        return ("failed", f"`{exercise.name}` is not defined after running the notebook"
                          f"{first_cell_error(entries['cells'])}.", [])
    failures, checks = [], []
    for case, entry in zip(cases, entries["cases"]):
        name = describe(case)
        if not entry["ok"]:  # the probe raised: the input, the book's section and any named mistake still shown
            failures.append(f"{name}: {entry['error']}")
            details = plain_details(error_verdict(exercise.id, case, entry["error"]).details)
            checks.append({**details, "case": name, "passed": False, "message": entry["error"]})
            continue
        try:
            verdict = judge(exercise.id, case, entry["results"])
        except Exception as error:  # malformed results are the submission's failure, not the grader's
            message = f"{name}: the results could not be checked ({text(str(error), 200)})"
            failures.append(message)
            checks.append({"case": name, "passed": False, "message": message})
            continue
        message = text(verdict.message, DETAIL_TEXT)
        checks.append({**plain_details(getattr(verdict, "details", {})), "case": name,
                       "passed": bool(verdict.passed), "message": message})
        if not verdict.passed:
            failures.append(message)
    if not failures:
        return "passed", f"all {len(cases)} checks passed.", checks
    more = f" ({len(failures)} of {len(cases)} checks failed.)" if len(failures) > 1 else ""
    return "failed", failures[0] + more, checks


def score_exercise(exercise, max_score: float, cases: list, load, report: dict) -> ExerciseResult:
    """Score one exercise; `load()` returns the validated entries or raises BadResults."""
    status = report.get("exercises", {}).get(exercise.id)
    checks = []
    if status == "timeout":
        outcome = ("timeout", "the exercise's checks ran past the time limit (an endless loop?).")
    else:
        try:
            *outcome, checks = judged(exercise, cases, load())
        except BadResults as error:
            ended = report.get("ended")
            if ended == "timeout":
                outcome = ("timeout", "the notebook ran past its time limit before this exercise was checked "
                                      "(an endless loop, or cells that take too long?).")
            else:
                why = f"; the exercise's process {status}" if status and status != "ok" else \
                    f"; the notebook's process {ended}" if ended and ended != "ok" else \
                    "" if ended or status else "; the notebook's process ended early"
                outcome = ("error", f"could not be graded: {error}{why}{first_cell_error(report.get('cells', []))}.")
    status, message = outcome
    return ExerciseResult(exercise.id, exercise.notebook, max_score if status == "passed" else 0.0,
                          max_score, status, message, checks)


def missing(exercise, max_score: float, why: str) -> ExerciseResult:
    return ExerciseResult(exercise.id, exercise.notebook, 0.0, max_score, "missing", why)


def ungraded(exercise, max_score: float, why: str) -> ExerciseResult:
    return ExerciseResult(exercise.id, exercise.notebook, 0.0, max_score, "error", f"could not be graded: {why}.")
