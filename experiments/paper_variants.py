"""The SE and CBAM papers' variants of the course's modules: biases in the bottleneck MLP.

    mlp(z) = W2 relu(W1 z + b1) + b2                (Hu et al., 2018; Woo et al., 2018)

The official CBAM code also puts a BatchNorm after the spatial 7x7 convolution
(`spatial_batchnorm=True`). Both variants reuse the reference forward passes and only
swap the layers, so everything else stays exactly the course's module.
"""
from torch import nn

from autograder.reference import CBAM, SEBlock
from autograder.reference.mlp import hidden_width


def biased_mlp(channels: int, reduction: int) -> nn.Sequential:
    """The bottleneck MLP with a bias on both layers, as in the papers' code."""
    hidden = hidden_width(channels, reduction)
    return nn.Sequential(nn.Linear(channels, hidden), nn.ReLU(), nn.Linear(hidden, channels))


class PaperSEBlock(SEBlock):
    """SEBlock with the SE paper's biased excitation MLP."""

    def __init__(self, channels: int, reduction: int = 16):
        super().__init__(channels, reduction)
        self.excitation.mlp = biased_mlp(channels, reduction)


class PaperCBAM(CBAM):
    """CBAM with the paper's biased channel MLP and, optionally, BatchNorm after the spatial conv."""

    def __init__(self, channels: int, reduction: int = 16, kernel_size: int = 7, spatial_batchnorm: bool = False):
        super().__init__(channels, reduction, kernel_size)
        self.channel.mlp = biased_mlp(channels, reduction)
        if spatial_batchnorm:
            self.spatial.conv = nn.Sequential(self.spatial.conv, nn.BatchNorm2d(1))
