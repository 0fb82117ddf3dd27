"""Trusted side: compare a probe's results with the reference's, explain the difference, name the likely mistake.

The reference runs in float64 on the same values the student's code saw (input, weights and
upstream gradient rounded to the case's dtype first). Its parameters are found by role, with the
probe's own matching (``matching.match``), never by attribute path; it holds each weight in the
canonical orientation (tests/reference checks it against hand-worked values). The probe writes the canonical
values into each student parameter in row-major order; a module may read them in another
orientation (a (C, hidden) matrix applied as ``z @ W``, a kernel stored channel-last) and still
compute the exercise's function. So the judge tries each layout of the values (identity first,
then transposes, axis permutations and swaps of W1 and W2, and for a weight the probe reports held
in several pieces, each order of the pieces) and accepts the student when one layout makes the
reference agree on the output and every gradient.

Each verdict carries details (plain JSON-able): input, expected, got, largest_difference, where,
mistake (a known mistake's name) and section (book page stem and anchor).
"""
import math
from functools import lru_cache
from itertools import permutations, product
from typing import NamedTuple

import torch

from autograder import reference as ref
from autograder.inside.cases import (
    Case,
    arguments,
    case_input,
    case_upstream,
    case_weights,
    describe,
    key,
    weight_shapes,
)
from autograder.inside.exercises import BY_ID
from autograder.inside.matching import match, use_order
from autograder.inside.probe import DTYPES
from autograder.reference.mistakes import DETACHED, for_exercise


class Verdict(NamedTuple):
    passed: bool
    message: str
    details: dict = {}


TOLERANCE = {"float64": (1e-7, 1e-9), "float32": (1e-4, 1e-5), "bfloat16": (5e-2, 5e-2)}  # (rtol, atol / scale)
EXCERPT = 300
# The book section that explains each exercise's computation: chapter stem # heading anchor.
SECTIONS = {
    "squeeze": "01_squeeze#from-a-feature-map-to-a-descriptor",
    "excitation": "02_excitation#the-bottleneck-mlp",
    "se_block": "02_excitation#rescaling-by-broadcasting",
    "eca_kernel_size": "03_eca#how-wide-should-the-kernel-be",
    "eca_block": "03_eca#the-1-d-convolution-across-channels",
    "channel_attention": "04_channel_attention#two-descriptors-one-mlp",
    "spatial_attention": "05_spatial_attention#two-maps-across-the-channels",
    "cbam": "05_spatial_attention#the-whole-module-and-the-order-of-its-stages",
}


# The axes of a convolution kernel's taps. A kernel read back to front on them (a true convolution
# rather than PyTorch's cross-correlation) is another parameterisation of the same family of functions.
TAPS = {"eca_kernel": (0,), "spatial_kernel": (1, 2)}


# Pieces of one weight are tried in every order (and, for blocks of a matrix's rows, each read transposed)
# only up to MAX_PIECES pieces, and up to ORDERS such reads over all weights together (two convolutions for
# the spatial kernel and W1 in halves: 2 x 4); beyond that a weight's pieces are read in their stored order,
# so the search stays small whatever the sandbox reports.
MAX_PIECES = 3
ORDERS = 12


def pieces(case: Case, results: dict) -> tuple:
    """((weight name, piece sizes), ...) for each weight the probe reports held by several parameters.

    Read from untrusted results: an entry that is not a short list of positive sizes adding up to the
    weight's size is ignored (the weight is then read as one piece, which costs a forger only marks).
    """
    found, orders = [], 1
    for name, shape in weight_shapes(case).items():
        text = results.get(f"pieces/{name}")
        if not isinstance(text, str) or len(text) > 100:
            continue
        words = text.split(",")
        if not 1 < len(words) <= MAX_PIECES or not all(w.isdigit() and len(w) < 10 for w in words):
            continue
        sizes = tuple(int(w) for w in words)
        if 0 not in sizes and sum(sizes) == math.prod(shape):
            count = len(_piece_reads(tuple(shape), sizes))
            if orders * count <= ORDERS:
                found.append((name, sizes))
                orders *= count
    return tuple(found)


def _piece_reads(shape: tuple, sizes: tuple) -> list:
    """Index maps reading a weight of ``shape`` held in pieces of ``sizes``: its pieces in each order (stored
    order first), and for a matrix cut into blocks of whole rows, each block also read transposed (two
    halves of W1's rows each stored (C, hidden / 2) and applied as z @ W)."""
    starts = [sum(sizes[:i]) for i in range(len(sizes))]
    blocks = len(shape) == 2 and all(size % shape[1] == 0 for size in sizes)
    found = {}
    for transposed in (False, True) if blocks else (False,):
        for order in permutations(range(len(sizes))):
            parts = []
            for i in order:
                part = torch.arange(starts[i], starts[i] + sizes[i])
                if transposed:  # the block's rows x columns stored as columns x rows
                    part = part.reshape(shape[1], sizes[i] // shape[1]).T.reshape(-1)
                parts.append(part)
            index = torch.cat(parts)
            found.setdefault(tuple(index.tolist()), index)
    return list(found.values())


def _orientations(shape: tuple, taps: tuple = ()) -> list:
    """Index maps reading flat values as a weight of ``shape`` stored in each axis order, and with the
    ``taps`` axes reversed when given (identity first)."""
    n, found = math.prod(shape), {}
    for flip in ((), taps) if taps else ((),):
        for perm in permutations(range(len(shape))):
            stored = tuple(shape[p] for p in perm)  # the module holds W.permute(perm)
            inverse = sorted(range(len(perm)), key=perm.__getitem__)
            index = torch.arange(n).reshape(stored).permute(inverse).flip(flip).reshape(-1)
            found.setdefault(tuple(index.tolist()), index)
    return list(found.values())


def layouts(shapes: dict, split: tuple = ()) -> list:
    """Index maps m over the canonical values V (concatenated flat): the module computes with V[m] (see _layouts).

    ``split``: the weights held in several pieces, as ``pieces`` returns them.
    """
    return _layouts(tuple((name, tuple(shape)) for name, shape in shapes.items()), tuple(split))


@lru_cache(maxsize=64)
def _layouts(shapes: tuple, split: tuple = ()) -> list:
    """Index maps m over the canonical values V (concatenated flat): the module computes with V[m].

    Identity first; then each weight read transposed (or with its axes permuted), a kernel read back
    to front, weights of the same size and rank swapped (W1 and W2, where the forward pass's
    order could not tell them apart), and the pieces of a weight held in several parameters taken
    in each order (which of two convolutions sees the max map is the module's choice, not its
    parameters' order). A weight held in one parameter keeps its order: a single (2, k, k)
    kernel reading the mean map as input channel 0 is a mistake.
    """
    shapes, split = dict(shapes), dict(split)
    names = list(shapes)
    sizes = {n: math.prod(shapes[n]) for n in names}
    offsets = dict(zip(names, [sum(sizes[m] for m in names[:i]) for i in range(len(names))]))
    alike = {role: [source for source in names if sizes[source] == sizes[role]
                    and len(shapes[source]) == len(shapes[role])] for role in names}  # W1 and W2 may swap
    orders = {n: _piece_reads(shapes[n], split[n]) if n in split else [torch.arange(sizes[n])] for n in names}
    options = []
    for role in names:
        found = {}
        for source in alike[role]:
            for order in orders[source]:
                for index in _orientations(shapes[role], TAPS.get(role, ())):
                    found.setdefault((source, tuple(order[index].tolist())), order[index] + offsets[source])
        options.append([(source, index) for (source, _), index in found.items()])
    found = []
    for combo in product(*options):
        sources = [source for source, _ in combo]
        if len(set(sources)) == len(sources):
            found.append(torch.cat([index for _, index in combo]) if combo else torch.zeros(0, dtype=torch.long))
    return found


def _split(flat: torch.Tensor, shapes: dict) -> dict:
    out, start = {}, 0
    for name, shape in shapes.items():
        out[name] = flat[start:start + math.prod(shape)].reshape(shape)
        start += math.prod(shape)
    return out


_CACHE: dict = {}


def _cached(name: str, case: Case, layout, build, split: tuple = ()):
    if len(_CACHE) > 4096:
        _CACHE.clear()
    entry = (name, key(case), layout, split)
    if entry not in _CACHE:
        _CACHE[entry] = build()
    return _CACHE[entry]


def _setup(case: Case):
    """(x, canonical values V, the reference module or None, its parameters by role), built once per case."""
    def build():
        dtype, shapes = DTYPES[case.dtype], weight_shapes(case)
        x = case_input(case).to(dtype).double()
        values = [w.to(dtype).double().reshape(-1) for w in case_weights(case).values()]
        values = torch.cat(values) if values else torch.zeros(0, dtype=torch.float64)
        if case.exercise == "squeeze":
            return x, values, None, {}
        module = getattr(ref, BY_ID[case.exercise].name)(*case.args, **(case.kwargs or {})).double()
        return x, values, module, match(module, case.exercise, shapes, use_order(module, lambda: module(x)))
    return _cached("setup", case, None, build)


def _run(case: Case, layout: int, split: tuple = ()):
    """(x, effective weights, the reference to call): its parameters loaded with the values read in ``layout``."""
    x, values, module, params = _setup(case)
    shapes = weight_shapes(case)
    weights = _split(values[layouts(shapes, split)[layout]], shapes)
    if module is None:
        return x, weights, ref.squeeze
    with torch.no_grad():
        for name, slot in params.items():
            slot.write(weights[name])
    return x, weights, module


def reference_output(case: Case, layout: int = 0, split: tuple = ()) -> torch.Tensor:
    """The reference's float64 output on the case with the values read in ``layout``."""
    every = reference_outputs(case, split)
    if every is not None:
        return every[layout]

    def build():
        x, _, fn = _run(case, layout, split)
        with torch.no_grad():
            return fn(x)
    return _cached("output", case, layout, build, split)


def reference_outputs(case: Case, split: tuple = ()):
    """The reference's outputs under every layout, (layouts, *output shape), from one vectorised call
    (``torch.func.vmap`` over the weights); None for a function, or where the reference cannot be vectorised."""
    def build():
        x, values, module, params = _setup(case)
        if module is None:
            return None
        from torch.func import functional_call, vmap

        shapes = weight_shapes(case)
        every = values[torch.stack(layouts(shapes, split))]  # (layouts, all values)
        names_of = {id(p): name for name, p in module.named_parameters()}
        batched, start = {}, 0
        for name, size in ((name, math.prod(shape)) for name, shape in shapes.items()):
            (param, _, _), = params[name].pieces  # the reference holds each weight in a parameter of its own
            batched[names_of[id(param)]] = every[:, start:start + size].reshape(-1, *param.shape)
            start += size
        try:
            with torch.no_grad():
                return vmap(lambda weights: functional_call(module, weights, (x,)))(batched)
        except Exception:  # an operation vmap does not support: each layout runs alone
            return None
    return _cached("outputs", case, None, build, split)


def reference_results(case: Case, layout: int = 0, split: tuple = ()):
    """(x, effective weights, results) of the reference in float64 on the case's rounded values, read in ``layout``.

    results: output, grad/input and grad/<name> for each canonical weight, the gradient with respect to the
    values the probe wrote (so it compares with the student's whatever layout the module reads them in).
    """
    def build():
        x, weights, fn = _run(case, layout, split)
        x = x.clone().requires_grad_(True)
        _, values, _, params = _setup(case)
        shapes = weight_shapes(case)
        y = fn(x)
        loss = (y * case_upstream(case, y.shape).to(DTYPES[case.dtype]).double()).sum()
        held = list({id(slot.pieces[0].param): slot.pieces[0].param for slot in params.values()}.values())
        grads = torch.autograd.grad(loss, [x] + held)
        of = {id(p): g.reshape(-1) for p, g in zip(held, grads[1:])}
        results = {"output": y.detach(), "grad/input": grads[0]}
        if params:
            index = layouts(shapes, split)[layout]
            by_value = torch.zeros_like(values)
            by_value[index] = torch.cat([of[id(param)][start:start + size]
                                         for name in shapes
                                         for param, start, size in params[name].pieces])  # d loss / d value index[i]
            results.update({f"grad/{name}": g for name, g in _split(by_value, shapes).items()})
        return x.detach(), weights, results
    return _cached("results", case, layout, build, split)


def _difference(actual: torch.Tensor, expected: torch.Tensor):
    """(largest absolute difference, where) with ``where`` the index of the largest, e.g. [1, 3, 0, 2]."""
    diff = (actual.double() - expected).abs()
    flat = int(diff.reshape(-1).argmax()) if diff.numel() else 0
    index = []
    for size in reversed(expected.shape):
        flat, i = divmod(flat, size)
        index.append(i)
    return float(diff.max()) if diff.numel() else 0.0, list(reversed(index))


def _close(actual: torch.Tensor, expected: torch.Tensor, dtype: str) -> bool:
    if tuple(actual.shape) != tuple(expected.shape):
        return False
    rtol, atol = TOLERANCE[dtype]
    scale = max(1.0, float(expected.abs().max())) if expected.numel() else 1.0
    return bool(((actual.double() - expected).abs() <= atol * scale + rtol * expected.abs()).all())


def _excerpt(tensor: torch.Tensor, index: list, label: str) -> str:
    """The row of ``tensor`` through ``index`` along its last axis, e.g. "output[1, 3, 0, :] = [...]"."""
    if tensor.dim() == 0:
        return f"{label} = {float(tensor):.6g}"
    row = tensor[tuple(index[:-1])].double().reshape(-1) if tensor.dim() > 1 else tensor.double()
    where = ", ".join([str(i) for i in index[:-1]] + [":"])
    start = max(0, index[-1] - 3)
    values = ", ".join(f"{float(v):.4g}" for v in row[start:start + 8])
    text = f"{label}[{where}] = [{'..., ' if start else ''}{values}{', ...' if start + 8 < row.numel() else ''}]"
    return text[:EXCERPT]


def _compare(label: str, actual: torch.Tensor, expected: torch.Tensor) -> dict:
    largest, index = _difference(actual, expected)
    where = f"{label}[{', '.join(map(str, index))}]" if index else label
    return {"expected": _excerpt(expected, index, label), "got": _excerpt(actual, index, label),
            "largest_difference": largest, "where": where}


def _named_mistake(case: Case, actual: torch.Tensor, closest: int, split: tuple = ()):
    """The first known mistake whose output the student's matches, the weights read as the closest layout reads them."""
    if case.dtype == "bfloat16":
        return None
    for mistake in for_exercise(case.exercise):
        for layout in dict.fromkeys((closest, 0)):
            x, weights, _ = _run(case, layout, split)
            try:
                with torch.no_grad():
                    guess = mistake.forward(x, weights)
            except Exception:
                continue
            if _close(actual, guess, case.dtype):
                return mistake
    return None


def _kernel_size(case: Case, results: dict) -> tuple:
    expected = ref.eca_kernel_size(*case.args, **(case.kwargs or {}))
    details = {"expected": str(expected)}
    if results["type"] != "int":
        details["got"] = f"a value of type {results['type']}"
        return f"returned a value of type {results['type']}; return an int (it becomes a kernel size)", details
    got = int(results["output"])
    details["got"] = str(got)
    if got == expected:
        return "", details
    details["largest_difference"] = float(abs(got - expected))
    positional = tuple(arguments(case).values())
    named = [m for m in for_exercise(case.exercise) if _try(m.forward, positional) == got]
    if not named:
        return f"returned {got}, expected {expected}.", details
    details["mistake"] = named[0].message
    alternative = f" (or: {named[1].message})" if len(named) > 1 else ""
    return (f"returned {got}, expected {expected}. This looks like a known mistake: {named[0].message}{alternative}.",
            details)


def _try(fn, args):
    try:
        return fn(*args)
    except Exception:
        return None


def _shape_hint(case: Case, got: str) -> str:
    n, c = tuple(case.shape)[:2]
    if case.exercise == "squeeze" and got == str((n, c)):
        return ": keep the pooled dimensions (keepdim=True, or reshape to (N, C, 1, 1))"
    if case.exercise != "squeeze" and got in (str((n, c, 1, 1)), str((n, c)), str((n, 1) + tuple(case.shape)[2:])):
        return ": this looks like the gate itself; return x multiplied by it"
    return ""


def _output(case: Case, results: dict, split: tuple = ()) -> tuple:
    """(problem, details, layout) for the forward output: layout is the index of the layout that agrees."""
    actual = results["output"]
    expected_shape = tuple(reference_output(case, 0, split).shape)
    if not isinstance(actual, torch.Tensor) or tuple(actual.shape) != expected_shape or actual.is_complex():
        return (f"the output tensor sent back is not a real tensor of shape {expected_shape}",
                {"expected": f"shape {expected_shape}"}, None)
    count = len(layouts(weight_shapes(case), split))
    every = reference_outputs(case, split)
    if every is not None:  # all layouts compared at once
        rtol, atol = TOLERANCE[case.dtype]
        flat = every.reshape(count, -1)
        scale = flat.abs().amax(1, keepdim=True).clamp(min=1.0) if flat.shape[1] else torch.ones(count, 1)
        difference = (actual.double().reshape(1, -1) - flat).abs()
        agree = (difference <= atol * scale + rtol * flat.abs()).all(1).nonzero()
        if len(agree):
            return "", {}, int(agree[0])
        closest = int(difference.amax(1).argmin()) if flat.shape[1] else 0
    else:
        for layout in range(count):
            if _close(actual, reference_output(case, layout, split), case.dtype):
                return "", {}, layout
        closest = min(range(count), key=lambda i: _difference(actual, reference_output(case, i, split))[0])
    # the layout closest to the student's output explains the difference best
    details = _compare("output", actual, reference_output(case, closest, split))
    problem = f"the output differs from the expected one (largest difference {details['largest_difference']:.3g})."
    mistake = _named_mistake(case, actual, closest, split)
    if mistake is not None:
        details["mistake"] = mistake.message
        if mistake.section:
            details["section"] = mistake.section
        problem += f" This looks like a known mistake: {mistake.message}."
    return problem, details, None


def _problem(case: Case, results: dict) -> tuple:
    """(problem in words or "", details)."""
    if case.exercise == "eca_kernel_size":
        return _kernel_size(case, results)
    shape = str(tuple(reference_output(case).shape))
    if results["device"] != case.device:
        return (f"the output is on {results['device']}, expected {case.device}: create tensors inside forward "
                "on the input's device (device=x.device, or torch.*_like(x))",
                {"expected": f"device {case.device}", "got": f"device {results['device']}"})
    if results["dtype"] != case.dtype:
        return (f"the output has dtype {results['dtype']} for {case.dtype} input: keep the input's dtype "
                "(no .float(), and dtype=x.dtype for tensors made inside forward)",
                {"expected": f"dtype {case.dtype}", "got": f"dtype {results['dtype']}"})
    if results["shape"] != shape:
        return (f"the output has shape {results['shape']}, expected {shape}" + _shape_hint(case, results["shape"]),
                {"expected": f"shape {shape}", "got": f"shape {results['shape']}"})
    if case.device == "meta":
        return "", {}
    split = pieces(case, results)
    problem, details, layout = _output(case, results, split)
    if problem:
        return problem, details
    missing = [name for name in results.get("no_grad", "").split(",") if name]
    if missing:
        what = "the input" if "input" in missing else ", ".join(missing)
        return f"no gradient reached {what}: " + DETACHED, {"mistake": DETACHED}
    if case.dtype == "bfloat16":
        return "", {}
    expected = reference_results(case, layout, split)[2]
    for name in sorted(k for k in expected if k.startswith("grad/")):
        if name not in results or not _close(results[name], expected[name], case.dtype):
            details = _compare(name, results[name], expected[name]) if name in results and \
                tuple(results[name].shape) == tuple(expected[name].shape) else {}
            return (f"the output is right but the gradient with respect to {name[5:]} differs: is part of the "
                    "computation detached, done in place, or using .data?", details)
    return "", {}


def judge(exercise_id: str, case: Case, results: dict) -> Verdict:
    """Pass, or fail with a message a student can act on; details say on what input, what and where."""
    if case.exercise != exercise_id:
        raise ValueError(f"case is for {case.exercise!r}, not {exercise_id!r}")
    problem, found = _problem(case, results)
    details = {"input": describe(case), "section": SECTIONS[exercise_id], **found}
    if not problem:
        return Verdict(True, "", details)
    return Verdict(False, f"{BY_ID[exercise_id].name} ({describe(case)}): {problem}", details)


def error_verdict(exercise_id: str, case: Case, error: str) -> Verdict:
    """The failed verdict of a case whose probe raised in the sandbox (``error``: the ProbeError's text).

    The probe ends its messages with " Hint: <the likely mistake>." where it recognised one.
    """
    message = str(error)
    details = {"input": describe(case), "section": SECTIONS[exercise_id]}
    if " Hint: " in message:
        details["mistake"] = message.split(" Hint: ", 1)[1].strip().rstrip(".")[:EXCERPT]
    return Verdict(False, f"{BY_ID[exercise_id].name} ({describe(case)}): {message}", details)
