"""One place that turns an attention name ("none", "se", "eca", "cbam") into a module.

Used by the ResNet-50 builder and the study's small CNN, so both place the same modules.
"""
from torch import nn

from autograder.reference import CBAM, ECABlock, SEBlock

from .paper_variants import PaperCBAM, PaperSEBlock

ATTENTIONS = ("none", "se", "eca", "cbam")


def attention_module(
    name: str,
    channels: int,
    *,
    reduction: int = 16,
    mlp_bias: bool = False,
    eca_kernel_size: int | None = None,
) -> nn.Module:
    """The attention module `name` for `channels` channels.

    mlp_bias: the SE and CBAM papers' biased MLP instead of the course's bias-free one.
    eca_kernel_size: a fixed ECA kernel size; None uses the formula k = |(log2 C + 1) / 2|_odd.
    """
    if name == "none":
        return nn.Identity()
    if name == "se":
        return PaperSEBlock(channels, reduction) if mlp_bias else SEBlock(channels, reduction)
    if name == "eca":
        return ECABlock(channels, kernel_size=eca_kernel_size)
    if name == "cbam":
        return PaperCBAM(channels, reduction) if mlp_bias else CBAM(channels, reduction)
    raise ValueError(f"attention must be one of {', '.join(ATTENTIONS)}; got {name!r}")
