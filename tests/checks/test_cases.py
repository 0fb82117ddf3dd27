"""The probe cases: every documented edge, keyword calls, plain data that survives a job file, nothing to import."""
import inspect
import json

import pytest
import torch

import autograder.inside.cases as cases_module
import autograder.inside.matching as matching_module
import autograder.inside.probe as probe_module
import autograder.reference as ref
from autograder.checks import Case, cases, check, probe
from autograder.checks.judge import judge
from autograder.exercises import BY_ID, EXERCISES
from autograder.inside.cases import SIGNATURES, arguments, describe, key, weight_shapes

BLOCKS = ["se_block", "eca_block", "channel_attention", "spatial_attention", "cbam"]
REDUCED = ["excitation", "se_block", "channel_attention", "cbam"]


def _cpu(exercise_id):
    return [c for c in cases(exercise_id) if c.device == "cpu"]


@pytest.mark.parametrize("exercise_id", ["squeeze", "excitation"] + BLOCKS)
def test_every_documented_edge_is_probed(exercise_id):
    shapes = [tuple(c.shape) for c in _cpu(exercise_id)]
    assert any(s[0] == 1 for s in shapes), "N = 1"
    assert any(s[0] > 1 for s in shapes), "N > 1"
    assert any(s[1] == 1 for s in shapes), "C = 1"
    if exercise_id != "excitation":
        assert any(s[2] != s[3] for s in shapes), "H != W"
        assert any(s[2:] == (1, 1) for s in shapes), "H = W = 1"
    if exercise_id in REDUCED:
        assert any(arguments(c)["channels"] < arguments(c)["reduction"] for c in _cpu(exercise_id)), "C < reduction"
    assert {"float32", "float64", "bfloat16"} <= {c.dtype for c in _cpu(exercise_id)}


@pytest.mark.parametrize("exercise_id", ["excitation", "eca_kernel_size"] + BLOCKS)
def test_constructors_are_called_with_the_api_keywords_and_positionally(exercise_id):
    found = cases(exercise_id)
    names = {n for n, _ in SIGNATURES[exercise_id] if n != "channels"}
    keywords = {k for c in found for k in c.kwargs}
    assert keywords == names, keywords
    assert any(len(c.args) > (exercise_id != "spatial_attention") for c in found), "a positional optional argument"


def test_case_call_and_description_read_like_code():
    case = Case("channel_attention", (8,), (3, 8, 4, 6), "float64", "cpu", 1, {"reduction": 4})
    assert describe(case) == "ChannelAttention(8, reduction=4) on x (3, 8, 4, 6) float64 cpu"
    assert describe(Case("eca_kernel_size", (16,), (), "", "cpu", 0, {"gamma": 1, "b": 0})) == \
        "eca_kernel_size(16, gamma=1, b=0)"
    assert arguments(Case("cbam", (5, 16, 5), (2, 5, 5, 3), "float32", "cpu", 0)) == \
        {"channels": 5, "reduction": 16, "kernel_size": 5}


@pytest.mark.parametrize("exercise_id", [e.id for e in EXERCISES])
def test_a_case_rebuilt_from_a_job_file_is_the_same_case(exercise_id):
    case = _cpu(exercise_id)[1]
    rebuilt = Case(**json.loads(json.dumps(case._asdict())))
    assert key(rebuilt) == key(case)
    obj = getattr(ref, BY_ID[exercise_id].name)
    assert judge(exercise_id, rebuilt, probe(obj, rebuilt)).passed
    if exercise_id != "eca_kernel_size":
        assert torch.equal(probe(obj, rebuilt)["output"], probe(obj, case)["output"])


def test_every_eca_block_case_gets_the_reference_kernel_size():
    for case in cases("eca_block"):
        (k,) = weight_shapes(case)["eca_kernel"]
        module = ref.ECABlock(*case.args, **case.kwargs)
        assert k == sum(p.numel() for p in module.parameters()), case


def test_cases_are_cheap_to_probe():
    assert sum(len(cases(e.id)) for e in EXERCISES) <= 80
    for exercise_id in BLOCKS:
        assert all(torch.Size(c.shape).numel() <= 4096 for c in cases(exercise_id))


SANDBOX_MODULES = [cases_module, matching_module, probe_module]


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_nothing_in_the_sandbox_files_passes_an_exercise(exercise):
    """The sandbox reads cases.py, matching.py and probe.py: none may hold a working implementation."""
    for module in SANDBOX_MODULES:
        assert not hasattr(module, exercise.name)
        for obj in vars(module).values():
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == module.__name__:
                with pytest.raises(Exception):  # noqa: B017 (any failure: wrong values, a raise, a bad signature)
                    check(exercise.id, obj)


def test_a_tensor_moved_to_the_cpu_inside_forward_is_named_on_the_meta_device():
    class MovesToCPU(torch.nn.Module):
        def __init__(self, kernel_size=7):
            super().__init__()
            self.conv = torch.nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2, bias=False)

        def forward(self, x):
            maps = torch.cat((x.amax(1, keepdim=True), x.mean(1, keepdim=True)), 1)
            return x * torch.sigmoid(self.conv(maps)).to("cpu")

    meta = next(c for c in cases("spatial_attention") if c.device == "meta")
    with pytest.raises(AssertionError, match="device=x.device"):
        probe(MovesToCPU, meta)
    with pytest.raises(AssertionError, match="replace the `raise NotImplementedError\\(\\)`"):
        probe(lambda x: (_ for _ in ()).throw(NotImplementedError()), cases("squeeze")[0])
