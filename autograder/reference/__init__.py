"""The hidden reference: every name of the exercise API (`shared/exercise-api.md`).

The autograder compares student code with these modules; the book and the
student notebooks never import them.
"""
from .cbam import CBAM, ChannelAttention, SpatialAttention
from .eca import ECABlock, eca_kernel_size
from .se import Excitation, SEBlock
from .squeeze import squeeze

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
