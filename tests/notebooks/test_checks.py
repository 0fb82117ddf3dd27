"""The hidden-test library autograder.checks: cases, probe, judge, check, and the mistake catalogue."""
import io
import subprocess
import sys

import pytest
import torch
from test_mutants import _base
from torch import nn

import autograder.reference as ref
from autograder.checks import cases, check, probe
from autograder.checks.judge import judge, reference_results
from autograder.exercises import BY_ID, EXERCISES
from autograder.inside.cases import ECA_KERNEL_SIZES, case_input, case_weights, hidden, weight_shapes
from autograder.reference.mistakes import MISTAKES, for_exercise
from cells import ROOT
from mutants import CORRECT, WRONG

MODULES = [e.id for e in EXERCISES if e.id != "eca_kernel_size"]


def _implementation(exercise_id, code):
    namespace, _ = _base(exercise_id)
    exec(code, namespace)
    return namespace[BY_ID[exercise_id].name]


def test_api_formulas_by_hand():
    assert [hidden(32), hidden(5), hidden(8, 4), hidden(1)] == [2, 1, 2, 1]


@pytest.mark.parametrize("key", sorted(ECA_KERNEL_SIZES))
def test_hand_worked_eca_kernel_sizes_agree_with_the_reference(key):
    channels, gamma, b = key
    assert ECA_KERNEL_SIZES[key] == ref.eca_kernel_size(channels, gamma, b)


def test_every_eca_block_case_gets_the_reference_kernel_size():
    for case in cases("eca_block"):
        (k,) = weight_shapes(case)["eca_kernel"]
        module = ref.ECABlock(*case.args, **case.kwargs)
        assert k == sum(p.numel() for p in module.parameters()), case  # the one kernel: k weights


@pytest.mark.parametrize("exercise_id", MODULES)
def test_cases_cover_what_a_quick_test_misses(exercise_id):
    found = cases(exercise_id)
    cpu = [c for c in found if c.device == "cpu"]
    assert any(c.shape[0] > 1 for c in cpu), "N > 1"
    assert {"float32", "float64", "bfloat16"} <= {c.dtype for c in cpu}
    assert any(c.device == "meta" for c in found)
    if len(cpu[0].shape) == 4:
        assert any(c.shape[2] != c.shape[3] for c in cpu), "H != W"
    if exercise_id in ("excitation", "se_block", "channel_attention", "cbam"):
        assert any(c.args[0] < (c.args[1] if len(c.args) > 1 else 16) for c in cpu), "C < reduction"
    if exercise_id != "squeeze":
        assert any(c.args != cpu[0].args for c in cpu), "non-default arguments"


def test_cases_are_deterministic():
    a, b = cases("cbam")[0], cases("cbam")[0]
    assert torch.equal(case_input(a), case_input(b))
    assert all(torch.equal(case_weights(a)[k], case_weights(b)[k]) for k in case_weights(a))


@pytest.mark.parametrize("exercise_id", [e.id for e in EXERCISES])
def test_reference_and_correct_alternatives_pass(exercise_id):
    check(exercise_id, getattr(ref, BY_ID[exercise_id].name))
    for code in CORRECT[exercise_id]:
        check(exercise_id, _implementation(exercise_id, code))


@pytest.mark.filterwarnings("ignore:Initializing zero-element tensors")  # a mutant with hidden width 0
@pytest.mark.parametrize("exercise_id,index", [(e, i) for e in WRONG for i in range(len(WRONG[e]))])
def test_hidden_check_rejects_and_names_the_mistake(exercise_id, index):
    code, fragment = WRONG[exercise_id][index]
    with pytest.raises(AssertionError) as failure:
        check(exercise_id, _implementation(exercise_id, code))
    assert fragment.lower() in str(failure.value).lower(), str(failure.value)


def test_two_unrelated_matrices_fail_the_check():
    class TwoMLPs(nn.Module):
        def __init__(self, channels, reduction=16):
            super().__init__()
            self.a = nn.Linear(channels, 2, bias=False)
            self.b = nn.Linear(channels, 2, bias=False)

        def forward(self, x):
            return x

    # two (2, C) matrices might be W1 and a W2 stored (hidden, C): the judge decides
    with pytest.raises(AssertionError):
        check("channel_attention", TwoMLPs)


@pytest.mark.parametrize("exercise_id", MODULES)
def test_every_catalogued_mistake_differs_from_the_reference(exercise_id):
    case = next(c for c in cases(exercise_id) if c.dtype == "float32")
    x, weights, expected = reference_results(case)
    for mistake in for_exercise(exercise_id):
        with torch.no_grad():
            wrong = mistake.forward(x, weights)
        assert wrong.shape != expected["output"].shape or not torch.allclose(wrong, expected["output"]), mistake.message


def test_catalogue_kernel_size_mistakes_differ_somewhere():
    triples = [c.args for c in cases("eca_kernel_size")]
    for mistake in for_exercise("eca_kernel_size"):
        assert any(mistake.forward(*t) != ref.eca_kernel_size(*t) for t in triples), mistake.message
    assert all(m.exercises for m in MISTAKES)


def test_probe_results_cross_the_sandbox_boundary_as_plain_data():
    case = cases("cbam")[0]
    results = probe(ref.CBAM, case)
    buffer = io.BytesIO()
    torch.save(results, buffer)
    buffer.seek(0)
    loaded = torch.load(buffer, weights_only=True)
    assert judge("cbam", case, loaded).passed
    loaded["output"] = loaded["output"] + 0.01
    verdict = judge("cbam", case, loaded)
    assert not verdict.passed and "output differs" in verdict.message


def test_probe_never_imports_the_reference():
    script = """
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if name.startswith("autograder.reference"):
            raise ImportError("the sandbox cannot read the reference")
sys.meta_path.insert(0, Block())
import torch
from torch import nn
from autograder.checks import cases, probe
class SpatialAttention(nn.Module):
    def __init__(self, kernel_size=7):
        super().__init__()
        self.conv = nn.Conv2d(2, 1, kernel_size, padding=kernel_size // 2, bias=False)
    def forward(self, x):
        return x * torch.sigmoid(self.conv(torch.cat([x.amax(1, keepdim=True), x.mean(1, keepdim=True)], 1)))
for case in cases("spatial_attention"):
    probe(SpatialAttention, case)
assert not any(m.startswith("autograder.reference") for m in sys.modules)
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


@pytest.mark.gpu
@pytest.mark.parametrize("exercise_id", MODULES)
def test_cuda_cases_run_and_pass(exercise_id):
    assert any(c.device == "cuda" for c in cases(exercise_id))
    check(exercise_id, getattr(ref, BY_ID[exercise_id].name))


@pytest.mark.parametrize("passes", [True, False])
def test_check_runs_on_one_thread_and_restores_the_number(passes):
    seen = []

    def squeeze(x):
        seen.append(torch.get_num_threads())
        return ref.squeeze(x) if passes else x.sum(dim=(2, 3), keepdim=True)

    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        if passes:
            check("squeeze", squeeze)
        else:
            with pytest.raises(AssertionError):
                check("squeeze", squeeze)
        assert seen and set(seen) == {1}, seen
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
