"""Turn one exercise's sandbox output into a score, in the trusted process.

All-or-nothing per exercise, as nbgrader scores a test cell: the full points when the judge
accepts every case, else zero. The status keeps "could not be graded" apart from "wrong":
passed / failed (ran, wrong or not defined) / error (crashed, no usable results) /
timeout / missing (notebook not submitted or unreadable).
"""
from dataclasses import asdict, dataclass

from .results import BadResults, text


@dataclass
class ExerciseResult:
    exercise: str
    notebook: str
    score: float
    max_score: float
    status: str
    message: str

    def row(self) -> dict:
        return asdict(self)


def plan(exercise_id: str, device: str) -> list:
    """The cases probed for an exercise; CUDA cases only when grading on CUDA (sandbox and judge agree)."""
    from autograder.checks.cases import cases

    return [case for case in cases(exercise_id) if case.device != "cuda" or device == "cuda"]


def describe(case) -> str:
    from autograder.checks.cases import describe as describe_case

    return describe_case(case)


def first_cell_error(cells: list) -> str:
    return f" (the notebook's {cells[0]})" if cells else ""


def judged(exercise, cases: list, entries: dict) -> tuple:
    """(status, message) from the judge's verdict on every case."""
    from autograder.checks.judge import judge

    if not entries["defined"]:
        return "failed", f"`{exercise.name}` is not defined after running the notebook{first_cell_error(entries['cells'])}."
    failures = []
    for case, entry in zip(cases, entries["cases"]):
        if not entry["ok"]:
            failures.append(f"{describe(case)}: {entry['error']}")
            continue
        try:
            verdict = judge(exercise.id, case, entry["results"])
        except Exception as error:  # malformed results are the submission's failure, not the grader's
            failures.append(f"{describe(case)}: the results could not be checked ({text(error, 200)})")
            continue
        if not verdict.passed:
            failures.append(text(verdict.message, 1000))
    if not failures:
        return "passed", f"all {len(cases)} checks passed."
    more = f" ({len(failures)} of {len(cases)} checks failed.)" if len(failures) > 1 else ""
    return "failed", failures[0] + more


def score_exercise(exercise, max_score: float, cases: list, load, report: dict) -> ExerciseResult:
    """Score one exercise; `load()` returns the validated entries or raises BadResults."""
    status = report.get("exercises", {}).get(exercise.id)
    if status == "timeout":
        outcome = ("timeout", "the exercise's checks ran past the time limit (an endless loop?).")
    else:
        try:
            outcome = judged(exercise, cases, load())
        except BadResults as error:
            why = status and f"the exercise's process {status}" or report.get("ended") and \
                f"the notebook's process {report['ended']}" or "the notebook's process ended early"
            if why == "timeout":
                outcome = ("timeout", "the notebook ran past the time limit (an endless loop?).")
            else:
                ended = "" if why == "ok" else f"; {why}"
                outcome = ("error", f"could not be graded: {error}{ended}{first_cell_error(report.get('cells', []))}.")
    status, message = outcome
    return ExerciseResult(exercise.id, exercise.notebook, max_score if status == "passed" else 0.0,
                          max_score, status, message)


def missing(exercise, max_score: float, why: str) -> ExerciseResult:
    return ExerciseResult(exercise.id, exercise.notebook, 0.0, max_score, "missing", why)
