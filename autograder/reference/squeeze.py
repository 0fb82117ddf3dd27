"""The squeeze of SE (Hu et al., 2018): global average pooling to a channel descriptor.

    z_c = 1 / (H W) * sum_{i, j} x_{c, i, j}        (N, C, H, W) -> (N, C, 1, 1)
"""
import torch

from .validate import feature_map


def squeeze(x: torch.Tensor) -> torch.Tensor:
    """Mean of each channel over H and W, kept as (N, C, 1, 1)."""
    return feature_map(x).mean(dim=(2, 3), keepdim=True)
