"""Checks of student code against the reference, shared by hidden tests and the grader.

    cases(exercise_id) -> [Case]          deterministic probe cases (cases.py)
    probe(obj, case) -> dict              runs student code, returns plain data; never reads the reference
                                          (probe.py; raises MatchError / ProbeError, both AssertionErrors)
    judge(exercise_id, case, results)     trusted: compares with the reference, names the likely mistake
        -> Verdict(passed, message)       (judge.py)
    check(exercise_id, obj)               probe + judge over every case; raises AssertionError

The sandbox imports only ``cases`` and ``probe`` (this package's top level never imports the
reference); the trusted side imports ``from autograder.checks.judge import judge, Verdict``.
"""
from .cases import Case, cases, describe
from .matching import MatchError
from .probe import ProbeError, probe

__all__ = ["Case", "cases", "describe", "probe", "MatchError", "ProbeError", "check"]


def check(exercise_id: str, obj) -> None:
    """Probe ``obj`` on every case of ``exercise_id``; raise AssertionError with the first failure."""
    from .judge import judge  # the trusted side, imported only here

    for case in cases(exercise_id):
        try:
            results = probe(obj, case)
        except AssertionError as error:  # MatchError, ProbeError
            raise AssertionError(f"{getattr(obj, '__name__', exercise_id)} ({describe(case)}): {error}") from None
        verdict = judge(exercise_id, case, results)
        if not verdict.passed:
            raise AssertionError(verdict.message)
