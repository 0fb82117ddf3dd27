"""Read what a sandbox sent back, as untrusted plain data: framing, size caps, a schema checked before any use.

The harness sends frames (4-byte header length, JSON header {notebook, file, size}, bytes);
`split_frames` keeps, per notebook, only the files that notebook may send. Results come back
through ``torch.load(..., weights_only=True)``, which rebuilds tensors, numbers, strings, lists
and dicts and refuses any other object; `checked` then walks the structure with limits on
depth, count and string length, and checks each tensor's dtype, shape, strides and storage
before anything converts or compares it. Reports are JSON, checked the same way.
"""
import io
import json
import math

import torch

RESULT_BYTES = 4 * 2**20  # a legitimate exercise's results are a few KiB; unpickling is slow
REPORT_BYTES = 2**20
TEXT_LIMIT = 500
MAX_DEPTH = 6
MAX_ITEMS = 20_000  # containers and values in one file, shared references counted each time they are met
MAX_STRING = 10_000
MAX_ELEMENTS = 2**22  # elements of one tensor
DTYPES = {torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.int64, torch.int32, torch.bool,
          torch.uint8, torch.int8, torch.int16, torch.complex64, torch.complex128}


class BadResults(ValueError):
    """The sandbox's output is missing, too large or not of the expected form."""


def text(value, limit: int = TEXT_LIMIT) -> str:
    """A short text of a plain value; never builds the text of a large object."""
    if isinstance(value, str):
        return value[:limit]
    if isinstance(value, (bool, int, float)) or value is None:
        return str(value)[:limit]
    return f"<{type(value).__name__}>"[:limit]


def split_frames(data: bytes, expected: dict) -> dict:
    """{notebook: {file: bytes}} from the harness's stream; `expected`: notebook -> {file: size cap}.

    A frame for an unexpected notebook or file, a repeated one, an oversized or a cut one ends the reading.
    """
    found, at = {}, 0
    while at + 4 <= len(data):
        length = int.from_bytes(data[at:at + 4], "big")
        if length > 4096 or at + 4 + length > len(data):
            break
        try:
            header = json.loads(data[at + 4:at + 4 + length].decode("utf-8"))
            notebook, name, size = header["notebook"], header["file"], header["size"]
        except (ValueError, UnicodeDecodeError, KeyError, TypeError):
            break
        caps = expected.get(notebook) if isinstance(notebook, str) else None
        if caps is None or not isinstance(name, str) or name not in caps or not isinstance(size, int) \
                or not 0 <= size <= caps[name] or name in found.get(notebook, {}):
            break
        start = at + 4 + length
        if start + size > len(data):
            break
        found.setdefault(notebook, {})[name] = data[start:start + size]
        at = start + size
    return found


def checked_tensor(value: torch.Tensor) -> torch.Tensor:
    """The tensor, once its dtype, shape, strides and storage are plain and small (checked before any arithmetic)."""
    if type(value) is not torch.Tensor and not isinstance(value, torch.nn.Parameter):
        raise BadResults(f"a result is a {type(value).__name__}, not a plain tensor")
    if value.dtype not in DTYPES:
        raise BadResults(f"a result tensor has the dtype {value.dtype}")
    if value.device.type not in ("cpu", "meta") or value.is_sparse or value.layout != torch.strided:
        raise BadResults("a result tensor is not a dense CPU tensor")
    shape, strides = tuple(value.shape), tuple(value.stride())
    if len(shape) > 8 or any(not 0 <= n <= MAX_ELEMENTS for n in shape):
        raise BadResults(f"a result tensor has the shape {shape[:9]}")
    elements = math.prod(shape)
    if elements > MAX_ELEMENTS:
        raise BadResults(f"a result tensor has {elements} elements, more than {MAX_ELEMENTS}")
    if value.device.type == "meta":
        return value
    if elements and any(s < 0 for s in strides):
        raise BadResults("a result tensor has negative strides")
    if elements and any(n > 1 and s == 0 for n, s in zip(shape, strides)):
        raise BadResults("a result tensor repeats its storage (zero strides)")
    span = value.storage_offset() + sum((n - 1) * s for n, s in zip(shape, strides)) + 1 if elements else 0
    if span * value.element_size() > value.untyped_storage().nbytes():
        raise BadResults("a result tensor reaches past its storage")
    if value.untyped_storage().nbytes() > MAX_ELEMENTS * 16:
        raise BadResults("a result tensor's storage is too large")
    return value.detach().clone()


def checked(value, depth: int = 0, budget: list | None = None):
    """A copy of `value` made of dicts with str keys, lists, str, numbers, None and checked tensors, within limits."""
    budget = [MAX_ITEMS] if budget is None else budget
    budget[0] -= 1
    if budget[0] < 0:
        raise BadResults(f"the results hold more than {MAX_ITEMS} values")
    if depth > MAX_DEPTH:
        raise BadResults(f"the results are nested deeper than {MAX_DEPTH} levels")
    if value is None or type(value) in (bool, int, float):
        return value
    if type(value) is str:
        if len(value) > MAX_STRING:
            raise BadResults(f"a string in the results is longer than {MAX_STRING} characters")
        return value
    if isinstance(value, torch.Tensor):
        return checked_tensor(value)
    if type(value) in (list, tuple):
        if len(value) > budget[0]:
            raise BadResults(f"the results hold more than {MAX_ITEMS} values")
        return [checked(v, depth + 1, budget) for v in value]
    if type(value) is dict:
        if len(value) > budget[0]:
            raise BadResults(f"the results hold more than {MAX_ITEMS} values")
        if not all(type(k) is str and len(k) <= 200 for k in value):
            raise BadResults("a dictionary in the results has keys that are not short strings")
        return {k: checked(v, depth + 1, budget) for k, v in value.items()}
    raise BadResults(f"the results hold a {type(value).__name__}")


def load_entries(blob: bytes | None, n_cases: int) -> dict:
    """{"defined": bool, "cases": [{"ok": True, "results": {...}} | {"ok": False, "error": str}], "cells": [str]}"""
    if blob is None:
        raise BadResults("no results were written")
    if len(blob) > RESULT_BYTES:
        raise BadResults(f"the results file is larger than {RESULT_BYTES} bytes")
    try:
        data = torch.load(io.BytesIO(blob), map_location="cpu", weights_only=True)
    except Exception as error:
        raise BadResults(f"the results could not be read safely: {text(str(error), 200)}") from None
    data = checked(data)
    if not isinstance(data, dict) or not isinstance(data.get("defined"), bool) \
            or not isinstance(data.get("cases"), list):
        raise BadResults("the results are not of the expected form")
    cells = data.get("cells", [])
    cells = [text(c) for c in cells[:50]] if isinstance(cells, list) else []
    if not data["defined"]:
        return {"defined": False, "cases": [], "cells": cells}
    if len(data["cases"]) != n_cases:
        raise BadResults(f"results for {len(data['cases'])} cases where {n_cases} were probed")
    entries = []
    for entry in data["cases"]:
        if isinstance(entry, dict) and entry.get("ok") is True and isinstance(entry.get("results"), dict):
            entries.append({"ok": True, "results": entry["results"]})
        elif isinstance(entry, dict) and entry.get("ok") is False:
            entries.append({"ok": False, "error": text(entry.get("error", "an error"))})
        else:
            raise BadResults("a case's results are not of the expected form")
    return {"defined": True, "cases": entries, "cells": cells}


def load_report(blob: bytes | None, ended: bytes | None = None) -> dict:
    """The notebook process's account: {"cells": [str], "exercises": {id: status}, "ended": str}."""
    report = {"cells": [], "exercises": {}}
    if ended is not None:
        report["ended"] = ended[:200].decode("utf-8", "replace")
    if blob is None or len(blob) > REPORT_BYTES:
        return report
    try:
        data = checked(json.loads(blob.decode("utf-8")))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return report
    if not isinstance(data, dict):
        return report
    cells = data.get("cells") if isinstance(data.get("cells"), list) else []
    statuses = data.get("exercises") if isinstance(data.get("exercises"), dict) else {}
    report["cells"] = [text(c) for c in cells[:50]]
    report["exercises"] = {text(k, 100): text(v, 100) for k, v in list(statuses.items())[:20]}
    return report
