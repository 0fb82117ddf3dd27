"""The bottleneck MLP shared by SE's excitation and CBAM's channel stage.

    mlp(z) = W2 relu(W1 z),  W1: (hidden, C), W2: (C, hidden),  hidden = max(1, C // r)

No biases: the course follows its seed document (the SE and CBAM papers use biases).
"""
from torch import nn

from .validate import positive_int


def hidden_width(channels: int, reduction: int) -> int:
    positive_int("channels", channels)
    positive_int("reduction", reduction)
    return max(1, channels // reduction)


def bottleneck_mlp(channels: int, reduction: int) -> nn.Sequential:
    hidden = hidden_width(channels, reduction)
    return nn.Sequential(
        nn.Linear(channels, hidden, bias=False),  # W1
        nn.ReLU(),
        nn.Linear(hidden, channels, bias=False),  # W2
    )
