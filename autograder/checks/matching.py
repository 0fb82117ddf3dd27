"""Match a student's parameters to the canonical weights, whatever their names and layout.

A student parameter matches a canonical weight when both hold the same numbers once
dimensions of size 1 are dropped: ``nn.Linear(C, h)`` (h, C), a 1x1 ``nn.Conv2d`` (h, C, 1, 1)
and a raw ``nn.Parameter`` (h, C) all hold W1. Ties (for example hidden = 1, where W1 and
W2 both reduce to (C,)) are settled by the order in which the forward pass uses the parameters
(W1 before W2), then by registration order. Anything else raises MatchError with a
message saying what was expected.
"""
from itertools import permutations

import torch
from torch import nn


class MatchError(AssertionError):
    """The student's module has parameters that cannot be matched to the exercise's weights."""


def _core(shape) -> tuple:
    return tuple(d for d in shape if d != 1)


def _expected(exercise: str, shapes: dict) -> str:
    mlp = ""
    if "W1" in shapes:
        (h, c) = shapes["W1"]
        shared = exercise in ("channel_attention", "cbam")
        mlp = (f"one {'shared ' if shared else ''}MLP of two bias-free weight matrices: W1 of shape (hidden, C) = "
               f"({h}, {c}) and W2 of shape (C, hidden) = ({c}, {h}), hidden = max(1, channels // reduction) "
               "(nn.Linear(..., bias=False) or a 1x1 nn.Conv2d(..., bias=False))"
               + (", called on both the average- and the max-pooled descriptor" if shared else ""))
    if "eca_kernel" in shapes:
        (k,) = shapes["eca_kernel"]
        return (f"one bias-free 1-D convolution kernel of k = {k} weights "
                f"(nn.Conv1d(1, 1, kernel_size={k}, padding={(k - 1) // 2}, bias=False))")
    if "spatial_kernel" in shapes:
        k = shapes["spatial_kernel"][1]
        conv = (f"one bias-free convolution from 2 maps (max, mean) to 1 with a {k}x{k} kernel "
                f"(nn.Conv2d(2, 1, kernel_size={k}, padding={k // 2}, bias=False))")
        return f"{mlp}, and {conv}" if mlp else conv
    return mlp


def _hints(named: list, shapes: dict) -> list:
    hints = []
    biases = [name for name, p in named if name.split(".")[-1].startswith("bias")]
    if biases:
        hints.append(f"found biases ({', '.join(biases)}): use bias=False")
    if "W1" in shapes:
        h, c = shapes["W1"]
        matrices = [(name, tuple(p.shape)) for name, p in named if len(_core(p.shape)) == 2]
        if len(matrices) == 4:
            hints.append("found four weight matrices: the MLP must be one module, called on both descriptors")
        for name, shape in matrices:
            core = _core(shape)
            if c in core and core not in ((h, c), (c, h)):
                hints.append(f"{name} has shape {shape}: the hidden width should be "
                             f"max(1, channels // reduction) = {h}")
    return hints


def use_order(module: nn.Module, run) -> list:
    """The module's parameters, those used first in the forward pass (farthest from the output) first.

    Distances are counted backward through the autograd graph of one forward pass, so the
    order holds for raw parameters and out-of-order registration alike.
    """
    registered = list(module.parameters())
    try:
        with torch.enable_grad():
            y = run()
    except Exception:
        return registered  # the real run reports the error
    if not isinstance(y, torch.Tensor) or y.grad_fn is None:
        return registered
    distance, frontier, seen = {}, [y.grad_fn], {y.grad_fn}
    depth = 0
    while frontier:
        following = []
        for node in frontier:
            variable = getattr(node, "variable", None)
            if variable is not None:
                distance.setdefault(id(variable), depth)
            for child, _ in node.next_functions:
                if child is not None and child not in seen:
                    seen.add(child)
                    following.append(child)
        frontier, depth = following, depth + 1
    return sorted(registered, key=lambda p: -distance.get(id(p), -1))


def match(module: nn.Module, exercise: str, shapes: dict, order: list) -> dict:
    """Canonical name -> the student's parameter holding that weight; raises MatchError otherwise."""
    named = list(module.named_parameters())
    expected = _expected(exercise, shapes)
    batchnorms = [name for name, m in module.named_modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if batchnorms:
        raise MatchError(f"found BatchNorm ({', '.join(batchnorms)}): the course's module has none; "
                         f"expected {expected}.")
    if len(named) != len(shapes):
        found = ", ".join(f"{name} {tuple(p.shape)}" for name, p in named) or "no parameters"
        hints = _hints(named, shapes)
        raise MatchError(f"expected {expected}; found {found}." + "".join(f" Hint: {h}." for h in hints))
    names_of = {id(p): name for name, p in named}
    params = sorted((p for _, p in named), key=lambda p: next(i for i, q in enumerate(order) if q is p))
    for perm in permutations(params):
        if all(_core(p.shape) == _core(shape) for p, shape in zip(perm, shapes.values())):
            return dict(zip(shapes, perm))
    found = ", ".join(f"{names_of[id(p)]} {tuple(p.shape)}" for p in params)
    hints = _hints(named, shapes)
    raise MatchError(f"expected {expected}; found {found}." + "".join(f" Hint: {h}." for h in hints))
