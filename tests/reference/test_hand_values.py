"""Tiny inputs with hand-set weights: every name against values worked out from its equation."""
import math

import pytest
import torch

from autograder import reference as ref

from . import hand

F64 = torch.float64


def t(values):
    return torch.tensor(values, dtype=F64)


def load(module, weights):
    module = module.double()  # before loading, so the weights are not rounded to float32
    module.load_state_dict({name: t(value) for name, value in weights.items()}, strict=True)
    return module


def sig(v):
    return 1.0 / (1.0 + math.exp(-v))


# squeeze ------------------------------------------------------------------------------------------

def test_squeeze_divides_by_h_times_w():
    x = t([[[[1, 2, 3], [4, 5, 9]], [[-6, 0, 0], [0, 0, 0]]]])  # (1, 2, 2, 3): sums 24 and -6 over 6 cells
    assert torch.equal(ref.squeeze(x), t([[[[4.0]], [[-1.0]]]]))


@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (1, 1, 1, 1), (3, 2, 1, 7), (1, 4, 6, 2)])
def test_squeeze_matches_loop_mean(shape):
    x = torch.randn(shape, generator=torch.Generator().manual_seed(0), dtype=F64)
    expected = t(hand.channel_means(x.tolist())).reshape(shape[0], shape[1], 1, 1)
    torch.testing.assert_close(ref.squeeze(x), expected, rtol=1e-12, atol=1e-12)


# excitation and SE ----------------------------------------------------------------------------------

SE_W1 = [[1.0, 0.0, -1.0, 0.0], [0.5, 0.5, 0.0, 0.0]]  # (hidden = 4 // 2, C = 4)
SE_W2 = [[1.0, 0.0], [0.0, 1.0], [-1.0, 2.0], [0.5, -0.5]]  # (C, hidden)
SE_Z = [[1.0, 2.0, 3.0, 4.0], [-1.0, 0.0, -2.0, 1.0]]
# W1 z = (-2, 1.5) and (1, -0.5): the ReLU zeroes one hidden unit in each sample
SE_LOGITS = [[0.0, 1.5, 3.0, -0.75], [1.0, 0.0, -1.0, 0.5]]


def test_excitation_by_hand():
    m = load(ref.Excitation(4, reduction=2), {"mlp.0.weight": SE_W1, "mlp.2.weight": SE_W2})
    expected = t([[sig(v) for v in row] for row in SE_LOGITS])
    torch.testing.assert_close(m(t(SE_Z)), expected, rtol=1e-12, atol=0)
    assert hand.mlp(SE_W1, SE_W2, SE_Z[0]) == SE_LOGITS[0]  # the loop helper agrees with the hand values


def test_excitation_fewer_channels_than_reduction():
    w1, w2 = [[1.0, -1.0, 2.0]], [[1.0], [-2.0], [0.5]]  # hidden = max(1, 3 // 16) = 1
    m = load(ref.Excitation(3, reduction=16), {"mlp.0.weight": w1, "mlp.2.weight": w2})
    out = m(t([[1.0, 1.0, 1.0], [0.0, 1.0, 0.0]]))  # W1 z = 2 and -1 (ReLU -> 0)
    torch.testing.assert_close(out, t([[sig(2.0), sig(-4.0), sig(1.0)], [0.5, 0.5, 0.5]]), rtol=1e-12, atol=0)


def test_se_block_by_hand():
    # x[n, c] = [[z - d, z + d]] so that its mean over H and W is SE_Z[n][c]
    x = t([[[[z - 0.5 * (c + 1), z + 0.5 * (c + 1)]] for c, z in enumerate(row)] for row in SE_Z])  # (2, 4, 1, 2)
    m = load(ref.SEBlock(4, reduction=2), {"excitation.mlp.0.weight": SE_W1, "excitation.mlp.2.weight": SE_W2})
    gates = t([[sig(v) for v in row] for row in SE_LOGITS]).reshape(2, 4, 1, 1)
    torch.testing.assert_close(m(x), x * gates, rtol=1e-12, atol=0)


def test_se_block_matches_loops_on_random_input():
    g = torch.Generator().manual_seed(3)
    x = torch.randn(2, 5, 3, 4, generator=g, dtype=F64)
    w1, w2 = torch.randn(2, 5, generator=g, dtype=F64), torch.randn(5, 2, generator=g, dtype=F64)
    m = load(ref.SEBlock(5, reduction=2),
             {"excitation.mlp.0.weight": w1.tolist(), "excitation.mlp.2.weight": w2.tolist()})
    expected = t(hand.se_block(x.tolist(), w1.tolist(), w2.tolist()))
    torch.testing.assert_close(m(x), expected, rtol=1e-12, atol=1e-12)


# ECA ------------------------------------------------------------------------------------------------

ECA_KERNEL = [0.5, 1.0, -0.5]
ECA_Z = [[1.0, 2.0, 3.0, 4.0, 5.0], [3.0, 0.0, -1.0, 0.0, 2.0]]
# out_c = 0.5 z_{c-1} + z_c - 0.5 z_{c+1}, zero beyond both ends of each sample's own sequence
ECA_LOGITS = [[0.0, 1.0, 2.0, 3.0, 7.0], [3.0, 2.0, -1.0, -1.5, 2.0]]


def test_eca_block_by_hand():
    x = t([[[[z + 0.25], [z - 0.25]] for z in row] for row in ECA_Z])  # (2, 5, 2, 1), channel means ECA_Z
    m = load(ref.ECABlock(5, kernel_size=3), {"conv.weight": [[ECA_KERNEL]]})
    gates = t([[sig(v) for v in row] for row in ECA_LOGITS]).reshape(2, 5, 1, 1)
    torch.testing.assert_close(m(x), x * gates, rtol=1e-12, atol=0)
    assert [hand.conv1d_zero_padded(row, ECA_KERNEL) for row in ECA_Z] == ECA_LOGITS


def test_eca_block_does_not_mix_neighbouring_samples():
    # a convolution over the flattened batch would give sample 0's last channel 0.5 * 4 + 5 - 0.5 * 3 = 5.5, not 7
    x = t([[[[z]] for z in row] for row in ECA_Z])  # (2, 5, 1, 1)
    m = load(ref.ECABlock(5, kernel_size=3), {"conv.weight": [[ECA_KERNEL]]})
    assert m(x)[0, 4, 0, 0].item() == pytest.approx(5.0 * sig(7.0), rel=1e-12)
    assert m(x)[1, 0, 0, 0].item() == pytest.approx(3.0 * sig(3.0), rel=1e-12)


@pytest.mark.parametrize("k", [1, 5, 7])
def test_eca_block_matches_loops_for_other_kernels(k):
    g = torch.Generator().manual_seed(k)
    x = torch.randn(3, 6, 2, 3, generator=g, dtype=F64)
    kernel = torch.randn(k, generator=g, dtype=F64).tolist()
    m = load(ref.ECABlock(6, kernel_size=k), {"conv.weight": [[kernel]]})
    torch.testing.assert_close(m(x), t(hand.eca_block(x.tolist(), kernel)), rtol=1e-12, atol=1e-12)


# channel attention ------------------------------------------------------------------------------------

CA_W1 = [[1.0, 0.5], [-1.0, 1.0]]  # C = 2, reduction 1: hidden 2
CA_W2 = [[0.5, 1.0], [-0.25, 0.5]]
CA_X = [[[[1.0, 3.0], [-2.0, 2.0]], [[0.0, 0.0], [4.0, -4.0]]]]  # avg (1, 0), max (3, 4)
# mlp(avg) = W2 relu(1, -1) = (0.5, -0.25); mlp(max) = W2 relu(5, 1) = (3.5, -0.75)
CA_LOGITS = [4.0, -1.0]


def test_channel_attention_by_hand():
    m = load(ref.ChannelAttention(2, reduction=1), {"mlp.0.weight": CA_W1, "mlp.2.weight": CA_W2})
    x = t(CA_X)
    out = m(x)
    torch.testing.assert_close(out, x * t([sig(v) for v in CA_LOGITS]).reshape(1, 2, 1, 1), rtol=1e-12, atol=0)
    # what plausible mistakes would give: each differs from the hand value
    wrong = {
        "sigmoid per path": [sig(0.5) + sig(3.5), sig(-0.25) + sig(-0.75)],
        "avg path only": [sig(0.5), sig(-0.25)],
        "max path only": [sig(3.5), sig(-0.75)],
        "descriptors added before the MLP": [sig(v) for v in hand.mlp(CA_W1, CA_W2, [4.0, 4.0])],
        "paths averaged": [sig(2.0), sig(-0.5)],
    }
    for mistake, gates in wrong.items():
        assert not torch.allclose(out, x * t(gates).reshape(1, 2, 1, 1), rtol=1e-3), mistake


def test_channel_attention_matches_loops_on_random_input():
    g = torch.Generator().manual_seed(5)
    x = torch.randn(2, 5, 3, 4, generator=g, dtype=F64)
    w1, w2 = torch.randn(2, 5, generator=g, dtype=F64).tolist(), torch.randn(5, 2, generator=g, dtype=F64).tolist()
    m = load(ref.ChannelAttention(5, reduction=2), {"mlp.0.weight": w1, "mlp.2.weight": w2})
    torch.testing.assert_close(m(x), t(hand.channel_attention(x.tolist(), w1, w2)), rtol=1e-12, atol=1e-12)


# spatial attention ------------------------------------------------------------------------------------

SA_X = [[[[1.0, -2.0, 0.0], [3.0, 1.0, -1.0], [0.0, 2.0, -3.0]],
         [[-1.0, 0.0, 2.0], [1.0, -3.0, 1.0], [2.0, 0.0, 1.0]]]]  # (1, 2, 3, 3)
# max over C = [[1, 0, 2], [3, 1, 1], [2, 2, 1]]; mean over C = [[0, -1, 1], [2, -1, 0], [1, 1, -1]]
SA_K_MAX = [[0.1, 0.0, -0.2], [0.3, 0.5, 0.0], [0.0, -0.1, 0.2]]  # applied to input channel 0, the max map
SA_K_MEAN = [[0.0, 0.2, 0.0], [-0.3, 0.4, 0.1], [0.2, 0.0, -0.5]]  # applied to input channel 1, the mean map


def test_spatial_attention_by_hand():
    m = load(ref.SpatialAttention(kernel_size=3), {"conv.weight": [[SA_K_MAX, SA_K_MEAN]]})
    x = t(SA_X)
    out = m(x)
    # centre: 1.1 from the max map + (-0.5) from the mean map; corner (0, 0): 0.4 + 0.4 (zero padding outside)
    torch.testing.assert_close(out[0, :, 1, 1], t([1.0, -3.0]) * sig(0.6), rtol=1e-12, atol=0)
    torch.testing.assert_close(out[0, :, 0, 0], t([1.0, -1.0]) * sig(0.8), rtol=1e-12, atol=0)
    torch.testing.assert_close(out, t(hand.spatial_attention(SA_X, [SA_K_MAX, SA_K_MEAN])), rtol=1e-12, atol=1e-12)


def test_spatial_attention_max_map_is_channel_0():
    m = load(ref.SpatialAttention(kernel_size=3), {"conv.weight": [[SA_K_MAX, SA_K_MEAN]]})
    swapped = t(hand.spatial_attention(SA_X, [SA_K_MAX, SA_K_MEAN], order=("mean", "max")))
    assert (m(t(SA_X)) - swapped).abs().max() > 0.05  # the kernels are asymmetric, so the order shows


@pytest.mark.parametrize("shape, k", [((2, 3, 2, 4), 3), ((1, 2, 3, 3), 5), ((2, 4, 5, 3), 7), ((1, 3, 2, 3), 1)])
def test_spatial_attention_matches_loops(shape, k):
    g = torch.Generator().manual_seed(k)
    x = torch.randn(shape, generator=g, dtype=F64)
    kernels = (0.3 * torch.randn(2, k, k, generator=g, dtype=F64)).tolist()
    m = load(ref.SpatialAttention(kernel_size=k), {"conv.weight": [kernels]})
    torch.testing.assert_close(m(x), t(hand.spatial_attention(x.tolist(), kernels)), rtol=1e-12, atol=1e-12)


# CBAM ---------------------------------------------------------------------------------------------------

def cbam_by_hand_weights():
    return load(ref.CBAM(2, reduction=1, kernel_size=3), {
        "channel.mlp.0.weight": CA_W1, "channel.mlp.2.weight": CA_W2, "spatial.conv.weight": [[SA_K_MAX, SA_K_MEAN]]})


def test_cbam_is_spatial_of_channel():
    out = cbam_by_hand_weights()(t(SA_X))
    expected = t(hand.cbam(SA_X, CA_W1, CA_W2, [SA_K_MAX, SA_K_MEAN]))
    torch.testing.assert_close(out, expected, rtol=1e-12, atol=1e-12)
    reversed_order = hand.channel_attention(hand.spatial_attention(SA_X, [SA_K_MAX, SA_K_MEAN]), CA_W1, CA_W2)
    assert (out - t(reversed_order)).abs().max() > 1e-3
    channel_only = hand.channel_attention(SA_X, CA_W1, CA_W2)
    assert (out - t(channel_only)).abs().max() > 1e-3


def test_cbam_matches_loops_on_random_input():
    g = torch.Generator().manual_seed(7)
    x = torch.randn(2, 5, 3, 4, generator=g, dtype=F64)
    w1, w2 = torch.randn(2, 5, generator=g, dtype=F64).tolist(), torch.randn(5, 2, generator=g, dtype=F64).tolist()
    kernels = (0.3 * torch.randn(2, 5, 5, generator=g, dtype=F64)).tolist()
    m = load(ref.CBAM(5, reduction=2, kernel_size=5), {
        "channel.mlp.0.weight": w1, "channel.mlp.2.weight": w2, "spatial.conv.weight": [kernels]})
    torch.testing.assert_close(m(x), t(hand.cbam(x.tolist(), w1, w2, kernels)), rtol=1e-12, atol=1e-12)
