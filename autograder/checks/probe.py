"""Run a student's function or class on one case and return plain data (no reference needed).

The results are a flat dict of tensors, strings and floats, so they survive
``torch.save`` / ``torch.load(weights_only=True)`` across the sandbox boundary:

    output           the forward output, on the CPU, in the dtype the student returned
    grad/input       d(sum(output * upstream)) / d input, when the input is floating
    grad/<name>      the same for each canonical weight (W1, W2, eca_kernel, spatial_kernel),
                     in the canonical shape
    dtype, device    of the output, as strings; shape of the output as a string
    no_grad          names of inputs/weights that received no gradient, comma-separated
    type             for eca_kernel_size: the type name of the returned value
"""
import torch
from torch import nn

from .cases import Case, case_input, case_upstream, case_weights, weight_shapes
from .matching import MatchError, match, use_order


class ProbeError(AssertionError):
    """The student's code raised, or returned something that is not what the exercise asks."""


DTYPES = {"float32": torch.float32, "float64": torch.float64, "bfloat16": torch.bfloat16}


def _call(what: str, fn, *args):
    try:
        return fn(*args)
    except (MatchError, ProbeError):
        raise
    except NotImplementedError:
        raise ProbeError(f"{what} raised NotImplementedError: replace the `raise NotImplementedError()` with your code")
    except Exception as error:
        raise ProbeError(f"{what} raised {type(error).__name__}: {error}") from None


def _kernel_size(obj, case: Case) -> dict:
    value = _call(f"eca_kernel_size{case.args}", obj, *case.args)
    number = float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else float("nan")
    return {"output": torch.tensor(number, dtype=torch.float64), "type": type(value).__name__}


def probe(obj, case: Case) -> dict:
    """Probe ``obj`` (the student's function or class for ``case.exercise``) on ``case``."""
    if case.exercise == "eca_kernel_size":
        return _kernel_size(obj, case)
    dtype, device = DTYPES[case.dtype], torch.device(case.device)
    module, params = None, {}
    if isinstance(obj, type):
        module = _call(f"{obj.__name__}{case.args}", obj, *case.args)
        if not isinstance(module, nn.Module):
            raise ProbeError(f"{obj.__name__} should subclass nn.Module, got {type(module).__name__}")
        probe_x = case_input(case).float()
        order = use_order(module, lambda: module(probe_x))
        params = match(module, case.exercise, weight_shapes(case), order) if device.type != "meta" else {}
        module.to(device=device, dtype=dtype)
        with torch.no_grad():
            for name, w in case_weights(case).items() if params else ():
                params[name].copy_(w.reshape(params[name].shape))
        fn = module
    else:
        fn = obj
    x = case_input(case).to(dtype).to(device).requires_grad_(True)
    what = f"{getattr(obj, '__name__', 'forward')} on {case.dtype} input {tuple(x.shape)} on {case.device}"
    if device.type != "cpu":
        what += (" (tensors made inside forward must use the input's device: device=x.device or "
                 "torch.*_like(x); otherwise the code breaks on a GPU)")
    elif dtype != torch.float32:
        what += " (tensors made inside forward must use the input's dtype: dtype=x.dtype or torch.*_like(x))"
    y = _call(what, fn, x)
    if not isinstance(y, torch.Tensor):
        raise ProbeError(f"expected a tensor back, got {type(y).__name__}")
    results = {"dtype": str(y.dtype).replace("torch.", ""), "device": y.device.type, "shape": str(tuple(y.shape))}
    if device.type == "meta" or y.dtype != dtype or y.shape != x.shape[:2] + y.shape[2:] or not y.requires_grad:
        results["output"] = y.detach().to("cpu") if device.type != "meta" else torch.zeros(0)
        results["no_grad"] = "" if y.requires_grad else "input"
        return results
    upstream = case_upstream(case, y.shape).to(dtype).to(device)
    _call("backward", lambda: (y * upstream).sum().backward())
    results["output"] = y.detach().to("cpu")
    missing = []
    for name, tensor in [("input", x)] + list(params.items()):
        if tensor.grad is None:
            missing.append(name)
        else:
            shape = weight_shapes(case).get(name, tensor.shape)
            results[f"grad/{name}"] = tensor.grad.detach().to("cpu").reshape(shape)
    results["no_grad"] = ",".join(missing)
    return results
