"""ResNet-50 parameter and multiply-add counts against the published and hand-worked numbers."""
import pytest
import torch

from experiments.cost import build_on_meta, multiply_adds, parameter_count
from experiments.resnet import ResNet50

PLAIN = 25_557_032  # torchvision's resnet50 and the CBAM paper's 25.56M
# (channels after expansion, blocks) of the four stages
STAGES = ((256, 3), (512, 4), (1024, 6), (2048, 3))


def count(**options):
    return parameter_count(build_on_meta(**options))


def test_plain_resnet50_has_the_published_parameter_count():
    assert count(attention="none") == PLAIN


def test_se_without_biases_adds_two_c_squared_over_sixteen_per_block():
    assert count(attention="se") - PLAIN == 2_514_944
    assert count(attention="se") == 28_071_976


def test_se_with_the_papers_biases_adds_hidden_plus_c_more_per_block():
    assert count(attention="se", mlp_bias=True) - PLAIN == 2_530_992
    assert count(attention="se", mlp_bias=True) == 28_088_024


def test_eca_official_kernels_3_5_5_7_add_exactly_80():
    assert count(attention="eca", eca_kernels="official") - PLAIN == 3 * 3 + 4 * 5 + 6 * 5 + 3 * 7 == 80


def test_eca_formula_kernels_add_86():
    # k(256) = 5, k(512) = 5, k(1024) = 5, k(2048) = 7 from |(log2 C + 1) / 2|_odd
    assert count(attention="eca") - PLAIN == 3 * 5 + 4 * 5 + 6 * 5 + 3 * 7 == 86


@pytest.mark.parametrize("mlp_bias", [False, True])
def test_cbam_adds_the_shared_mlp_and_a_two_channel_7x7_kernel_per_block(mlp_bias):
    added = 0
    for channels, blocks in STAGES:
        hidden = channels // 16
        mlp = 2 * channels * hidden + (hidden + channels if mlp_bias else 0)
        added += blocks * (mlp + 2 * 7 * 7)
    assert count(attention="cbam", mlp_bias=mlp_bias) - PLAIN == added
    # the CBAM paper's 28.09M is the biased variant; bias-free rounds to 28.07M
    assert round((PLAIN + added) / 1e6, 2) == (28.09 if mlp_bias else 28.07)


def test_the_eca_papers_millions_are_units_of_two_to_the_twentieth():
    assert round(count(attention="none") / 2**20, 2) == 24.37
    assert round(count(attention="se") / 2**20, 2) == 26.77
    assert round(count(attention="eca", eca_kernels="official") / 2**20, 2) == 24.37


def test_multiply_adds_with_the_stride_on_the_1x1_are_3_86_g():
    assert round(multiply_adds(build_on_meta(attention="none", stride_on="1x1")) / 1e9, 2) == 3.86


def test_multiply_adds_with_the_stride_on_the_3x3_are_4_09_g():
    assert round(multiply_adds(build_on_meta(attention="none", stride_on="3x3")) / 1e9, 2) == 4.09


def test_se_multiply_adds_are_its_mlp_weights_once_per_image():
    # Batch 1: each bias-free weight is one multiply-add.
    extra = multiply_adds(build_on_meta(attention="se")) - multiply_adds(build_on_meta(attention="none"))
    assert extra == 2_514_944


def test_meta_counts_match_a_real_model():
    model = ResNet50("cbam", stride_on="3x3", num_classes=10)
    meta = build_on_meta(attention="cbam", stride_on="3x3", num_classes=10)
    assert parameter_count(model) == parameter_count(meta)


@pytest.mark.parametrize("attention", ["none", "se", "eca", "cbam"])
def test_forward_gives_logits_and_gradients_reach_every_parameter(attention):
    torch.manual_seed(0)
    model = ResNet50(attention, num_classes=7)
    logits = model(torch.randn(2, 3, 64, 48))
    assert logits.shape == (2, 7)
    logits.sum().backward()
    assert all(p.grad is not None for p in model.parameters())


def test_bad_options_are_refused_with_the_argument_named():
    with pytest.raises(ValueError, match="attention"):
        ResNet50("gc")
    with pytest.raises(ValueError, match="stride_on"):
        ResNet50(stride_on="7x7")
    with pytest.raises(ValueError, match="eca_kernels"):
        ResNet50("eca", eca_kernels="paper")


def test_the_cbam_papers_imagenet_rows_are_the_stride_on_1x1_counts_to_the_third_decimal():
    from experiments.cost import PAPERS

    paper = PAPERS["CBAM (Woo et al., 2018)"]
    assert paper["layout"] == "1x1"
    for key, (params, gflops) in paper["rows"].items():
        options = dict(attention=key, mlp_bias=key != "none")
        assert round(count(**options) / 1e6, 2) == params, key
        assert round(multiply_adds(build_on_meta(stride_on="1x1", **options)) / 1e9, 3) == gflops, key


def test_the_se_papers_rows_round_from_the_stride_on_1x1_counts():
    from experiments.cost import PAPERS

    rows = PAPERS["SE (Hu et al., 2018)"]["rows"]
    assert round(count(attention="none") / 1e6, 1) == rows["none"][0]
    # with or without biases the SE network rounds to 28.1: only CBAM's 28.09 tells them apart
    assert round(count(attention="se") / 1e6, 1) == round(count(attention="se", mlp_bias=True) / 1e6, 1) == 28.1
    assert round(multiply_adds(build_on_meta(attention="none")) / 1e9, 2) == rows["none"][1]


def test_the_eca_papers_gflops_are_thops_torchvision_count_in_units_of_two_to_the_thirtieth():
    from experiments.cost import PAPERS, THOP_RESNET50

    rows = PAPERS["ECA (Wang et al., 2020)"]["rows"]
    assert round(THOP_RESNET50["multiply_adds"] / 2**30, 2) == rows["none"][1] == 3.86
    assert round(count(attention="none") / 2**20, 2) == rows["none"][0]
    # FlopCounterMode leaves out what thop adds (BatchNorm, ReLU, pooling): 3.81 x 2^30 on the same layout
    ours = multiply_adds(build_on_meta(attention="none", stride_on="3x3"))
    assert round(ours / 2**30, 2) == 3.81 and ours < THOP_RESNET50["multiply_adds"]


def test_student_classes_plug_into_the_attention_slot():
    from torch import nn

    class MySE(nn.Module):  # the exercise API's signature, any body
        def __init__(self, channels, reduction=16):
            super().__init__()
            self.scale = nn.Parameter(torch.ones(channels))

        def forward(self, x):
            return x * torch.sigmoid(self.scale)[None, :, None, None]

    model = build_on_meta(attention="se", modules={"se": MySE})
    assert count(attention="none") + 3 * 256 + 4 * 512 + 6 * 1024 + 3 * 2048 == parameter_count(model)
    with pytest.raises(ValueError, match="'eca'"):
        ResNet50("eca", modules={"se": MySE})
