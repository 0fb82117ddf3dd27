"""torch.autograd.gradcheck in float64 for every module, with respect to the input and every parameter."""
import pytest
import torch
from torch.func import functional_call

from autograder import reference as ref

from .modules import MODULE_NAMES, SPECS, build, example_input


def small_input(name):
    """Two samples of 2 x 3 maps (or (2, C) descriptors): gradcheck's cost grows with the input's size."""
    channels = SPECS[name][1][1]
    shape = (2, channels) if name == "Excitation" else (2, channels, 2, 3)
    return example_input(name, shape=shape).requires_grad_()


@pytest.mark.parametrize("name", MODULE_NAMES)
def test_gradcheck_input_and_parameters(name):
    module = build(name)
    names = [n for n, _ in module.named_parameters()]
    params = tuple(p.detach().clone().requires_grad_() for _, p in module.named_parameters())
    x = small_input(name)

    def f(x, *params):
        return functional_call(module, dict(zip(names, params)), (x,))

    assert torch.autograd.gradcheck(f, (x, *params))


def test_gradcheck_squeeze():
    x = small_input("squeeze")
    assert torch.autograd.gradcheck(ref.squeeze, (x,))


@pytest.mark.parametrize("name", MODULE_NAMES)
def test_every_parameter_gets_a_gradient(name):
    module = build(name)
    x = example_input(name).requires_grad_()
    (module(x) * torch.linspace(-1, 1, x.numel(), dtype=x.dtype).reshape(x.shape)).sum().backward()
    assert torch.count_nonzero(x.grad) > 0
    for n, p in module.named_parameters():
        assert p.grad is not None and torch.count_nonzero(p.grad) > 0, n
