"""Efficient Channel Attention (Wang et al., CVPR 2020).

    k = |(log2(C) + b) / gamma|_odd                 (truncate, then round up to odd)
    w = sigmoid(conv1d_k(z)),  z = squeeze(x) as a (N, 1, C) sequence per sample
    y = w[:, :, None, None] * x

The kernel has no lower clamp (C = 4 gives k = 1); the official ECA-ResNet-50
hand-picks 3, 5, 5, 7 per stage instead, which the book discusses.
"""
import math

import torch
from torch import nn

from .squeeze import squeeze
from .validate import channels_match, feature_map, odd_kernel_size, positive_int


def eca_kernel_size(channels: int, gamma: float = 2, b: float = 1) -> int:
    """t = int(|(log2(C) + b) / gamma|); t if t is odd, else t + 1."""
    positive_int("channels", channels)
    if gamma == 0:
        raise ValueError("gamma must be non-zero, got 0")
    t = int(abs((math.log2(channels) + b) / gamma))
    return t if t % 2 else t + 1


class ECABlock(nn.Module):
    """x rescaled by a 1-D convolution across its channel descriptor."""

    def __init__(self, channels: int, gamma: float = 2, b: float = 1, kernel_size: int | None = None):
        super().__init__()
        k = eca_kernel_size(channels, gamma, b) if kernel_size is None else odd_kernel_size(kernel_size)
        self.channels = positive_int("channels", channels)
        self.conv = nn.Conv1d(1, 1, kernel_size=k, padding=(k - 1) // 2, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        channels_match(feature_map(x), self.channels)
        n, c = x.shape[:2]
        z = squeeze(x).reshape(n, 1, c)  # each sample's descriptor as a 1-channel sequence
        weights = torch.sigmoid(self.conv(z))  # (N, 1, C)
        return x * weights.reshape(n, c, 1, 1)
