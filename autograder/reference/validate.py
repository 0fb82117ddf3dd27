"""Argument checks shared by the reference modules: each raises ValueError naming the argument."""
import torch


def positive_int(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1, got {value!r}")
    return value


def odd_kernel_size(value, name: str = "kernel_size") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1 or value % 2 == 0:
        raise ValueError(f"{name} must be a positive odd integer, got {value!r}")
    return value


def feature_map(x: torch.Tensor, name: str = "x") -> torch.Tensor:
    if not isinstance(x, torch.Tensor) or x.dim() != 4:
        shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
        raise ValueError(f"{name} must be a 4-D tensor (N, C, H, W), got {shape}")
    return x


def channels_match(x: torch.Tensor, channels: int, name: str = "x") -> None:
    if x.shape[1] != channels:
        raise ValueError(f"{name} has {x.shape[1]} channels but the module was built for {channels}")
