"""The trusted judge against independent computations: hand loops, hand-worked layouts, the book's headings."""
import json
import re
from pathlib import Path

import pytest
import torch
from gallery import (
    ChannelAttentionAddFirst,
    ChannelAttentionNoReLU,
    ExcitationNoReLU,
    SEBlockMax,
    SEBlockNoReLU,
    SEBlockSum,
    SpatialAttentionMeanFirst,
)
from hand_values import output
from torch import nn

import autograder.checks.judge as judge_module
from autograder.checks import cases, probe
from autograder.checks.judge import SECTIONS, Verdict, judge, layouts, reference_results
from autograder.inside.cases import case_weights
from autograder.reference.mistakes import MISTAKES

BOOK = Path(__file__).parents[2] / "book"
MODULES = ["excitation", "se_block", "eca_block", "channel_attention", "spatial_attention", "cbam", "squeeze"]


def _float64_cases(exercise_id):
    return [c for c in cases(exercise_id) if c.dtype == "float64" and c.device == "cpu"]


def test_layouts_worked_by_hand():
    # W of shape (2, 3) stored transposed, (3, 2) row-major: [W00, W10, W01, W11, W02, W12]
    assert [m.tolist() for m in layouts({"W1": (2, 3)})] == [[0, 1, 2, 3, 4, 5], [0, 2, 4, 1, 3, 5]]
    # hidden = 1: transposing a vector changes nothing; only the swap of the two same-size weights remains
    assert [m.tolist() for m in layouts({"W1": (1, 4), "W2": (4, 1)})] == [list(range(8)), [4, 5, 6, 7, 0, 1, 2, 3]]
    # W1 and W2 each as stored or transposed, swapped or not; the spatial kernel in 6 axis orders, each
    # read as it is or back to front on its two tap axes (a true convolution)
    assert len(layouts({"W1": (2, 8), "W2": (8, 2), "spatial_kernel": (2, 3, 3)})) == 2 * 2 * 2 * 6 * 2
    # an ECA kernel as it is or back to front: taps [k0, k1, k2] read as [k2, k1, k0]
    assert [m.tolist() for m in layouts({"eca_kernel": (3,)})] == [[0, 1, 2], [2, 1, 0]]
    assert [m.tolist() for m in layouts({"eca_kernel": (1,)})] == [[0]]  # one tap: nothing to reverse
    # a spatial kernel as large as W1 is never read as W1: only same-size weights of the same rank swap
    assert len(layouts({"W1": (3, 6), "W2": (6, 3), "spatial_kernel": (2, 3, 3)})) == 2 * 2 * 2 * 6 * 2
    # (2, 1, 1): a 1x1 kernel's two taps are its two maps, never reversed
    assert [m.tolist() for m in layouts({"spatial_kernel": (2, 1, 1)})] == [[0, 1]]


@pytest.mark.parametrize("exercise_id", MODULES)
def test_reference_output_equals_the_hand_loops(exercise_id):
    for case in _float64_cases(exercise_id):
        expected = output(case)
        torch.testing.assert_close(reference_results(case)[2]["output"], expected, rtol=1e-10, atol=1e-12)


def test_reference_gradient_equals_finite_differences_of_the_hand_loops():
    case = next(c for c in _float64_cases("channel_attention") if tuple(c.shape) == (3, 8, 4, 6))
    weights = case_weights(case)
    upstream = judge_module.case_upstream(case, case.shape)
    grad = reference_results(case)[2]["grad/W1"]
    for i, j in [(0, 0), (1, 5), (0, 7)]:
        shifted = []
        for step in (1e-6, -1e-6):
            w = {k: v.clone() for k, v in weights.items()}
            w["W1"][i, j] += step
            shifted.append(float((output(case, w) * upstream).sum()))
        assert abs((shifted[0] - shifted[1]) / 2e-6 - float(grad[i, j])) < 1e-5


def test_the_reference_is_found_by_role_not_by_attribute_path(monkeypatch):
    class Renamed(nn.Module):  # raw parameters under other names, registered in reverse, applied with einsum
        def __init__(self, channels, reduction=16):
            super().__init__()
            h = max(1, channels // reduction)
            self.expand = nn.Parameter(torch.zeros(channels, h))  # W2
            self.reduce = nn.Parameter(torch.zeros(h, channels))  # W1

        def forward(self, x):
            mlp = lambda z: torch.einsum("ch,nh->nc", self.expand, torch.einsum("hc,nc->nh", self.reduce, z).relu())  # noqa: E731
            return x * torch.sigmoid(mlp(x.mean((2, 3))) + mlp(x.amax((2, 3))))[:, :, None, None]

    canonical = judge_module.ref.ChannelAttention
    monkeypatch.setattr("autograder.reference.ChannelAttention", Renamed)
    monkeypatch.setattr(judge_module, "_CACHE", {})
    assert not hasattr(judge_module, "PARAMETERS")
    for case in _float64_cases("channel_attention"):
        assert judge("channel_attention", case, probe(canonical, case)).passed
        torch.testing.assert_close(reference_results(case)[2]["output"], output(case), rtol=1e-10, atol=1e-12)
        assert not judge("channel_attention", case, probe(ChannelAttentionNoReLU, case)).passed


def _results(case, out):
    return {"output": out, "dtype": "float64", "device": "cpu", "shape": str(tuple(out.shape)), "no_grad": ""}


def test_a_wrong_value_is_reported_with_where_and_how_much():
    case = next(c for c in _float64_cases("spatial_attention") if tuple(c.shape) == (3, 4, 5, 7))
    got = output(case).clone()
    got[1, 3, 0, 2] += 0.5
    verdict = judge("spatial_attention", case, _results(case, got))
    assert not verdict.passed
    d = verdict.details
    assert d["where"] == "output[1, 3, 0, 2]" and abs(d["largest_difference"] - 0.5) < 1e-9
    assert d["input"] == "SpatialAttention(3) on x (3, 4, 5, 7) float64 cpu"
    assert d["expected"].startswith("output[1, 3, 0, :] = [") and d["got"].startswith("output[1, 3, 0, :] = [")
    assert f"{float(got[1, 3, 0, 2]):.4g}" in d["got"] and len(d["expected"]) <= 300
    assert d["section"] == "05_spatial_attention#two-maps-across-the-channels"
    json.dumps(d)


def test_an_output_read_in_the_transposed_layout_is_accepted():
    case = next(c for c in _float64_cases("excitation") if tuple(c.shape) == (2, 8))  # W1 (2, 8), W2 (8, 2)
    w = case_weights(case)
    transposed = {"W1": w["W1"].reshape(8, 2).T, "W2": w["W2"].reshape(2, 8).T}  # (in, out) storage, read as z @ W
    verdict = judge("excitation", case, _results(case, output(case, transposed)))
    assert "output is right but the gradient" in verdict.message  # the output matched; no gradients were sent
    assert not judge("excitation", case, _results(case, output(case, {"W1": w["W1"], "W2": w["W2"] * 1.01}))).passed


@pytest.mark.parametrize("exercise_id,wrong,mistake", [
    ("excitation", ExcitationNoReLU, "no ReLU"),
    ("se_block", SEBlockNoReLU, "no ReLU"),
    ("se_block", SEBlockMax, "max pooling"),
    ("se_block", SEBlockSum, "sum pooling"),
    ("channel_attention", ChannelAttentionNoReLU, "no ReLU"),
    ("channel_attention", ChannelAttentionAddFirst, "mlp(avg + max)"),
    ("spatial_attention", SpatialAttentionMeanFirst, "wrong order"),
])
def test_known_mistakes_are_named_in_the_details(exercise_id, wrong, mistake):
    named = []
    for case in [c for c in cases(exercise_id) if c.device == "cpu" and c.dtype != "bfloat16"]:
        verdict = judge(exercise_id, case, probe(wrong, case))
        named.append(verdict.details.get("mistake", ""))
        assert set(verdict.details) >= {"input", "section"}
    assert any(mistake in m for m in named), named


def test_passing_verdicts_carry_their_input_and_section():
    case = cases("cbam")[1]
    verdict = judge("cbam", case, probe(judge_module.ref.CBAM, case))
    assert verdict.passed
    assert verdict.details["input"] == "CBAM(8, reduction=4, kernel_size=3) on x (3, 8, 4, 6) float64 cpu"
    assert Verdict(True, "").details == {}


def _anchors(stem):
    text = (BOOK / f"{stem}.md").read_text("utf-8")
    headings = re.findall(r"^#{1,6} (.+)$", re.sub(r"```.*?```", "", text, flags=re.S), flags=re.M)
    return {re.sub(r"[^a-z0-9]+", "-", h.lower()).strip("-") for h in headings}


def test_every_section_named_is_a_heading_of_the_book():
    sections = list(SECTIONS.values()) + [m.section for m in MISTAKES if m.section]
    for section in sections:
        stem, anchor = section.split("#")
        assert anchor in _anchors(stem), section


def test_an_output_whose_tensor_contradicts_its_reported_shape_fails_without_broadcasting():
    case = next(c for c in _float64_cases("se_block") if tuple(c.shape) == (3, 8, 4, 6))
    hostile = _results(case, output(case))
    hostile["output"] = torch.zeros(4096, 1, 1, 1, dtype=torch.float64)  # would broadcast to 4096 x (3, 8, 4, 6)
    verdict = judge("se_block", case, hostile)
    assert not verdict.passed and "not a real tensor of shape (3, 8, 4, 6)" in verdict.message


def test_an_error_in_the_sandbox_becomes_a_verdict_naming_the_mistake():
    from gallery import SEBlockBareSqueeze

    from autograder.checks import ProbeError
    from autograder.checks.judge import error_verdict

    case = next(c for c in cases("se_block") if tuple(c.shape)[1] == 1)
    with pytest.raises(ProbeError) as raised:
        probe(SEBlockBareSqueeze, case)
    verdict = error_verdict("se_block", case, str(raised.value))
    assert not verdict.passed and verdict.details["input"] == "SEBlock(1) on x (3, 1, 4, 5) float64 cpu"
    assert verdict.details["mistake"].startswith("this case has C = 1: a bare .squeeze()")
    assert verdict.details["section"] == SECTIONS["se_block"]
    assert "mistake" not in error_verdict("se_block", case, "RuntimeError: boom").details


@pytest.mark.parametrize("exercise_id", ["excitation", "channel_attention", "spatial_attention", "cbam"])
def test_every_layout_at_once_equals_the_hand_loops_on_that_layout_weights(exercise_id):
    case = _float64_cases(exercise_id)[0]
    every = judge_module.reference_outputs(case)
    assert every is not None and len(every) == len(layouts(judge_module.weight_shapes(case)))
    for layout in (0, 1, len(every) // 2, len(every) - 1):
        weights = judge_module._run(case, layout)[1]
        torch.testing.assert_close(every[layout], output(case, weights), rtol=1e-10, atol=1e-12)


def test_a_warmed_cache_gives_the_same_verdicts_as_a_cold_one():
    from gallery import CBAMNoReLU, CBAMOneMLPParameter

    def verdicts():
        return [judge("cbam", case, probe(obj, case)) for obj in (CBAMNoReLU, CBAMOneMLPParameter)
                for case in cases("cbam") if case.device == "cpu"]

    judge_module._CACHE.clear()
    cold = verdicts()
    judge_module._CACHE.clear()
    from autograder.checks.warm import warm

    assert warm() > 40
    assert verdicts() == cold
    assert [v.passed for v in cold].count(True) >= len(cold) // 2  # the right one passes, the wrong one fails
