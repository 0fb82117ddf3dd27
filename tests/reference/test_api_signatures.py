"""Every name of the exercise API page (docs/exercise-api.md) exists in autograder.reference with its
documented signature and defaults."""
import ast
import inspect
import re

import pytest
import torch

from autograder import reference as ref
from autograder.exercises import EXERCISES
from autograder.grade.course import ROOT

API_PAGE = ROOT / "docs" / "exercise-api.md"


def table_from_page(text):
    """{name: (constructor signature, forward signature or None)} from the page's markdown table."""
    table = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 4 or not re.fullmatch(r"`\w+`", cells[1]):
            continue
        name = cells[1].strip("`")
        code = re.findall(r"`([^`]*)`", cells[2])
        forward = next((c for c in code if c.startswith("forward(")), None)
        table[name] = (code[0], forward)
    return table


def parse(signature):
    """'f(a, b=2)' -> [('a', EMPTY), ('b', 2)]."""
    args = ast.parse(f"def {signature}: pass").body[0].args
    defaults = [inspect.Parameter.empty] * (len(args.args) - len(args.defaults)) + [
        ast.literal_eval(d) for d in args.defaults]
    return [(a.arg, d) for a, d in zip(args.args, defaults)]


def actual(obj, drop_self=False):
    params = list(inspect.signature(obj).parameters.values())[1 if drop_self else 0:]
    return [(p.name, p.default) for p in params]


def check(name, constructor, forward):
    obj = getattr(ref, name)
    assert constructor.startswith(f"{name}(")
    assert actual(obj) == parse(constructor)
    if forward is None:
        assert inspect.isfunction(obj)
    else:
        assert inspect.isclass(obj) and issubclass(obj, torch.nn.Module)
        assert actual(obj.forward, drop_self=True) == parse(forward)


API = table_from_page(API_PAGE.read_text(encoding="utf-8"))


def test_the_page_lists_every_exercise():
    assert list(API) == [exercise.name for exercise in EXERCISES]


@pytest.mark.parametrize("name", API)
def test_signature(name):
    check(name, *API[name])


def test_exports_exactly_the_api():
    assert sorted(ref.__all__) == sorted(API)


def test_table_from_page_reads_constructor_and_forward():
    row = "| `cbam` | `CBAM` | `CBAM(channels, reduction=16, kernel_size=7)`; `forward(x)` | ... |"
    assert table_from_page(row) == {"CBAM": ("CBAM(channels, reduction=16, kernel_size=7)", "forward(x)")}


def test_parse_reads_defaults():
    assert parse("ECABlock(channels, gamma=2, b=1, kernel_size=None)") == [
        ("channels", inspect.Parameter.empty), ("gamma", 2), ("b", 1), ("kernel_size", None)]
