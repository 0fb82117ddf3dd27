"""Every name of the exercise API exists in autograder.reference with the documented signature and defaults."""
import ast
import inspect
import re
from pathlib import Path

import pytest
import torch

from autograder import reference as ref

API_PAGE = Path(__file__).resolve().parents[2].parent / "shared" / "exercise-api.md"

# the API table's signatures, kept here too so the check runs where the page is not shipped
EXPLICIT = {
    "squeeze": ("squeeze(x)", None),
    "Excitation": ("Excitation(channels, reduction=16)", "forward(z)"),
    "SEBlock": ("SEBlock(channels, reduction=16)", "forward(x)"),
    "eca_kernel_size": ("eca_kernel_size(channels, gamma=2, b=1)", None),
    "ECABlock": ("ECABlock(channels, gamma=2, b=1, kernel_size=None)", "forward(x)"),
    "ChannelAttention": ("ChannelAttention(channels, reduction=16)", "forward(x)"),
    "SpatialAttention": ("SpatialAttention(kernel_size=7)", "forward(x)"),
    "CBAM": ("CBAM(channels, reduction=16, kernel_size=7)", "forward(x)"),
}


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


@pytest.mark.parametrize("name", EXPLICIT)
def test_signature(name):
    check(name, *EXPLICIT[name])


def test_exports_exactly_the_api():
    assert sorted(ref.__all__) == sorted(EXPLICIT)


@pytest.mark.skipif(not API_PAGE.is_file(), reason=f"the exercise API page {API_PAGE} is not part of this checkout")
def test_signatures_from_the_api_page():
    table = table_from_page(API_PAGE.read_text(encoding="utf-8"))
    assert table == EXPLICIT  # the explicit list above follows the page
    for name, (constructor, forward) in table.items():
        check(name, constructor, forward)


def test_parse_reads_defaults():
    assert parse("ECABlock(channels, gamma=2, b=1, kernel_size=None)") == [
        ("channels", inspect.Parameter.empty), ("gamma", 2), ("b", 1), ("kernel_size", None)]
