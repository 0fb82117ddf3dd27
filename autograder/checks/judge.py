"""Trusted side: compare a probe's results with the reference's, and name the likely mistake.

The reference runs in float64 on the same values the student's code saw (input, weights
and upstream gradient rounded to the case's dtype first). Tolerances follow the dtype.
"""
from functools import lru_cache
from typing import NamedTuple

import torch

from autograder import reference as ref
from autograder.exercises import BY_ID
from autograder.reference.mistakes import DETACHED, for_exercise

from .cases import Case, case_input, case_upstream, case_weights, describe, weight_shapes
from .probe import DTYPES


class Verdict(NamedTuple):
    passed: bool
    message: str


# canonical weight -> the reference module's parameter holding it
PARAMETERS = {
    "excitation": {"W1": "mlp.0.weight", "W2": "mlp.2.weight"},
    "se_block": {"W1": "excitation.mlp.0.weight", "W2": "excitation.mlp.2.weight"},
    "eca_block": {"eca_kernel": "conv.weight"},
    "channel_attention": {"W1": "mlp.0.weight", "W2": "mlp.2.weight"},
    "spatial_attention": {"spatial_kernel": "conv.weight"},
    "cbam": {"W1": "channel.mlp.0.weight", "W2": "channel.mlp.2.weight", "spatial_kernel": "spatial.conv.weight"},
}
TOLERANCE = {"float64": (1e-7, 1e-9), "float32": (1e-4, 1e-5), "bfloat16": (5e-2, 5e-2)}  # (rtol, atol / scale)


@lru_cache(maxsize=256)
def reference_results(case: Case):
    """(x, weights, results) of the reference in float64 on the case's rounded values."""
    dtype = DTYPES[case.dtype]
    x = case_input(case).to(dtype).double().requires_grad_(True)
    weights = {name: w.to(dtype).double() for name, w in case_weights(case).items()}
    params = {}
    if case.exercise == "squeeze":
        y = ref.squeeze(x)
    else:
        module = getattr(ref, BY_ID[case.exercise].name)(*case.args).double()
        params = {name: module.get_parameter(path) for name, path in PARAMETERS[case.exercise].items()}
        with torch.no_grad():
            for name, p in params.items():
                p.copy_(weights[name].reshape(p.shape))
        y = module(x)
    (y * case_upstream(case, y.shape).to(dtype).double()).sum().backward()
    results = {"output": y.detach(), "grad/input": x.grad}
    results.update({f"grad/{name}": p.grad.reshape(weight_shapes(case)[name]) for name, p in params.items()})
    return x.detach(), weights, results


def _close(actual: torch.Tensor, expected: torch.Tensor, dtype: str) -> bool:
    rtol, atol = TOLERANCE[dtype]
    scale = max(1.0, float(expected.abs().max())) if expected.numel() else 1.0
    actual = actual.double()
    if actual.shape != expected.shape:
        return False
    return bool(((actual - expected).abs() <= atol * scale + rtol * expected.abs()).all())


def _named_mistake(case: Case, x, weights, actual: torch.Tensor) -> str:
    if case.dtype == "bfloat16":
        return ""
    for mistake in for_exercise(case.exercise):
        try:
            with torch.no_grad():
                guess = mistake.forward(x, weights)
        except Exception:
            continue
        if _close(actual, guess, case.dtype):
            return f" This looks like a known mistake: {mistake.message}."
    return ""


def _kernel_size(case: Case, results: dict) -> str:
    expected = ref.eca_kernel_size(*case.args)
    if results["type"] != "int":
        return f"returned a value of type {results['type']}; return an int (it becomes a kernel size)"
    got = int(results["output"])
    if got == expected:
        return ""
    named = [m.message for m in for_exercise(case.exercise) if _try(m.forward, case.args) == got]
    if not named:
        return f"returned {got}, expected {expected}."
    alternative = f" (or: {named[1]})" if len(named) > 1 else ""
    return f"returned {got}, expected {expected}. This looks like a known mistake: {named[0]}{alternative}."


def _try(fn, args):
    try:
        return fn(*args)
    except Exception:
        return None


def _shape_hint(case: Case, got: str) -> str:
    n, c = case.shape[:2]
    if case.exercise == "squeeze" and got == str((n, c)):
        return ": keep the pooled dimensions (keepdim=True, or reshape to (N, C, 1, 1))"
    if case.exercise != "squeeze" and got in (str((n, c, 1, 1)), str((n, c)), str((n, 1) + case.shape[2:])):
        return ": this looks like the gate itself; return x multiplied by it"
    return ""


def _problem(case: Case, results: dict) -> str:
    if case.exercise == "eca_kernel_size":
        return _kernel_size(case, results)
    x, weights, expected = reference_results(case)
    shape = str(tuple(expected["output"].shape))
    if results["device"] != case.device:
        return (f"the output is on {results['device']}, expected {case.device}: create tensors inside forward "
                "on the input's device (device=x.device, or torch.*_like(x))")
    if results["dtype"] != case.dtype:
        return (f"the output has dtype {results['dtype']} for {case.dtype} input: keep the input's dtype "
                "(no .float(), and dtype=x.dtype for tensors made inside forward)")
    if results["shape"] != shape:
        return f"the output has shape {results['shape']}, expected {shape}" + _shape_hint(case, results["shape"])
    if case.device == "meta":
        return ""
    if not _close(results["output"], expected["output"], case.dtype):
        diff = float((results["output"].double() - expected["output"]).abs().max())
        return (f"the output differs from the expected one (largest difference {diff:.3g})."
                + _named_mistake(case, x, weights, results["output"]))
    missing = [name for name in results.get("no_grad", "").split(",") if name]
    if "input" in missing:
        return "no gradient reached the input: " + DETACHED
    if missing:
        return f"no gradient reached {', '.join(missing)}: " + DETACHED
    if case.dtype == "bfloat16":
        return ""
    for key in sorted(k for k in expected if k.startswith("grad/")):
        if key not in results or not _close(results[key], expected[key], case.dtype):
            return (f"the output is right but the gradient with respect to {key[5:]} differs: is part of the "
                    "computation detached, done in place, or using .data?")
    return ""


def judge(exercise_id: str, case: Case, results: dict) -> Verdict:
    """Pass, or fail with a message a student can act on."""
    if case.exercise != exercise_id:
        raise ValueError(f"case is for {case.exercise!r}, not {exercise_id!r}")
    problem = _problem(case, results)
    if not problem:
        return Verdict(True, "")
    return Verdict(False, f"{BY_ID[exercise_id].name} ({describe(case)}): {problem}")
