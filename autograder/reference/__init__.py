"""The hidden reference: every name of the exercise API (`shared/exercise-api.md`).

The autograder compares student code with these modules; the book and the
student notebooks never import them.
"""
from .squeeze import squeeze
from .se import Excitation, SEBlock
from .eca import eca_kernel_size, ECABlock
from .cbam import ChannelAttention, SpatialAttention, CBAM

__all__ = [
    "squeeze",
    "Excitation",
    "SEBlock",
    "eca_kernel_size",
    "ECABlock",
    "ChannelAttention",
    "SpatialAttention",
    "CBAM",
]
