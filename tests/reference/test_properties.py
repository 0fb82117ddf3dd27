"""Properties every block keeps: gates strictly inside (0, 1), samples independent, any N, C, H, W."""
import math

import pytest
import torch

from autograder import reference as ref

from .modules import GATED, NAMES, build, example_input


@pytest.mark.parametrize("name", GATED + ["Excitation"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gates_strictly_inside_0_1(name, seed):
    module = build(name, seed=seed)
    x = example_input(name, seed=seed + 10)
    if name == "Excitation":
        gates = module(x)
    else:
        x = x.abs() + 0.1  # positive, so y / x recovers the gate
        gates = module(x) / x
    assert ((gates > 0) & (gates < 1)).all()


def extreme(name, v, dtype):
    """A module whose every pre-sigmoid value is v on an all-ones input (C = 4, hidden = 4 // 4 = 1)."""
    w1 = torch.full((1, 4), 0.25)  # W1 ones = 1
    module, state = {
        "Excitation": (ref.Excitation(4, reduction=4), {"mlp.0.weight": w1, "mlp.2.weight": torch.full((4, 1), v)}),
        "SEBlock": (ref.SEBlock(4, reduction=4), {"excitation.mlp.0.weight": w1,
                                                  "excitation.mlp.2.weight": torch.full((4, 1), v)}),
        # avg = max = 1: the two paths add up to v
        "ChannelAttention": (ref.ChannelAttention(4, reduction=4), {"mlp.0.weight": w1,
                                                                    "mlp.2.weight": torch.full((4, 1), v / 2)}),
        "ECABlock": (ref.ECABlock(4, kernel_size=1), {"conv.weight": torch.full((1, 1, 1), v)}),
        # max = mean = 1
        "SpatialAttention": (ref.SpatialAttention(kernel_size=1), {"conv.weight": torch.full((1, 2, 1, 1), v / 2)}),
    }[name]
    module.to(dtype).load_state_dict({k: w.to(dtype) for k, w in state.items()})
    x = torch.ones(2, 4) if name == "Excitation" else torch.ones(2, 4, 3, 5)
    return module, x.to(dtype)


@pytest.mark.parametrize("name", ["Excitation", "SEBlock", "ChannelAttention", "ECABlock", "SpatialAttention"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("v", [-80.0, -15.0, -1.0, 0.0, 1.0, 15.0])
def test_gate_is_the_sigmoid_even_far_from_zero(name, dtype, v):
    # sigmoid(15) = 1 - 3.1e-7 and sigmoid(-80) = 1.8e-35 are both representable in float32
    module, x = extreme(name, v, dtype)
    gates = module(x) / x
    expected = 1.0 / (1.0 + math.exp(-v))
    assert ((gates > 0) & (gates < 1)).all()
    torch.testing.assert_close(gates, torch.full_like(gates, expected), rtol=1e-5, atol=0)


@pytest.mark.parametrize("v", [-80.0, -15.0, 0.0, 15.0])
def test_cbam_gate_is_product_of_stage_gates(v):
    module = ref.CBAM(4, reduction=4, kernel_size=1).float()
    module.load_state_dict({"channel.mlp.0.weight": torch.full((1, 4), 0.25),
                            "channel.mlp.2.weight": torch.full((4, 1), v / 2),
                            "spatial.conv.weight": torch.ones(1, 2, 1, 1)})
    x = torch.ones(2, 4, 3, 5)
    gates = module(x) / x
    g1 = 1.0 / (1.0 + math.exp(-v))  # channel stage; the spatial stage then sees max = mean = g1
    expected = g1 / (1.0 + math.exp(-2.0 * g1))
    assert ((gates > 0) & (gates < 1)).all()
    torch.testing.assert_close(gates, torch.full_like(gates, expected), rtol=1e-5, atol=0)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("changed", [0, 1, 2])
def test_samples_are_independent(name, changed):
    fn = build(name)
    x = example_input(name)
    y = fn(x)
    x2 = x.clone()
    x2[changed] = example_input(name, seed=99)[changed] * 3
    y2 = fn(x2)
    others = [i for i in range(x.shape[0]) if i != changed]
    assert not torch.equal(y2[changed], y[changed])
    assert torch.equal(y2[others], y[others])  # exactly, not just close


@pytest.mark.parametrize("name", NAMES)
def test_gradient_of_one_sample_stays_in_that_sample(name):
    fn = build(name)
    x = example_input(name).requires_grad_()
    fn(x)[1].sum().backward()
    assert torch.count_nonzero(x.grad[0]) == 0 and torch.count_nonzero(x.grad[2]) == 0
    assert torch.count_nonzero(x.grad[1]) > 0


@pytest.mark.parametrize("name", NAMES)
def test_batch_of_one_matches_its_row(name):
    fn = build(name)
    x = example_input(name)
    y = fn(x)
    for i in range(x.shape[0]):
        torch.testing.assert_close(fn(x[i:i + 1]), y[i:i + 1], rtol=1e-12, atol=1e-12)


SHAPES = [(1, 1, 1, 1), (1, 3, 1, 7), (2, 5, 6, 2), (4, 2, 3, 3), (2, 20, 2, 9)]


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("make", [
    lambda c: ref.SEBlock(c),  # reduction 16 > C for every C here but 20
    lambda c: ref.ECABlock(c),
    lambda c: ref.ChannelAttention(c),
    lambda c: ref.SpatialAttention(),
    lambda c: ref.CBAM(c),
    lambda c: ref.CBAM(c, reduction=1, kernel_size=1),
], ids=["SEBlock", "ECABlock", "ChannelAttention", "SpatialAttention", "CBAM", "CBAM-r1-k1"])
def test_any_shape(make, shape):
    module = make(shape[1])
    x = torch.rand(shape, generator=torch.Generator().manual_seed(0)) + 0.5
    y = module(x)
    assert y.shape == x.shape
    gates = y / x
    assert ((gates > 0) & (gates < 1)).all()


@pytest.mark.parametrize("shape", SHAPES)
def test_squeeze_any_shape(shape):
    assert ref.squeeze(torch.zeros(shape)).shape == (shape[0], shape[1], 1, 1)
