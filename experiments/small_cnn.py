"""The study's small residual CNN: a 3x3 stem and two downsampling residual blocks.

    block(x) = relu(shortcut(x) + A(bn(conv3x3(relu(bn(conv3x3_stride2(x)))))))

A is the attention module, placed as in the ResNet-50 bottleneck: after the last
BatchNorm of the residual branch, before the addition. Widths 8 -> 16 -> 32, so on the
book's 12 x 12 canvases the blocks see 6 x 6 and 3 x 3 maps; the MLPs use reduction 4
(hidden widths 4 and 8), since 16 would leave SE one hidden unit in the first block.
Narrow on purpose: the study trains it dozens of times on a 2-core CPU within the book's build.
"""
import torch
from torch import nn

from .attention import attention_module

WIDTHS = (8, 16, 32)
REDUCTION = 4


def conv_bn(in_channels: int, out_channels: int, kernel_size: int, stride: int = 1) -> nn.Sequential:
    conv = nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=kernel_size // 2, bias=False)
    return nn.Sequential(conv, nn.BatchNorm2d(out_channels))


class ResidualBlock(nn.Module):
    """Two 3x3 convolutions (the first with stride 2), attention, a 1x1 projection shortcut."""

    def __init__(self, in_channels: int, out_channels: int, attention: str, modules=None, gate_gain=False):
        super().__init__()
        self.conv1 = conv_bn(in_channels, out_channels, 3, stride=2)
        self.conv2 = conv_bn(out_channels, out_channels, 3)
        self.attention = attention_module(attention, out_channels, reduction=REDUCTION, modules=modules,
                                          gate_gain=gate_gain)
        self.shortcut = conv_bn(in_channels, out_channels, 1, stride=2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.conv2(torch.relu(self.conv1(x)))
        return torch.relu(self.shortcut(x) + self.attention(out))


class SmallCNN(nn.Module):
    """(N, 1, S, S) images -> (N, classes) logits."""

    def __init__(self, attention: str = "none", classes: int = 10, modules: dict | None = None,
                 gate_gain: bool = False):
        """modules: classes with the exercise API (None: the course's); gate_gain: see GateGain."""
        super().__init__()
        self.attention_name = attention
        self.stem = nn.Sequential(conv_bn(1, WIDTHS[0], 3), nn.ReLU())
        self.blocks = nn.Sequential(
            ResidualBlock(WIDTHS[0], WIDTHS[1], attention, modules, gate_gain),
            ResidualBlock(WIDTHS[1], WIDTHS[2], attention, modules, gate_gain),
        )
        self.head = nn.Linear(WIDTHS[-1], classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = self.blocks(self.stem(x))  # (N, 64, S/4, S/4)
        return self.head(features.mean(dim=(2, 3)))  # (N, classes)
