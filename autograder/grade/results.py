"""Read what a sandbox wrote, as untrusted plain data: size caps, safe loading, type checks.

Tensors come back through ``torch.load(..., weights_only=True)``, which rebuilds tensors,
numbers, strings, lists and dicts and refuses any other object; reports through JSON.
"""
import json
from pathlib import Path

import torch

RESULT_BYTES = 32 * 2**20
REPORT_BYTES = 2**20
TEXT_LIMIT = 500


class BadResults(ValueError):
    """The sandbox's output is missing, too large or not of the expected form."""


def text(value, limit: int = TEXT_LIMIT) -> str:
    return str(value)[:limit]


def plain(value, depth: int = 0) -> bool:
    if depth > 4:
        return False
    if isinstance(value, (torch.Tensor, str, float, int, bool)) or value is None:
        return True
    if isinstance(value, list):
        return all(plain(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and plain(v, depth + 1) for k, v in value.items())
    return False


def load_entries(path: Path, n_cases: int) -> dict:
    """{"defined": bool, "cases": [{"ok": True, "results": {...}} | {"ok": False, "error": str}], "cells": [str]}"""
    if not path.is_file():
        raise BadResults("no results were written")
    if path.stat().st_size > RESULT_BYTES:
        raise BadResults(f"the results file is larger than {RESULT_BYTES} bytes")
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:
        raise BadResults(f"the results could not be read safely: {text(error, 200)}") from None
    if not isinstance(data, dict) or not isinstance(data.get("defined"), bool) or not isinstance(data.get("cases"), list):
        raise BadResults("the results are not of the expected form")
    cells = data.get("cells", [])
    cells = [text(c) for c in cells[:50]] if isinstance(cells, list) else []
    if not data["defined"]:
        return {"defined": False, "cases": [], "cells": cells}
    if len(data["cases"]) != n_cases:
        raise BadResults(f"results for {len(data['cases'])} cases where {n_cases} were probed")
    entries = []
    for entry in data["cases"]:
        if isinstance(entry, dict) and entry.get("ok") is True and isinstance(entry.get("results"), dict) \
                and plain(entry["results"]):
            entries.append({"ok": True, "results": entry["results"]})
        elif isinstance(entry, dict) and entry.get("ok") is False:
            entries.append({"ok": False, "error": text(entry.get("error", "an error"))})
        else:
            raise BadResults("a case's results are not of the expected form")
    return {"defined": True, "cases": entries, "cells": cells}


def load_report(path: Path) -> dict:
    """The notebook process's account: {"cells": [str], "exercises": {id: status}, "ended": str}."""
    if not path.is_file() or path.stat().st_size > REPORT_BYTES:
        return {"cells": [], "exercises": {}}
    try:
        data = json.loads(path.read_text("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return {"cells": [], "exercises": {}}
    if not isinstance(data, dict):
        return {"cells": [], "exercises": {}}
    cells = data.get("cells") if isinstance(data.get("cells"), list) else []
    statuses = data.get("exercises") if isinstance(data.get("exercises"), dict) else {}
    report = {"cells": [text(c) for c in cells[:50]],
              "exercises": {text(k, 100): text(v, 100) for k, v in statuses.items()}}
    if "ended" in data:
        report["ended"] = text(data["ended"], 200)
    return report
