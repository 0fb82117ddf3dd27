"""Every function and module returns the input's dtype and device (float16, bfloat16, float32, float64; CPU, meta)."""
import pytest
import torch

from . import hand
from .modules import NAMES, build, example_input

DTYPES = [torch.float16, torch.bfloat16, torch.float32, torch.float64]
# float64 loops on the rounded inputs and weights; the tolerance covers rounding inside the block
TOLERANCE = {torch.float16: 5e-3, torch.bfloat16: 4e-2, torch.float32: 1e-5, torch.float64: 1e-12}


def moved(name, device, dtype):
    fn = build(name)
    if isinstance(fn, torch.nn.Module):
        fn = fn.to(device, dtype)
    return fn, example_input(name).to(device, dtype).requires_grad_()


@pytest.mark.parametrize("device", ["cpu", "meta"])
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("name", NAMES)
def test_dtype_and_device_kept(name, dtype, device):
    fn, x = moved(name, device, dtype)
    y = fn(x)
    assert (y.dtype, y.device.type) == (dtype, device)
    y.sum().backward()
    assert (x.grad.dtype, x.grad.device.type) == (dtype, device)
    for p in getattr(fn, "parameters", lambda: [])():
        assert (p.grad.dtype, p.grad.device.type) == (dtype, device)


def by_hand(name, fn, x):
    """The block's equation in float64 loops, with the module's own (rounded) weights."""
    w = {k: v.double().tolist() for k, v in fn.state_dict().items()} if isinstance(fn, torch.nn.Module) else {}
    x = x.double().tolist()
    if name == "squeeze":
        return [[[[v]] for v in row] for row in hand.channel_means(x)]
    if name == "Excitation":
        return hand.se_gates(x, w["mlp.0.weight"], w["mlp.2.weight"])
    if name == "SEBlock":
        return hand.se_block(x, w["excitation.mlp.0.weight"], w["excitation.mlp.2.weight"])
    if name == "ECABlock":
        return hand.eca_block(x, w["conv.weight"][0][0])
    if name == "ChannelAttention":
        return hand.channel_attention(x, w["mlp.0.weight"], w["mlp.2.weight"])
    if name == "SpatialAttention":
        return hand.spatial_attention(x, w["conv.weight"][0])
    return hand.cbam(x, w["channel.mlp.0.weight"], w["channel.mlp.2.weight"], w["spatial.conv.weight"][0])


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("name", NAMES)
def test_low_precision_stays_close_to_the_equation(name, dtype):
    fn, x = moved(name, "cpu", dtype)
    expected = torch.tensor(by_hand(name, fn, x), dtype=torch.float64)
    tol = TOLERANCE[dtype]
    torch.testing.assert_close(fn(x).double(), expected, rtol=tol, atol=tol)
