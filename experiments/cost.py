"""Parameters and multiply-adds of ResNet-50 with each attention module, and the papers' tables.

Multiply-adds come from `torch.utils.flop_counter.FlopCounterMode` (FLOPs / 2, counting
convolutions and matrix products, as the papers do), run on the meta device so that
no arithmetic is done and no memory is allocated.
"""
import torch
from torch.utils.flop_counter import FlopCounterMode

from .resnet import ResNet50


def parameter_count(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def build_on_meta(**options) -> ResNet50:
    """A ResNet50(**options) whose tensors are shapes only (fast to build, nothing allocated)."""
    with torch.device("meta"):
        return ResNet50(**options)


def multiply_adds(model: torch.nn.Module, image_size: int = 224) -> int:
    """Multiply-adds of one forward pass on one image (FLOPs counted by torch, halved)."""
    device = next(model.parameters()).device
    x = torch.zeros(1, 3, image_size, image_size, device=device)
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        model.eval()(x)
    return counter.get_total_flops() // 2


# Each paper's ImageNet rows for ResNet-50: (parameters in its "millions", GFLOPs as printed).
# The ECA paper's millions are 2^20 (its 24.37M is 25,557,032 / 2^20).
PAPERS = {
    "SE (Hu et al., 2018)": {"none": (25.6, 3.86), "se": (28.1, 3.87)},
    "CBAM (Woo et al., 2018)": {"none": (25.56, 4.11), "se": (28.09, 4.12), "cbam": (28.09, 4.12)},
    "ECA (Wang et al., 2020)": {
        "none": (24.37, 3.86),
        "se": (26.77, 3.87),
        "cbam": (26.77, 3.87),
        "eca": (24.37, 3.86),
    },
}


def elementwise_work(model: torch.nn.Module, image_size: int = 224) -> dict:
    """Elements that pass through BatchNorm and through the residual additions, for one image.

    FlopCounterMode counts none of these; a paper that counts BatchNorm as one multiply-add
    per element (folded into scale and shift) and each addition as one operation adds them.
    """
    from .resnet import Bottleneck

    counts = {"batchnorm": 0, "residual_add": 0}

    def counter(kind):
        def hook(_module, _inputs, output):
            counts[kind] += output.numel()

        return hook

    handles = []
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            handles.append(module.register_forward_hook(counter("batchnorm")))
        elif isinstance(module, Bottleneck):  # one addition per element of the block's output
            handles.append(module.register_forward_hook(counter("residual_add")))
    device = next(model.parameters()).device
    try:
        with torch.no_grad():
            model.eval()(torch.zeros(1, 3, image_size, image_size, device=device))
    finally:
        for handle in handles:
            handle.remove()
    return counts
