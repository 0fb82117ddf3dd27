"""Checks of student code against the reference, shared by hidden tests and the grader.

    cases(exercise_id) -> [Case]          deterministic probe cases, plain data (autograder.inside.cases)
    probe(obj, case) -> dict              runs student code, returns plain data; never reads the reference;
                                          finds each parameter's role by use order and size
                                          (autograder.inside.probe and .matching; raises MatchError /
                                          ProbeError, both AssertionErrors, whose messages end in
                                          " Hint: <the likely mistake>." when known)
    judge(exercise_id, case, results)     trusted: compares with the reference under each layout of the
        -> Verdict(passed, message,       weights, names the likely mistake; details: input, expected,
                   details)               got, largest_difference, where, mistake, section (judge.py)
    error_verdict(exercise_id, case, error) -> Verdict    the same for a case whose probe raised
    check(exercise_id, obj)               probe + judge over every case; raises AssertionError

The probe side lives in the sandbox package ``autograder.inside`` (re-exported here for the
hidden tests); this package is the trusted side: ``from autograder.checks.judge import judge, Verdict``.
"""
import torch

from autograder.inside.cases import Case, cases, describe
from autograder.inside.matching import MatchError
from autograder.inside.probe import ProbeError, probe

__all__ = ["Case", "cases", "describe", "probe", "MatchError", "ProbeError", "check"]


def check(exercise_id: str, obj) -> None:
    """Probe ``obj`` on every case of ``exercise_id``; raise AssertionError with the first failure.

    Runs on one torch thread (the number before is restored): the cases' tensors are tiny, and on a
    busy machine a thread pool spends more time waiting for its threads than computing (the reference
    of CBAM under every layout of its weights: about twenty times the processor time on two threads).
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        _check(exercise_id, obj)
    finally:
        torch.set_num_threads(threads)


def _check(exercise_id: str, obj) -> None:
    from .judge import judge  # the reference, imported only here

    for case in cases(exercise_id):
        try:
            results = probe(obj, case)
        except AssertionError as error:  # MatchError, ProbeError
            raise AssertionError(f"{getattr(obj, '__name__', exercise_id)} ({describe(case)}): {error}") from None
        verdict = judge(exercise_id, case, results)
        if not verdict.passed:
            raise AssertionError(verdict.message)
