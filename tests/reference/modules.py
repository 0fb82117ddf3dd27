"""One small instance of every function and module of the exercise API, with seeded random weights."""
import torch

from autograder import reference as ref

# name -> (builder, input shape); H != W everywhere, Excitation takes a (N, C) descriptor
SPECS = {
    "squeeze": (lambda: ref.squeeze, (3, 4, 3, 5)),
    "Excitation": (lambda: ref.Excitation(6, reduction=2), (3, 6)),
    "SEBlock": (lambda: ref.SEBlock(6, reduction=2), (3, 6, 3, 5)),
    "ECABlock": (lambda: ref.ECABlock(6, kernel_size=3), (3, 6, 3, 5)),
    "ChannelAttention": (lambda: ref.ChannelAttention(6, reduction=2), (3, 6, 3, 5)),
    "SpatialAttention": (lambda: ref.SpatialAttention(kernel_size=3), (3, 4, 3, 5)),
    "CBAM": (lambda: ref.CBAM(6, reduction=2, kernel_size=3), (3, 6, 3, 5)),
}
NAMES = list(SPECS)
MODULE_NAMES = [name for name in NAMES if name != "squeeze"]
# the modules whose output is x times a gate, with the input shape they take
GATED = [name for name in MODULE_NAMES if name != "Excitation"]


def build(name, seed=0, dtype=torch.float64):
    """The named function, or the named module with N(0, 1) weights drawn from `seed`."""
    make, _ = SPECS[name]
    obj = make()
    if isinstance(obj, torch.nn.Module):
        obj = obj.to(dtype)
        generator = torch.Generator().manual_seed(seed)
        with torch.no_grad():
            for p in obj.parameters():
                p.copy_(torch.randn(p.shape, generator=generator, dtype=torch.float64))
    return obj


def example_input(name, seed=1, dtype=torch.float64, shape=None):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(shape or SPECS[name][1], generator=generator, dtype=torch.float64).to(dtype)
