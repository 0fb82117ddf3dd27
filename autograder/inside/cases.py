"""Deterministic probe cases per exercise, and the tensors each case derives from its seed.

A case fixes the constructor call (positional ``args`` and keyword ``kwargs``, as the exercise
API names them), the input shape, dtype and device, and a seed. The input, the upstream gradient
and the canonical weights are generated from the seed with the parameter shapes of the exercise
API, so the sandboxed probe and the trusted judge derive identical tensors without the probe
reading the reference. Every field is plain JSON-able data: a case written to a job file and
rebuilt with ``Case(**fields)`` (lists for tuples) is the same case.

Canonical weights (float64, independent of how a student stores them):
    W1 (hidden, C), W2 (C, hidden)      hidden = max(1, C // reduction)
    eca_kernel (k,)                     k = kernel_size or the ECA rule (hand-worked table below)
    spatial_kernel (2, k, k)            input channel 0 is the max map, 1 the mean map
"""
import json
import math
from typing import NamedTuple

import torch

from .exercises import BY_ID


class Case(NamedTuple):
    exercise: str
    args: tuple  # positional arguments of the constructor (or of the function, for eca_kernel_size)
    shape: tuple  # input shape: (N, C, H, W), or (N, C) for Excitation
    dtype: str  # "float32", "float64", "bfloat16" ("" for eca_kernel_size)
    device: str  # "cpu", "meta", "cuda"
    seed: int
    kwargs: dict = {}  # keyword arguments of the constructor, by the API's names (never mutated)


# The constructor (or function) parameters of the exercise API, in order, with their defaults.
SIGNATURES = {
    "squeeze": (),
    "excitation": (("channels", None), ("reduction", 16)),
    "se_block": (("channels", None), ("reduction", 16)),
    "eca_kernel_size": (("channels", None), ("gamma", 2), ("b", 1)),
    "eca_block": (("channels", None), ("gamma", 2), ("b", 1), ("kernel_size", None)),
    "channel_attention": (("channels", None), ("reduction", 16)),
    "spatial_attention": (("kernel_size", 7),),
    "cbam": (("channels", None), ("reduction", 16), ("kernel_size", 7)),
}


def arguments(case: Case) -> dict:
    """Every parameter of the case's constructor call, by name, defaults filled in."""
    bound = dict(SIGNATURES[case.exercise])
    bound.update(zip(bound, case.args))
    bound.update(case.kwargs or {})
    return bound


def key(case: Case) -> str:
    """A hashable, canonical form of the case (it holds a dict, and JSON turns tuples into lists)."""
    return json.dumps([case.exercise, list(case.args), list(case.shape), case.dtype, case.device, case.seed,
                       sorted((case.kwargs or {}).items())])


def hidden(channels: int, reduction: int = 16) -> int:
    """The bottleneck width of the exercise API: max(1, C // r)."""
    return max(1, channels // reduction)


# ECA kernel sizes the cases need, worked out by hand from k = |(log2 C + b) / gamma|_odd.
# A table, not the rule: this file runs in the sandbox, where a working rule would be an
# eca_kernel_size that student code could import.
ECA_KERNEL_SIZES = {  # (channels, gamma, b) -> k
    (64, 2, 1): 3,  # (6 + 1) / 2 = 3.5 -> 3
    (128, 2, 1): 5,  # (7 + 1) / 2 = 4 -> 5
    (16, 1, 0): 5,  # 4 / 1 = 4 -> 5
    (16, 2, 1): 3,  # (4 + 1) / 2 = 2.5 -> 3 (what ECABlock(16, gamma=1, b=0) gets if it drops gamma and b)
    (4, 2, 1): 1,  # (2 + 1) / 2 = 1.5 -> 1
    (32, 2, 1): 3,  # (5 + 1) / 2 = 3 -> 3
    (1, 2, 1): 1,  # (0 + 1) / 2 = 0.5 -> 0 -> 1
    (6, 2, 1): 1,  # (2.58 + 1) / 2 = 1.79 -> 1 (what ECABlock(6, kernel_size=3) gets if it drops kernel_size)
    (3, 2, 1): 1,  # (1.58 + 1) / 2 = 1.29 -> 1
}

# (args, kwargs, shape, dtype) per exercise: the calls every hidden test and grader run probes.
# Every documented edge where it applies: N = 1, C = 1, C < reduction, H != W, H = W = 1,
# and the constructors called with the API's keywords as well as positionally.
_MLP_BLOCK = (
    ((32,), {}, (2, 32, 5, 3), "float32"),  # N > 1, H != W, default reduction
    ((8,), {"reduction": 4}, (3, 8, 4, 6), "float64"),
    ((5,), {}, (4, 5, 2, 7), "float32"),  # C < reduction: hidden = 1
    ((12, 3), {}, (2, 12, 3, 3), "bfloat16"),
    ((1,), {}, (3, 1, 4, 5), "float64"),  # C = 1
    ((6, 2), {}, (1, 6, 3, 4), "float64"),  # N = 1
    ((14,), {"reduction": 4}, (3, 14, 1, 1), "float64"),  # H = W = 1; 14 / 4 = 3.5: floor 3, round and ceil 4
    ((1,), {"reduction": 1}, (1, 1, 2, 3), "float64"),  # N = C = 1
)
_TABLE = {
    "squeeze": (
        ((), {}, (2, 3, 4, 5), "float32"),
        ((), {}, (1, 1, 1, 1), "float32"),
        ((), {}, (3, 5, 7, 2), "float64"),
        ((), {}, (2, 4, 3, 5), "bfloat16"),
        ((), {}, (1, 3, 2, 5), "float64"),  # N = 1
        ((), {}, (2, 1, 3, 4), "float64"),  # C = 1
        ((), {}, (2, 3, 1, 1), "float64"),  # H = W = 1
    ),
    "excitation": (
        ((32,), {}, (3, 32), "float32"),
        ((8,), {"reduction": 4}, (2, 8), "float64"),
        ((5,), {}, (4, 5), "float32"),  # C < reduction
        ((12, 3), {}, (2, 12), "bfloat16"),
        ((1,), {}, (3, 1), "float64"),  # C = 1
        ((6,), {"reduction": 2}, (1, 6), "float64"),  # N = 1
        ((14, 4), {}, (2, 14), "float64"),  # 14 / 4 = 3.5: the API's floor gives 3, round and ceil 4
    ),
    "se_block": _MLP_BLOCK,
    "channel_attention": _MLP_BLOCK,
    "eca_block": (
        ((64,), {}, (2, 64, 3, 5), "float32"),  # k = 3
        ((128,), {}, (3, 128, 2, 1), "float64"),  # k = 5
        ((16,), {"gamma": 1, "b": 0}, (2, 16, 3, 2), "float64"),  # k = 5 (the defaults would give 3)
        ((16, 1, 0), {}, (2, 16, 2, 3), "float32"),
        ((4,), {}, (2, 4, 2, 3), "float32"),  # k = 1
        ((6,), {"kernel_size": 3}, (3, 6, 4, 2), "float64"),
        ((6, 2, 1, 3), {}, (3, 6, 4, 2), "float32"),
        ((32,), {}, (2, 32, 3, 4), "bfloat16"),
        ((1,), {}, (3, 1, 2, 3), "float64"),  # C = 1
        ((3,), {"kernel_size": 5}, (1, 3, 1, 1), "float64"),  # N = 1, H = W = 1, C < k
    ),
    "spatial_attention": (
        ((), {}, (2, 3, 9, 6), "float32"),  # default kernel 7
        ((3,), {}, (3, 4, 5, 7), "float64"),
        ((), {"kernel_size": 5}, (2, 1, 4, 6), "float64"),  # C = 1
        ((1,), {}, (2, 3, 2, 5), "float32"),
        ((), {}, (2, 4, 8, 6), "bfloat16"),
        ((), {"kernel_size": 3}, (1, 5, 1, 1), "float64"),  # N = 1, H = W = 1
        ((7,), {}, (1, 2, 3, 2), "float64"),  # kernel larger than the map
    ),
    "cbam": (
        ((32,), {}, (2, 32, 6, 5), "float32"),
        ((8,), {"reduction": 4, "kernel_size": 3}, (3, 8, 4, 6), "float64"),
        ((5, 16, 5), {}, (2, 5, 5, 3), "float32"),  # C < reduction
        ((14, 4), {}, (2, 14, 8, 7), "bfloat16"),  # hidden 3: floor, not round or ceil
        ((1,), {"kernel_size": 3}, (3, 1, 4, 5), "float64"),  # C = 1
        ((6, 2, 3), {}, (1, 6, 1, 1), "float64"),  # N = 1, H = W = 1
    ),
}
_KERNEL_SIZES = (
    ((64,), {}), ((128,), {}), ((256,), {}), ((512,), {}), ((2048,), {}), ((4,), {}), ((1,), {}), ((3,), {}),
    ((100,), {}), ((16, 1, 0), {}), ((64, 3, 2), {}), ((8, 2, -6), {}), ((33, 1.5, 1), {}),
    ((16,), {"gamma": 1, "b": 0}), ((64,), {"b": 2, "gamma": 3}), ((32,), {"gamma": 1}),
    ((32, 1, 4), {}),  # (5 + 4) / 1 = 9; only "b ignored" gives 5
    ((64,), {"gamma": -2}),  # |(6 + 1) / -2| = 3.5 -> 3: the absolute value of the whole quotient
)


def cases(exercise_id: str) -> list:
    """The cases probed for one exercise: CPU cases, a meta-device case, a CUDA case when present."""
    if exercise_id == "eca_kernel_size":
        return [Case(exercise_id, args, (), "", "cpu", i, kwargs) for i, (args, kwargs) in enumerate(_KERNEL_SIZES)]
    if exercise_id not in _TABLE:
        raise ValueError(f"unknown exercise id {exercise_id!r}")
    rows = _TABLE[exercise_id]
    found = [Case(exercise_id, args, shape, dtype, "cpu", i, kwargs)
             for i, (args, kwargs, shape, dtype) in enumerate(rows)]
    args, kwargs, shape, _ = rows[0]
    found.append(Case(exercise_id, args, shape, "float32", "meta", len(rows), kwargs))
    if torch.cuda.is_available():
        args, kwargs, shape, _ = rows[1]
        found.append(Case(exercise_id, args, shape, "float32", "cuda", len(rows) + 1, kwargs))
    return found


def call(case: Case) -> str:
    """The constructor (or function) call of the case as the student's code sees it."""
    name = BY_ID[case.exercise].name
    words = [repr(a) for a in case.args] + [f"{k}={v!r}" for k, v in (case.kwargs or {}).items()]
    if case.exercise == "squeeze":
        words = ["x"]
    return f"{name}({', '.join(words)})"


def describe(case: Case) -> str:
    """The case in words, for messages: the call, and the input's shape, dtype and device."""
    if case.exercise == "eca_kernel_size":
        return call(case)
    name = "z" if case.exercise == "excitation" else "x"
    return f"{call(case)} on {name} {tuple(case.shape)} {case.dtype} {case.device}"


def _generator(case: Case, stream: int) -> torch.Generator:
    return torch.Generator().manual_seed(1000 * case.seed + stream + 7919 * len(case.exercise))


def case_input(case: Case) -> torch.Tensor:
    """The float64 input: noise plus a per-sample, per-channel offset (distinct samples and channels).

    Values of both signs, so a missing ReLU, max against mean, or mixed samples all show.
    """
    g = _generator(case, 0)
    shape = tuple(case.shape)
    x = torch.randn(shape, generator=g, dtype=torch.float64)
    offset_shape = shape[:2] + (1,) * (len(shape) - 2)
    return x + 1.5 * torch.randn(offset_shape, generator=g, dtype=torch.float64)


def case_upstream(case: Case, shape) -> torch.Tensor:
    """The float64 gradient fed backward from the output (the loss is (output * upstream).sum())."""
    return torch.randn(tuple(shape), generator=_generator(case, 1), dtype=torch.float64)


def weight_shapes(case: Case) -> dict:
    """Canonical name -> canonical shape of the exercise's learnable parameters."""
    a = arguments(case)
    shapes = {}
    if case.exercise in ("excitation", "se_block", "channel_attention", "cbam"):
        c, h = a["channels"], hidden(a["channels"], a["reduction"])
        shapes = {"W1": (h, c), "W2": (c, h)}
    if case.exercise == "eca_block":
        k = a["kernel_size"] or ECA_KERNEL_SIZES[(a["channels"], a["gamma"], a["b"])]
        shapes = {"eca_kernel": (k,)}
    if case.exercise in ("spatial_attention", "cbam"):
        k = a["kernel_size"]
        shapes["spatial_kernel"] = (2, k, k)
    return shapes


def case_weights(case: Case) -> dict:
    """Canonical name -> float64 weights, scaled so the gates stay away from 0 and 1."""
    g = _generator(case, 2)
    weights = {}
    for name, shape in weight_shapes(case).items():
        fan_in = shape[1] if name in ("W1", "W2") else math.prod(shape)
        weights[name] = torch.randn(shape, generator=g, dtype=torch.float64) * (1.5 / math.sqrt(fan_in))
    return weights
