"""CPU and CUDA agree, outputs and gradients, for every function and module (skipped where CUDA is missing)."""
import copy

import pytest
import torch

from .modules import NAMES, build, example_input

pytestmark = pytest.mark.gpu

# low precision: CPU and CUDA each round on their own (measured against float64: up to 2e-3 and 1e-2)
TOLERANCE = {torch.float64: 1e-10, torch.float32: 1e-4, torch.float16: 2e-2, torch.bfloat16: 6e-2}


@pytest.fixture(autouse=True)
def no_tf32():
    """TF32 (on by default for cuDNN convolutions) keeps 10 mantissa bits: compare true float32 instead."""
    before = torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32
    torch.backends.cudnn.allow_tf32 = torch.backends.cuda.matmul.allow_tf32 = False
    yield
    torch.backends.cudnn.allow_tf32, torch.backends.cuda.matmul.allow_tf32 = before


def run(fn, x, weight):
    x = x.clone().requires_grad_()
    y = fn(x)
    (y * weight).sum().backward()  # a non-uniform weight, so every gradient is exercised
    params = {n: p.grad for n, p in fn.named_parameters()} if isinstance(fn, torch.nn.Module) else {}
    return y, x.grad, params


@pytest.mark.parametrize("dtype", list(TOLERANCE), ids=str)
@pytest.mark.parametrize("name", NAMES)
def test_cpu_and_cuda_agree(name, dtype):
    cpu = build(name, dtype=dtype)
    cuda = copy.deepcopy(cpu).to("cuda") if isinstance(cpu, torch.nn.Module) else cpu
    x = example_input(name, dtype=dtype)
    weight = torch.linspace(-1, 1, x.numel(), dtype=dtype).reshape(x.shape)
    y_cpu, gx_cpu, gp_cpu = run(cpu, x, weight)
    y_gpu, gx_gpu, gp_gpu = run(cuda, x.cuda(), weight.cuda())
    assert y_gpu.device.type == "cuda" and y_gpu.dtype == dtype
    tol = TOLERANCE[dtype]
    torch.testing.assert_close(y_gpu.cpu(), y_cpu, rtol=tol, atol=tol)
    torch.testing.assert_close(gx_gpu.cpu(), gx_cpu, rtol=tol, atol=tol)
    assert gp_gpu.keys() == gp_cpu.keys()
    for n in gp_cpu:
        torch.testing.assert_close(gp_gpu[n].cpu(), gp_cpu[n], rtol=tol, atol=tol, msg=lambda m, n=n: f"{n}: {m}")
