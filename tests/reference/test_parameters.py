"""Learnable parameters: only W1 and W2, the ECA kernel, the spatial kernel; no biases, no BatchNorm, no buffers."""
import pytest
import torch

from autograder import reference as ref

# (C, reduction, hidden) with hidden = max(1, C // reduction) worked out by hand
WIDTHS = [(64, 16, 4), (32, 16, 2), (512, 16, 32), (100, 16, 6), (17, 4, 4), (16, 16, 1), (15, 16, 1),
          (3, 16, 1), (1, 16, 1), (1, 1, 1), (6, 1, 6)]


def shapes(module):
    return sorted(tuple(p.shape) for p in module.parameters())


def assert_only_parameters(module, expected_shapes):
    assert shapes(module) == sorted(expected_shapes)
    assert list(module.buffers()) == []  # no BatchNorm running statistics
    assert not any(isinstance(m, torch.nn.modules.batchnorm._BatchNorm) for m in module.modules())
    assert all(p.requires_grad for p in module.parameters())


@pytest.mark.parametrize("channels, reduction, hidden", WIDTHS)
@pytest.mark.parametrize("cls", [ref.Excitation, ref.SEBlock, ref.ChannelAttention])
def test_mlp_is_two_bias_free_matrices(cls, channels, reduction, hidden):
    module = cls(channels, reduction=reduction)
    assert_only_parameters(module, [(hidden, channels), (channels, hidden)])
    assert sum(p.numel() for p in module.parameters()) == 2 * channels * hidden


def test_default_reduction_is_16():
    assert sum(p.numel() for p in ref.SEBlock(64).parameters()) == 2 * 64 * 4
    assert sum(p.numel() for p in ref.ChannelAttention(48).parameters()) == 2 * 48 * 3


@pytest.mark.parametrize("channels, kernel_size, k", [(64, None, 3), (2048, None, 7), (4, None, 1), (64, 9, 9)])
def test_eca_has_k_weights(channels, kernel_size, k):
    module = ref.ECABlock(channels, kernel_size=kernel_size)
    assert_only_parameters(module, [(1, 1, k)])
    assert sum(p.numel() for p in module.parameters()) == k


@pytest.mark.parametrize("k, count", [(1, 2), (3, 18), (7, 98)])
def test_spatial_kernel_has_2_k_k_weights(k, count):
    module = ref.SpatialAttention(kernel_size=k)
    assert_only_parameters(module, [(1, 2, k, k)])
    assert sum(p.numel() for p in module.parameters()) == count


def test_spatial_default_kernel_is_7():
    assert shapes(ref.SpatialAttention()) == [(1, 2, 7, 7)]


@pytest.mark.parametrize("channels, reduction, k, hidden, count", [
    (64, 16, 7, 4, 610),  # 2 * 64 * 4 + 2 * 7 * 7
    (3, 16, 3, 1, 24),  # C < reduction: hidden 1; 6 + 18
    (32, 8, 5, 4, 306),  # 256 + 50
    (256, 16, 7, 16, 8290),  # 8192 + 98
])
def test_cbam_counts(channels, reduction, k, hidden, count):
    module = ref.CBAM(channels, reduction=reduction, kernel_size=k)
    assert_only_parameters(module, [(hidden, channels), (channels, hidden), (1, 2, k, k)])
    assert sum(p.numel() for p in module.parameters()) == count


def test_cbam_defaults():
    assert sum(p.numel() for p in ref.CBAM(64).parameters()) == 610


# the names the hand-value tests and the autograder's documentation rely on (C = 8: hidden = max(1, 8 // 16) = 1)
STATE_DICT_SHAPES = [
    (lambda: ref.Excitation(8), {"mlp.0.weight": (1, 8), "mlp.2.weight": (8, 1)}),
    (lambda: ref.SEBlock(8), {"excitation.mlp.0.weight": (1, 8), "excitation.mlp.2.weight": (8, 1)}),
    (lambda: ref.ECABlock(8), {"conv.weight": (1, 1, 3)}),
    (lambda: ref.ChannelAttention(8), {"mlp.0.weight": (1, 8), "mlp.2.weight": (8, 1)}),
    (lambda: ref.SpatialAttention(), {"conv.weight": (1, 2, 7, 7)}),
    (lambda: ref.CBAM(8), {"channel.mlp.0.weight": (1, 8), "channel.mlp.2.weight": (8, 1),
                           "spatial.conv.weight": (1, 2, 7, 7)}),
]


@pytest.mark.parametrize("make, expected", STATE_DICT_SHAPES,
                         ids=["Excitation", "SEBlock", "ECABlock", "ChannelAttention", "SpatialAttention", "CBAM"])
def test_documented_parameter_names(make, expected):
    assert {name: tuple(v.shape) for name, v in make().state_dict().items()} == expected
