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


# Each paper's ImageNet rows for ResNet-50: parameters in the paper's "millions" and GFLOPs as printed,
# with the layout and unit that reproduce them (book/08_fidelity.md traces each number to its source).
#   SE:   stride on the 1x1 (Caffe ResNet), multiply-adds in 10^9.
#   CBAM: stride on the 1x1, multiply-adds in 10^9, to the third decimal.
#   ECA:  thop's count of the stride-on-3x3 layout (torchvision), in units of 2^20 and 2^30.
PAPERS = {
    "SE (Hu et al., 2018)": {"layout": "1x1", "unit": 1e9, "params_unit": 1e6,
                             "rows": {"none": (25.6, 3.86), "se": (28.1, 3.87)}},
    "CBAM (Woo et al., 2018)": {"layout": "1x1", "unit": 1e9, "params_unit": 1e6,
                                "rows": {"none": (25.56, 3.858), "se": (28.09, 3.860), "cbam": (28.09, 3.864)}},
    "ECA (Wang et al., 2020)": {"layout": "3x3 (thop)", "unit": 2**30, "params_unit": 2**20,
                                "rows": {"none": (24.37, 3.86), "eca": (24.37, 3.86)}},
}
# thop's README (July 2019) lists torchvision's resnet50 at 24.37 "M" parameters and 3.86 "G"
# multiply-adds, resnet101 at 42.49 and 7.34: binary units; its later README lists the same
# resnet50 in decimal units as 25.56M and 4.14G. thop counts BatchNorm, ReLU and pooling too,
# which FlopCounterMode leaves out.
THOP_RESNET50 = {"params": 25.56e6, "multiply_adds": 4.14e9}
