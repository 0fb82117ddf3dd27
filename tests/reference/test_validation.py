"""Invalid arguments raise ValueError whose message names the argument."""
import pytest
import torch

from autograder import reference as ref

CHANNEL_TAKERS = {
    "Excitation": lambda c: ref.Excitation(c),
    "SEBlock": lambda c: ref.SEBlock(c),
    "eca_kernel_size": lambda c: ref.eca_kernel_size(c),
    "ECABlock": lambda c: ref.ECABlock(c),
    "ECABlock-kernel_size=3": lambda c: ref.ECABlock(c, kernel_size=3),
    "ChannelAttention": lambda c: ref.ChannelAttention(c),
    "CBAM": lambda c: ref.CBAM(c),
}
REDUCTION_TAKERS = {
    "Excitation": lambda r: ref.Excitation(8, reduction=r),
    "SEBlock": lambda r: ref.SEBlock(8, reduction=r),
    "ChannelAttention": lambda r: ref.ChannelAttention(8, reduction=r),
    "CBAM": lambda r: ref.CBAM(8, reduction=r),
}
KERNEL_TAKERS = {
    "ECABlock": lambda k: ref.ECABlock(8, kernel_size=k),
    "SpatialAttention": lambda k: ref.SpatialAttention(kernel_size=k),
    "SpatialAttention-positional": lambda k: ref.SpatialAttention(k),
    "CBAM": lambda k: ref.CBAM(8, kernel_size=k),
}
FEATURE_MAP_TAKERS = {
    "squeeze": lambda: ref.squeeze,
    "SEBlock": lambda: ref.SEBlock(4),
    "ECABlock": lambda: ref.ECABlock(4),
    "ChannelAttention": lambda: ref.ChannelAttention(4),
    "SpatialAttention": lambda: ref.SpatialAttention(),
    "CBAM": lambda: ref.CBAM(4),
}


@pytest.mark.parametrize("channels", [0, -3])
@pytest.mark.parametrize("make", CHANNEL_TAKERS.values(), ids=CHANNEL_TAKERS.keys())
def test_channels_below_1(make, channels):
    with pytest.raises(ValueError, match=r"\bchannels\b"):
        make(channels)


@pytest.mark.parametrize("channels", [2.5, "8", None])
@pytest.mark.parametrize("make", CHANNEL_TAKERS.values(), ids=CHANNEL_TAKERS.keys())
def test_channels_not_an_integer(make, channels):
    with pytest.raises(ValueError, match=r"\bchannels\b"):
        make(channels)


@pytest.mark.parametrize("reduction", [0, -1])
@pytest.mark.parametrize("make", REDUCTION_TAKERS.values(), ids=REDUCTION_TAKERS.keys())
def test_reduction_below_1(make, reduction):
    with pytest.raises(ValueError, match=r"\breduction\b"):
        make(reduction)


@pytest.mark.parametrize("kernel_size", [0, -1, -3, 2, 4, 8])
@pytest.mark.parametrize("make", KERNEL_TAKERS.values(), ids=KERNEL_TAKERS.keys())
def test_even_or_non_positive_kernel_size(make, kernel_size):
    with pytest.raises(ValueError, match=r"\bkernel_size\b"):
        make(kernel_size)


def test_eca_kernel_size_gamma_zero():
    with pytest.raises(ValueError, match=r"\bgamma\b"):
        ref.eca_kernel_size(64, gamma=0)


@pytest.mark.parametrize("shape", [(4,), (2, 4), (2, 4, 3), (2, 4, 3, 5, 1)])
@pytest.mark.parametrize("make", FEATURE_MAP_TAKERS.values(), ids=FEATURE_MAP_TAKERS.keys())
def test_input_not_4d(make, shape):
    with pytest.raises(ValueError, match=r"\bx\b.*4-D"):
        make()(torch.zeros(shape))


@pytest.mark.parametrize("make", FEATURE_MAP_TAKERS.values(), ids=FEATURE_MAP_TAKERS.keys())
def test_input_not_a_tensor(make):
    with pytest.raises(ValueError, match=r"\bx\b"):
        make()([[[[1.0]]]])


@pytest.mark.parametrize("shape", [(4,), (2, 4, 1), (2, 4, 1, 1)])
def test_excitation_input_not_2d(shape):
    with pytest.raises(ValueError, match=r"\bz\b.*2-D"):
        ref.Excitation(4)(torch.zeros(shape))


@pytest.mark.parametrize("make", [lambda: ref.Excitation(4)] + [FEATURE_MAP_TAKERS[n] for n in
                                  ("SEBlock", "ECABlock", "ChannelAttention", "CBAM")],
                         ids=["Excitation", "SEBlock", "ECABlock", "ChannelAttention", "CBAM"])
def test_wrong_number_of_channels(make):
    module = make()
    x = torch.zeros(2, 5) if isinstance(module, ref.Excitation) else torch.zeros(2, 5, 3, 3)
    with pytest.raises(ValueError, match=r"5 channels.*4"):
        module(x)
