"""Find which of a module's parameters holds which canonical weight, by role, whatever names and layout.

A parameter's role is read from what the forward pass does with it, not from its shape:
the parameters are ordered by their distance from the output in the autograd graph of one
forward pass (W1 is used before W2, the channel stage before the spatial kernel), and each
canonical weight, in the order the exercise uses them, takes the first parameter holding the
same number of values. ``nn.Linear(C, h)`` (h, C), a 1x1 ``nn.Conv2d`` (h, C, 1, 1), a
``nn.Conv1d`` (h, C, 1), a raw (C, h) parameter applied as ``z @ W`` and a flat (h * C,)
parameter all hold W1. One parameter may hold several weights used one after the other (W1
and W2 as a flat (2 * h * C,) parameter sliced in forward, or stacked as (2, h, C)): it then
takes consecutive canonical weights whose sizes add up to its own, each at its offset. One
weight may also be held by several parameters used one after the other (the spatial kernel as
two (1, 1, k, k) convolutions, one per map; W1 as two halves of its rows): each then holds one
consecutive piece of the weight's values. A parameter never holds the end of one weight and
the start of the next. The canonical values are written into it in row-major order; which
orientation the module reads them in (W1 or its transpose), and which piece of a split weight
plays which part (the max map's kernel or the mean map's), is settled by the trusted judge,
which tries each and verifies the whole function. Anything that cannot hold the weights
raises MatchError with a message saying what was expected.
"""
import math
from typing import NamedTuple

import torch
from torch import nn


class MatchError(AssertionError):
    """The module has parameters that cannot be matched to the exercise's weights."""


# At most this many parameters are matched, in at most TRIES orders of their sizes, and a weight is split in
# at most MAX_PIECES pieces (an ECA kernel of up to 8 taps, each its own scalar parameter): enough for every
# form the exercise API allows, small enough to stay fast.
MAX_PARAMS = 8
MAX_PIECES = 8
TRIES = 1000


class Piece(NamedTuple):
    """``size`` values of ``param`` (flattened, row-major) from ``start`` on."""
    param: torch.Tensor
    start: int
    size: int


class Slot(NamedTuple):
    """Where one canonical weight lives: its values, row-major, in one or more consecutive pieces."""
    pieces: tuple

    @property
    def sizes(self) -> tuple:
        return tuple(piece.size for piece in self.pieces)

    def write(self, values: torch.Tensor) -> None:
        """Copy the weight's values (row-major) into its place; call under torch.no_grad()."""
        flat, at = values.reshape(-1), 0
        for param, start, size in self.pieces:
            held = param.detach().reshape(-1).clone()  # a parameter may be a non-contiguous view
            held[start:start + size] = flat[at:at + size].to(held.device, held.dtype)
            param.copy_(held.view(param.shape))
            at += size

    def grad(self):
        """The gradient of the weight's values (flat), or None when none reached one of its parameters."""
        grads = [piece.param.grad for piece in self.pieces]
        if any(g is None for g in grads):
            return None
        return torch.cat([g.reshape(-1)[start:start + size] for g, (_, start, size) in zip(grads, self.pieces)])


def size_orders(sizes: list):
    """Orders of the parameters (index tuples) giving each distinct sequence of sizes once, the given order first.

    Parameters of the same size keep their given (use) order: swapping them would change no size, only
    which of them holds which values, and the use order is the best guess of that.
    """
    def extend(chosen, left):
        if not left:
            yield tuple(chosen)
            return
        tried = set()
        for i in left:
            if sizes[i] not in tried:
                tried.add(sizes[i])
                yield from extend(chosen + [i], [j for j in left if j != i])
    return extend([], list(range(len(sizes))))


def assign(param_sizes: list, weight_sizes: list):
    """Per weight, its pieces as (param index, start, size), the parameters' values laid end to end in
    order; None when a parameter would hold the end of one weight and the start of another."""
    if sum(param_sizes) != sum(weight_sizes) or 0 in param_sizes + weight_sizes:
        return None
    cuts = [0]
    for size in weight_sizes:
        cuts.append(cuts[-1] + size)
    spans, at = [], 0
    for size in param_sizes:
        spans.append((at, at + size))
        at += size
    found = []
    for c, d in zip(cuts, cuts[1:]):
        pieces = []
        for i, (a, b) in enumerate(spans):
            if b <= c or a >= d:
                continue
            if a <= c and d <= b:  # the parameter holds the whole weight (and maybe others)
                if a not in cuts or b not in cuts:
                    return None
                pieces.append((i, c - a, d - c))
            elif c <= a and b <= d:  # the parameter holds one piece of the weight
                pieces.append((i, 0, b - a))
            else:
                return None
        if len(pieces) > MAX_PIECES:
            return None
        found.append(pieces)
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
    try:
        with torch.enable_grad():
            y = run()
    except Exception:
        return list(module.parameters())  # the real run reports the error
    registered = list(module.parameters())  # after the run: a lazy module creates its parameters in it
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
    """Canonical name -> the Slot holding that weight (a parameter of the same number of values, a part of
    one holding consecutive weights, or consecutive parameters holding one piece each); raises MatchError.

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
    at = {id(q): i for i, q in enumerate(order)}
    every = sorted((p for _, p in named), key=lambda p: at.get(id(p), len(order)))
    params = [p for p in every if p.numel()]  # an empty parameter holds no values
    names, sizes = list(shapes), [math.prod(shape) for shape in shapes.values()]
    if 0 < len(params) <= MAX_PARAMS and shapes:
        for _, perm in zip(range(TRIES), size_orders([p.numel() for p in params])):  # the use order first
            found = assign([params[i].numel() for i in perm], sizes)
            if found is not None:
                return {name: Slot(tuple(Piece(params[perm[i]], start, size) for i, start, size in pieces))
                        for name, pieces in zip(names, found)}
    elif not params and not shapes:
        return {}
    found = ", ".join(f"{names_of[id(p)]} {tuple(p.shape)}" for p in every) or "no parameters"
    hints = _hints(named, shapes, hints_for_sizes or {})
    raise MatchError(f"expected {expected}; found {found}." + "".join(f" Hint: {h}." for h in hints))
