"""ECA's adaptive kernel size: t = int(|(log2 C + b) / gamma|), t if odd else t + 1, no lower clamp."""
import pytest
import torch

from autograder.reference import ECABlock, eca_kernel_size

# log2 C worked out by hand: (log2 C + 1) / 2 truncated, then rounded up to odd
DEFAULT_TABLE = [
    (1, 1),  # (0 + 1) / 2 = 0.5 -> 0 -> 1
    (2, 1),  # 1 -> 1
    (4, 1),  # 1.5 -> 1 (no clamp to 3)
    (8, 3),  # 2 -> 3
    (16, 3),  # 2.5 -> 2 -> 3
    (64, 3),  # 3.5 -> 3
    (96, 3),  # log2 96 = 6.58: 3.79 -> 3
    (128, 5),  # 4 -> 5
    (256, 5),  # 4.5 -> 4 -> 5
    (512, 5),  # 5
    (1024, 5),  # 5.5 -> 5
    (2048, 7),  # 6 -> 7
]

OTHER_GAMMA_B = [
    (64, 1, 0, 7),  # 6 -> 7
    (100, 1, 0, 7),  # log2 100 = 6.64 -> 6 -> 7
    (16, 1, 1, 5),  # 5
    (64, 3, 2, 3),  # 8 / 3 = 2.67 -> 2 -> 3
    (256, 3, 2, 3),  # 10 / 3 = 3.33 -> 3
    (1024, 3, 2, 5),  # 12 / 3 = 4 -> 5
    (64, 2, 0, 3),  # 3
    (256, 2, 0, 5),  # 4 -> 5
    (8, 0.5, 0, 7),  # 3 / 0.5 = 6 -> 7
    (32, 1.5, 1, 5),  # 6 / 1.5 = 4 -> 5
    (4, 2, -10, 5),  # (2 - 10) / 2 = -4, |.| = 4 -> 5
    (1, 2, -3, 1),  # |-1.5| = 1.5 -> 1
]


@pytest.mark.parametrize("channels, k", DEFAULT_TABLE)
def test_default_table(channels, k):
    got = eca_kernel_size(channels)
    assert got == k and type(got) is int


@pytest.mark.parametrize("channels, gamma, b, k", OTHER_GAMMA_B)
def test_other_gamma_and_b(channels, gamma, b, k):
    assert eca_kernel_size(channels, gamma=gamma, b=b) == k
    assert eca_kernel_size(channels, gamma, b) == k


def the_kernel(block):
    (weight,) = list(block.parameters())  # the one learnable tensor, whatever its name
    return weight


@pytest.mark.parametrize("channels, k", [(4, 1), (64, 3), (256, 5), (2048, 7)])
def test_block_kernel_from_channels(channels, k):
    assert the_kernel(ECABlock(channels)).shape == (1, 1, k)


def test_block_kernel_from_gamma_and_b():
    assert the_kernel(ECABlock(64, gamma=1, b=0)).shape == (1, 1, 7)
    assert the_kernel(ECABlock(1024, gamma=3, b=2)).shape == (1, 1, 5)


@pytest.mark.parametrize("channels, k", [(64, 9), (2048, 1), (4, 5), (3, 7)])
def test_block_explicit_kernel_size_wins(channels, k):
    block = ECABlock(channels, kernel_size=k)
    assert the_kernel(block).shape == (1, 1, k)
    x = torch.randn(2, channels, 3, 2)
    assert block(x).shape == x.shape  # the zero padding keeps C even when k > C
