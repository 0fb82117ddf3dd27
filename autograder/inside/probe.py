"""Run a student's function or class on one case and return plain data (no reference needed).

The results are a flat dict of tensors, strings and floats, so they survive
``torch.save`` / ``torch.load(weights_only=True)`` across the sandbox boundary:

    output           the forward output, on the CPU, in the dtype the student returned
    grad/input       d(sum(output * upstream)) / d input, when the input is floating
    grad/<name>      the same for each canonical weight (W1, W2, eca_kernel, spatial_kernel), its
                     values in the row-major order they were written into the student's parameter
    dtype, device    of the output, as strings; shape of the output as a string
    no_grad          names of inputs/weights that received no gradient, comma-separated
    pieces/<name>    for a weight held by several parameters: the sizes of its pieces, comma-separated,
                     in the order its values were written into them
    type             for eca_kernel_size: the type name of the returned value

When the student's code raises, the ProbeError names the likely mistake where the error
message gives it away (a bare ``.squeeze()`` on N = 1 or C = 1, a wrong padding, ...).
"""
import re

import torch
from torch import nn

from .cases import (
    ECA_KERNEL_SIZES,
    SIGNATURES,
    Case,
    arguments,
    call,
    case_input,
    case_upstream,
    case_weights,
    weight_shapes,
)
from .matching import MatchError, match, use_order


class ProbeError(AssertionError):
    """The student's code raised, or returned something that is not what the exercise asks."""


DTYPES = {"float32": torch.float32, "float64": torch.float64, "bfloat16": torch.bfloat16}
BLOCKS = ("se_block", "eca_block", "channel_attention", "spatial_attention", "cbam")
CONVOLVED = ("eca_block", "spatial_attention", "cbam")

# (exercises, pattern in the error message, what the student most likely did)
ERROR_HINTS = (
    (("excitation", "se_block", "channel_attention", "cbam"), r"type float|float.*size|size.*float",
     "the hidden width must be an int: max(1, channels // reduction), with // and not /"),
    (("eca_block",), r"to have 1 channels?, but got",
     "the 1-D convolution needs each descriptor as a (N, 1, C) sequence: one input channel and the C channels "
     "along the length, not (N, C, 1)"),
    (("spatial_attention", "cbam"), r"return_types",
     "x.max(dim=1, keepdim=True) returns (values, indices): use its .values, or x.amax(dim=1, keepdim=True)"),
    (("spatial_attention", "cbam"), r"to have 2 channels?, but got",
     "the convolution takes exactly two maps, (N, 2, H, W): the max and the mean over the channel axis "
     "(dim=1, keepdim=True), concatenated along dim 1"),
    (("spatial_attention", "cbam"), r"Sizes of tensors must match except in dimension",
     "the max map and the mean map must both be (N, 1, H, W): reduce over the channel axis (dim=1) only, "
     "with keepdim=True"),
    (CONVOLVED, r"size of tensor a|must match the size|is invalid for input of size|Padding size|Kernel size",
     "the gate does not have x's size: check the convolution's zero padding ((k - 1) // 2 for ECA, "
     "kernel_size // 2 for the spatial stage), and do not hard-code it"),
)


def _signature(exercise: str) -> str:
    words = [name if name == "channels" else f"{name}={default}" for name, default in SIGNATURES[exercise]]
    return ", ".join(words)


def _hint(case: Case, error: Exception) -> str:
    text = f"{type(error).__name__}: {error}"
    if isinstance(error, TypeError) and "argument" in text and case.kwargs and case.exercise in SIGNATURES:
        return (f" Hint: the exercise API fixes the parameter names: "
                f"({_signature(case.exercise)}); this check calls {call(case)}.")
    specific, padding = ERROR_HINTS[:-1], ERROR_HINTS[-1]
    for exercises, pattern, hint in specific:
        if case.exercise in exercises and re.search(pattern, text):
            return f" Hint: {hint}."
    shape = tuple(case.shape)
    if case.exercise in BLOCKS + ("excitation",) and len(shape) >= 2 and 1 in shape[:2]:
        axis = "N = 1" if shape[0] == 1 else "C = 1"
        return (f" Hint: this case has {axis}: a bare .squeeze() (or .view(-1)) drops that axis too; "
                "flatten the descriptor with .flatten(1) or .reshape(n, c).")
    exercises, pattern, hint = padding
    if case.exercise in exercises and re.search(pattern, text):
        return f" Hint: {hint}."
    return ""


def _call(what: str, case: Case, fn, *args, note: str = "", **kwargs):
    """fn(*args, **kwargs); an error becomes a ProbeError with the likely mistake, else with ``note``."""
    try:
        return fn(*args, **kwargs)
    except (MatchError, ProbeError):
        raise
    except NotImplementedError as error:
        if not str(error):  # the exercise's stub; torch's own NotImplementedErrors (meta tensors) carry a message
            raise ProbeError(f"{what} raised NotImplementedError: replace the `raise NotImplementedError()` "
                             "with your code") from None
        raise ProbeError(f"{what} raised NotImplementedError: {error}{_hint(case, error) or note}") from None
    except Exception as error:
        raise ProbeError(f"{what} raised {type(error).__name__}: {error}{_hint(case, error) or note}") from None


def _kernel_size(obj, case: Case) -> dict:
    value = _call(call(case), case, obj, *case.args, **(case.kwargs or {}))
    number = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else float("nan")
    return {"output": torch.tensor(number, dtype=torch.float64), "type": type(value).__name__}


def _size_hints(case: Case) -> dict:
    """Parameter sizes that give a mistake away: an ECA kernel built without gamma and b, or without kernel_size."""
    if case.exercise != "eca_block":
        return {}
    a = arguments(case)
    (k,) = weight_shapes(case)["eca_kernel"]
    hints = {}
    default = ECA_KERNEL_SIZES.get((a["channels"], 2, 1))
    if a["kernel_size"] is None and default is not None and default != k:
        hints[default] = ("{name} holds k = " + str(default) + ", the kernel size for the default gamma=2, b=1: "
                          "pass gamma and b on, eca_kernel_size(channels, gamma, b)")
    rule = ECA_KERNEL_SIZES.get((a["channels"], a["gamma"], a["b"]))
    if a["kernel_size"] is not None and rule is not None and rule != k:
        hints[rule] = ("{name} holds k = " + str(rule) + ", the rule's kernel size: when kernel_size is given, "
                       "use it")
    return hints


def probe(obj, case: Case) -> dict:
    """Probe ``obj`` (the student's function or class for ``case.exercise``) on ``case``."""
    if case.exercise == "eca_kernel_size":
        return _kernel_size(obj, case)
    dtype, device = DTYPES[case.dtype], torch.device(case.device)
    module, params = None, {}
    if case.exercise != "squeeze":  # a module exercise: obj builds the module (a class, or any factory)
        module = _call(call(case), case, obj, *case.args, **(case.kwargs or {}))
        if not isinstance(module, nn.Module):
            name = getattr(obj, "__name__", call(case))
            raise ProbeError(f"{name} should subclass nn.Module (calling it should build one), got "
                             f"{type(module).__name__}")
        lazy = [name for name, q in module.named_parameters() if isinstance(q, nn.parameter.UninitializedParameter)]
        if lazy:
            raise ProbeError(f"{call(case)} has parameters without a shape yet ({', '.join(lazy)}): create them "
                             "with their shapes in __init__ (nn.Linear, nn.Conv2d, ..., not a Lazy module), so the "
                             "parameter count and an optimizer built right after the module see them")
        built = {id(q) for q in module.parameters()}
        probe_x = case_input(case).float()
        order = use_order(module, lambda: module(probe_x))
        made = [name for name, q in module.named_parameters() if id(q) not in built]
        if made:
            raise ProbeError(f"{call(case)} creates parameters inside forward ({', '.join(made)}): create them in "
                             "__init__, so the parameter count and an optimizer built right after the module see them")
        if device.type != "meta":
            params = match(module, case.exercise, weight_shapes(case), order, _size_hints(case))
        module.to(device=device, dtype=dtype)
        with torch.no_grad():
            for name, w in case_weights(case).items() if params else ():
                params[name].write(w)
        fn = module
    else:
        fn = obj
    x = case_input(case).to(dtype).to(device).requires_grad_(True)
    what = f"{call(case)} on {'z' if case.exercise == 'excitation' else 'x'} {tuple(x.shape)} {case.dtype}"
    note = ""
    if device.type != "cpu":
        what += f" on {case.device}"
        note = (" Hint: tensors made inside forward must use the input's device: device=x.device or "
                "torch.*_like(x); otherwise the code breaks on a GPU.")
    elif dtype != torch.float32:
        note = " Hint: tensors made inside forward must use the input's dtype: dtype=x.dtype or torch.*_like(x)."
    y = _call(what, case, fn, x, note=note)
    if not isinstance(y, torch.Tensor):
        raise ProbeError(f"expected a tensor back, got {type(y).__name__}")
    results = {"dtype": str(y.dtype).replace("torch.", ""), "device": y.device.type, "shape": str(tuple(y.shape))}
    results.update({f"pieces/{name}": ",".join(map(str, slot.sizes)) for name, slot in params.items()
                    if len(slot.pieces) > 1})
    if device.type == "meta" or y.dtype != dtype or y.shape != x.shape[:2] + y.shape[2:] or not y.requires_grad:
        results["output"] = y.detach().to("cpu") if device.type != "meta" else torch.zeros(0)
        results["no_grad"] = "" if y.requires_grad else "input"
        return results
    upstream = case_upstream(case, y.shape).to(dtype).to(device)
    _call("backward", case, lambda: (y * upstream).sum().backward())
    results["output"] = y.detach().to("cpu")
    missing = []
    grads = [("input", x.grad, x.shape)] + [(name, slot.grad(), weight_shapes(case)[name])
                                           for name, slot in params.items()]
    for name, grad, shape in grads:
        if grad is None:
            missing.append(name)
        else:
            results[f"grad/{name}"] = grad.detach().to("cpu").reshape(shape)
    results["no_grad"] = ",".join(missing)
    return results
