"""Find which of a module's parameters holds which canonical weight, by role, whatever names and layout.

A parameter's role is read from what the forward pass does with it, not from its shape:
the parameters are ordered by their distance from the output in the autograd graph of one
forward pass (W1 is used before W2, the channel stage before the spatial kernel), and each
canonical weight, in the order the exercise uses them, takes the first parameter holding the
same number of values. ``nn.Linear(C, h)`` (h, C), a 1x1 ``nn.Conv2d`` (h, C, 1, 1), a
``nn.Conv1d`` (h, C, 1), a raw (C, h) parameter applied as ``z @ W`` and a flat (h * C,)
parameter all hold W1. One parameter may hold several weights used one after the other (W1
and W2 as a flat (2 * h * C,) parameter sliced in forward, or stacked as (2, h, C)): it then
takes consecutive canonical weights whose sizes add up to its own, each at its offset.
The canonical values are written into it in row-major order; which
orientation the module reads them in (W1 or its transpose) is settled by the trusted judge,
which tries each and verifies the whole function. Anything that cannot hold the weights
raises MatchError with a message saying what was expected.
"""
import math
from itertools import combinations, permutations
from typing import NamedTuple

import torch
from torch import nn


class MatchError(AssertionError):
    """The module has parameters that cannot be matched to the exercise's weights."""


class Slot(NamedTuple):
    """Where one canonical weight lives: ``size`` values of ``param`` (flattened) from ``start`` on."""
    param: torch.Tensor
    start: int
    size: int

    def write(self, values: torch.Tensor) -> None:
        """Copy the weight's values (row-major) into its place; call under torch.no_grad()."""
        self.param.view(-1)[self.start:self.start + self.size].copy_(values.reshape(-1))

    def grad(self):
        """The gradient of the weight's values (flat), or None when none reached the parameter."""
        g = self.param.grad
        return None if g is None else g.reshape(-1)[self.start:self.start + self.size]


def groupings(count: int, parts: int) -> list:
    """Every split of ``count`` weights, in order, into ``parts`` consecutive non-empty groups (one each first)."""
    found = []
    for cuts in combinations(range(1, count), parts - 1):
        bounds = (0, *cuts, count)
        found.append([tuple(range(a, b)) for a, b in zip(bounds, bounds[1:])])
    return found


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


def _hints(named: list, shapes: dict, hints_for_sizes: dict) -> list:
    hints = []
    biases = [name for name, p in named if name.split(".")[-1].startswith("bias")]
    if biases:
        hints.append(f"found biases ({', '.join(biases)}): use bias=False")
    if "W1" in shapes:
        h, c = shapes["W1"]
        matrices = [(name, p) for name, p in named if c in tuple(p.shape) and p.numel() != h * c]
        if sum(p.numel() == h * c for _, p in named) == 4:
            hints.append("found four weight matrices: the MLP must be one module, called on both descriptors")
        for name, p in matrices:
            if "spatial_kernel" in shapes and p.numel() == math.prod(shapes["spatial_kernel"]):
                continue
            hints.append(f"{name} has shape {tuple(p.shape)}: the hidden width should be "
                         f"max(1, channels // reduction) = {h}")
    for name, p in named:
        if p.numel() in hints_for_sizes:
            hints.append(hints_for_sizes[p.numel()].format(name=name, shape=tuple(p.shape)))
    return hints


def use_order(module: nn.Module, run) -> list:
    """The module's parameters, those used first in the forward pass (farthest from the output) first.

    Distances are counted backward through the autograd graph of one forward pass, so the
    order holds for raw parameters, einsum, out-of-order registration and stacked calls alike.
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


def match(module: nn.Module, exercise: str, shapes: dict, order: list, hints_for_sizes: dict = None) -> dict:
    """Canonical name -> the Slot holding that weight (a parameter of the same number of values, or a part of
    one holding consecutive weights); raises MatchError.

    ``shapes``: canonical name -> shape, in the order the exercise uses the weights; ``order``:
    the module's parameters in the order its forward pass uses them (``use_order``);
    ``hints_for_sizes``: a parameter size -> a hint naming the mistake that gives that size.
    """
    named = list(module.named_parameters())
    expected = _expected(exercise, shapes)
    batchnorms = [name for name, m in module.named_modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if batchnorms:
        raise MatchError(f"found BatchNorm ({', '.join(batchnorms)}): the course's module has none; "
                         f"expected {expected}.")
    names_of = {id(p): name for name, p in named}
    params = sorted((p for _, p in named), key=lambda p: next(i for i, q in enumerate(order) if q is p))
    names, sizes = list(shapes), [math.prod(shape) for shape in shapes.values()]
    if 0 < len(params) <= len(shapes):
        for perm in permutations(params):  # the use order first: the weights are used in the same order
            for groups in groupings(len(shapes), len(params)):
                if all(p.numel() == sum(sizes[i] for i in group) for p, group in zip(perm, groups)):
                    return {names[i]: Slot(p, sum(sizes[j] for j in group if j < i), sizes[i])
                            for p, group in zip(perm, groups) for i in group}
    elif not params and not shapes:
        return {}
    found = ", ".join(f"{names_of[id(p)]} {tuple(p.shape)}" for p in params) or "no parameters"
    hints = _hints(named, shapes, hints_for_sizes or {})
    raise MatchError(f"expected {expected}; found {found}." + "".join(f" Hint: {h}." for h in hints))
