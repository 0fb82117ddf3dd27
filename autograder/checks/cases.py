"""Deterministic probe cases per exercise, and the tensors each case derives from its seed.

A case fixes the constructor arguments, the input shape, dtype and device, and a seed.
The input, the upstream gradient and the canonical weights are generated from the seed
with the parameter shapes of ``shared/exercise-api.md``, so the sandboxed probe and the
trusted judge derive identical tensors without the probe reading the reference.

Canonical weights (float64, independent of how a student stores them):
    W1 (hidden, C), W2 (C, hidden)      hidden = max(1, C // reduction)
    eca_kernel (k,)                     k = kernel_size or the ECA rule below
    spatial_kernel (2, k, k)            input channel 0 is the max map, 1 the mean map
"""
import math
from typing import NamedTuple

import torch


class Case(NamedTuple):
    exercise: str
    args: tuple  # positional arguments of the constructor (or of the function, for eca_kernel_size)
    shape: tuple  # input shape: (N, C, H, W), or (N, C) for Excitation
    dtype: str  # "float32", "float64", "bfloat16" ("" for eca_kernel_size)
    device: str  # "cpu", "meta", "cuda"
    seed: int


def hidden(channels: int, reduction: int = 16) -> int:
    """The bottleneck width of the exercise API: max(1, C // r)."""
    return max(1, channels // reduction)


# ECA kernel sizes of the eca_block cases, worked out by hand from k = |(log2 C + b) / gamma|_odd.
# A table, not the rule: this file runs in the sandbox, where a working rule would be an
# eca_kernel_size that student code could import.
ECA_KERNEL_SIZES = {  # (channels, gamma, b) -> k
    (64, 2, 1): 3,  # (6 + 1) / 2 = 3.5 -> 3
    (128, 2, 1): 5,  # (7 + 1) / 2 = 4 -> 5
    (16, 1, 0): 5,  # 4 / 1 = 4 -> 5
    (4, 2, 1): 1,  # (2 + 1) / 2 = 1.5 -> 1
    (32, 2, 1): 3,  # (5 + 1) / 2 = 3 -> 3
}


# (args, shape, dtype) per exercise: the values every hidden test and grader run probes.
_MLP_MODULE = (
    ((32,), (2, 32, 5, 3), "float32"),  # N > 1, H != W, default reduction
    ((8, 4), (3, 8, 4, 6), "float64"),  # non-default reduction
    ((5,), (4, 5, 2, 7), "float32"),  # C < reduction: hidden = 1
    ((12, 3), (2, 12, 3, 3), "bfloat16"),
)
_TABLE = {
    "squeeze": (
        ((), (2, 3, 4, 5), "float32"),
        ((), (1, 1, 1, 1), "float32"),
        ((), (3, 5, 7, 2), "float64"),
        ((), (2, 4, 3, 5), "bfloat16"),
    ),
    "excitation": (
        ((32,), (3, 32), "float32"),
        ((8, 4), (2, 8), "float64"),
        ((5,), (4, 5), "float32"),
        ((12, 3), (2, 12), "bfloat16"),
    ),
    "se_block": _MLP_MODULE,
    "channel_attention": _MLP_MODULE,
    "eca_block": (
        ((64,), (2, 64, 3, 5), "float32"),  # k = 3
        ((128,), (3, 128, 2, 1), "float64"),  # k = 5
        ((16, 1, 0), (2, 16, 3, 2), "float64"),  # gamma=1, b=0: k = 5
        ((4,), (2, 4, 2, 3), "float32"),  # k = 1
        ((6, 2, 1, 3), (3, 6, 4, 2), "float32"),  # explicit kernel_size
        ((32,), (2, 32, 3, 4), "bfloat16"),
    ),
    "spatial_attention": (
        ((), (2, 3, 9, 6), "float32"),  # default kernel 7
        ((3,), (3, 4, 5, 7), "float64"),
        ((5,), (2, 1, 4, 6), "float32"),  # C = 1
        ((1,), (2, 3, 2, 5), "float32"),
        ((), (2, 4, 8, 6), "bfloat16"),
    ),
    "cbam": (
        ((32,), (2, 32, 6, 5), "float32"),
        ((8, 4, 3), (3, 8, 4, 6), "float64"),
        ((5, 16, 5), (2, 5, 5, 3), "float32"),  # C < reduction
        ((12, 3), (2, 12, 8, 7), "bfloat16"),
    ),
}
_KERNEL_SIZES = (
    (64,), (128,), (256,), (512,), (2048,), (4,), (1,), (3,), (100,),
    (16, 1, 0), (64, 3, 2), (8, 2, -6), (33, 1.5, 1),
)


def cases(exercise_id: str) -> list:
    """The cases probed for one exercise: CPU cases, a meta-device case, a CUDA case when present."""
    if exercise_id == "eca_kernel_size":
        return [Case(exercise_id, args, (), "", "cpu", i) for i, args in enumerate(_KERNEL_SIZES)]
    if exercise_id not in _TABLE:
        raise ValueError(f"unknown exercise id {exercise_id!r}")
    rows = _TABLE[exercise_id]
    found = [Case(exercise_id, args, shape, dtype, "cpu", i) for i, (args, shape, dtype) in enumerate(rows)]
    args, shape, _ = rows[0]
    found.append(Case(exercise_id, args, shape, "float32", "meta", len(rows)))
    if torch.cuda.is_available():
        found.append(Case(exercise_id, rows[1][0], rows[1][1], "float32", "cuda", len(rows) + 1))
    return found


def describe(case: Case) -> str:
    """The case in words, for messages."""
    if case.exercise == "eca_kernel_size":
        return "eca_kernel_size(" + ", ".join(map(repr, case.args)) + ")"
    dims = "x".join(map(str, case.shape))
    return f"args {case.args}, input {dims} {case.dtype} on {case.device}"


def _generator(case: Case, stream: int) -> torch.Generator:
    return torch.Generator().manual_seed(1000 * case.seed + stream + 7919 * len(case.exercise))


def case_input(case: Case) -> torch.Tensor:
    """The float64 input: noise plus a per-sample, per-channel offset (distinct samples and channels)."""
    g = _generator(case, 0)
    x = torch.randn(case.shape, generator=g, dtype=torch.float64)
    offset_shape = case.shape[:2] + (1,) * (len(case.shape) - 2)
    return x + 1.5 * torch.randn(offset_shape, generator=g, dtype=torch.float64)


def case_upstream(case: Case, shape) -> torch.Tensor:
    """The float64 gradient fed backward from the output (the loss is (output * upstream).sum())."""
    return torch.randn(tuple(shape), generator=_generator(case, 1), dtype=torch.float64)


def weight_shapes(case: Case) -> dict:
    """Canonical name -> canonical shape of the exercise's learnable parameters."""
    a = case.args
    if case.exercise in ("excitation", "se_block", "channel_attention", "cbam"):
        c, r = a[0], (a[1] if len(a) > 1 else 16)
        shapes = {"W1": (hidden(c, r), c), "W2": (c, hidden(c, r))}
        if case.exercise == "cbam":
            k = a[2] if len(a) > 2 else 7
            shapes["spatial_kernel"] = (2, k, k)
        return shapes
    if case.exercise == "eca_block":
        c, gamma, b = a[0], (a[1] if len(a) > 1 else 2), (a[2] if len(a) > 2 else 1)
        k = a[3] if len(a) > 3 and a[3] is not None else ECA_KERNEL_SIZES[(c, gamma, b)]
        return {"eca_kernel": (k,)}
    if case.exercise == "spatial_attention":
        k = a[0] if a else 7
        return {"spatial_kernel": (2, k, k)}
    return {}


def case_weights(case: Case) -> dict:
    """Canonical name -> float64 weights, scaled so the gates stay away from 0 and 1."""
    g = _generator(case, 2)
    weights = {}
    for name, shape in weight_shapes(case).items():
        fan_in = shape[1] if name in ("W1", "W2") else math.prod(shape)
        weights[name] = torch.randn(shape, generator=g, dtype=torch.float64) * (1.5 / math.sqrt(fan_in))
    return weights
