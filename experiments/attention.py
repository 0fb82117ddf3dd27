"""One place that turns an attention name into a module, from classes with the exercise API.

    "none"          nn.Identity()
    "se"            SEBlock(C, reduction)
    "eca"           ECABlock(C, kernel_size=k)          (k None: the rule k = |(log2 C + 1) / 2|_odd)
    "cbam"          CBAM(C, reduction)
    "cbam-channel"  ChannelAttention(C, reduction)      (CBAM without its spatial stage)

`modules` maps "se", "eca", "cbam" and "channel" to classes with the exercise API's signatures,
so the student's own classes from the notebooks plug in; left out, the course's are used.
Used by the ResNet-50 builder and the study's small CNN, so both place the same modules.
"""
import torch
from torch import nn

ATTENTIONS = ("none", "se", "eca", "cbam", "cbam-channel")
CLASS_KEYS = {"se": "se", "eca": "eca", "cbam": "cbam", "cbam-channel": "channel"}


def course_modules() -> dict:
    """The course's own classes for every attention name (the notebooks' answers)."""
    from autograder import reference

    return {"se": reference.SEBlock, "eca": reference.ECABlock, "cbam": reference.CBAM,
            "channel": reference.ChannelAttention}


class GateGain(nn.Module):
    """module(x) * gain: with gain 2 (4 for CBAM's two stages), gates that start at 0.5
    leave the residual branch at its full size at initialisation.

        y = gain * A(x),  A(x) = s(x) * x,  s(x) ~ 0.5 at initialisation
    """

    def __init__(self, module: nn.Module, gain: float):
        super().__init__()
        self.module, self.gain = module, gain

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.gain * self.module(x)


def attention_module(
    name: str,
    channels: int,
    *,
    reduction: int = 16,
    mlp_bias: bool = False,
    eca_kernel_size: int | None = None,
    modules: dict | None = None,
    gate_gain: bool = False,
) -> nn.Module:
    """The attention module `name` for `channels` channels.

    mlp_bias: the SE and CBAM papers' biased MLP instead of the course's bias-free one.
    eca_kernel_size: a fixed ECA kernel size; None uses the rule.
    modules: classes with the exercise API ("se", "eca", "cbam", "channel"); None: the course's.
    gate_gain: multiply the module's output by 2 per gate stage (see GateGain).
    """
    if name not in ATTENTIONS:
        raise ValueError(f"attention must be one of {', '.join(ATTENTIONS)}; got {name!r}")
    if name == "none":
        return nn.Identity()
    classes = course_modules() if modules is None else modules
    if CLASS_KEYS[name] not in classes:
        raise ValueError(f"modules has no class for {name!r}: give it the key {CLASS_KEYS[name]!r}")
    cls = classes[CLASS_KEYS[name]]
    if name == "eca":
        module = cls(channels, kernel_size=eca_kernel_size)
    elif mlp_bias and name in ("se", "cbam"):
        from .paper_variants import PaperCBAM, PaperSEBlock

        module = PaperSEBlock(channels, reduction) if name == "se" else PaperCBAM(channels, reduction)
    else:
        module = cls(channels, reduction)
    return GateGain(module, 4.0 if name == "cbam" else 2.0) if gate_gain else module
