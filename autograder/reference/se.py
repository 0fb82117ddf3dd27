"""Squeeze-and-Excitation (Hu et al., CVPR 2018), bias-free as in the course's seed.

    s = sigmoid(W2 relu(W1 z))        z = squeeze(x) flattened to (N, C)
    y = s[:, :, None, None] * x
"""
import torch
from torch import nn

from .mlp import bottleneck_mlp
from .squeeze import squeeze
from .validate import channels_match, feature_map


class Excitation(nn.Module):
    """(N, C) descriptor -> (N, C) channel weights in (0, 1)."""

    def __init__(self, channels: int, reduction: int = 16):
        super().__init__()
        self.mlp = bottleneck_mlp(channels, reduction)
        self.channels = channels

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        if not isinstance(z, torch.Tensor) or z.dim() != 2:
            raise ValueError(f"z must be a 2-D tensor (N, C), got {getattr(z, 'shape', type(z).__name__)}")
        if z.shape[1] != self.channels:
            raise ValueError(f"z has {z.shape[1]} channels but the module was built for {self.channels}")
        return torch.sigmoid(self.mlp(z))


class SEBlock(nn.Module):
    """x rescaled channel-wise by the excitation of its squeeze."""

    def __init__(self, channels: int, reduction: int = 16):
        super().__init__()
        self.excitation = Excitation(channels, reduction)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        channels_match(feature_map(x), self.excitation.channels)
        n, c = x.shape[:2]
        weights = self.excitation(squeeze(x).reshape(n, c))  # (N, C)
        return x * weights.reshape(n, c, 1, 1)
