"""CBAM (Woo et al., ECCV 2018): channel attention, then spatial attention.

    channel: M_c = sigmoid(mlp(avgpool(x)) + mlp(maxpool(x)))     one shared, bias-free MLP
    spatial: M_s = sigmoid(conv_k([max_c(x); mean_c(x)]))          max map first, no bias, no BatchNorm
    CBAM:    y = spatial(channel(x))
"""
import torch
from torch import nn

from .mlp import bottleneck_mlp
from .validate import channels_match, feature_map, odd_kernel_size, positive_int


class ChannelAttention(nn.Module):
    """x rescaled by the shared MLP of its average- and max-pooled descriptors."""

    def __init__(self, channels: int, reduction: int = 16):
        super().__init__()
        self.channels = positive_int("channels", channels)
        self.mlp = bottleneck_mlp(channels, reduction)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        channels_match(feature_map(x), self.channels)
        n, c = x.shape[:2]
        descriptors = torch.stack((x.mean(dim=(2, 3)), x.amax(dim=(2, 3))))  # (2, N, C)
        weights = torch.sigmoid(self.mlp(descriptors).sum(dim=0))  # one MLP call for both
        return x * weights.reshape(n, c, 1, 1)


class SpatialAttention(nn.Module):
    """x rescaled by a map convolved from its channel-wise max and mean."""

    def __init__(self, kernel_size: int = 7):
        super().__init__()
        k = odd_kernel_size(kernel_size)
        self.conv = nn.Conv2d(2, 1, kernel_size=k, padding=k // 2, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        feature_map(x)
        maps = torch.cat((x.amax(dim=1, keepdim=True), x.mean(dim=1, keepdim=True)), dim=1)  # (N, 2, H, W)
        return x * torch.sigmoid(self.conv(maps))  # (N, 1, H, W) broadcast over C


class CBAM(nn.Module):
    """The channel stage first, the spatial stage on its output."""

    def __init__(self, channels: int, reduction: int = 16, kernel_size: int = 7):
        super().__init__()
        self.channel = ChannelAttention(channels, reduction)
        self.spatial = SpatialAttention(kernel_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.spatial(self.channel(x))
