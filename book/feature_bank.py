"""A real photograph and a bank of hand-designed filters: the feature maps the stage chapters study.

No learned weights and no downloads: the photograph ships with scikit-learn, and every
filter is written down below, so each channel of the feature map has a meaning a reader
can name. ``features(image)`` is one convolution layer followed by a ReLU, exactly the kind
of tensor an attention module sees inside a CNN, only with channels we understand.
"""
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from experiments.packaged_data import sklearn_file

KERNEL = 7  # every filter is 7 x 7 on the 3 colour channels

# The edge filters respond where brightness rises in one of eight directions, 45 degrees apart.
EDGE_DIRECTIONS = {"→": 0, "↗": 45, "↑": 90, "↖": 135, "←": 180, "↙": 225, "↓": 270, "↘": 315}

# One name per output channel, in channel order.
CHANNELS = (
    "blur",  # local brightness
    *(f"edge {arrow}" for arrow in EDGE_DIRECTIONS),  # brightness rising in that direction
    "red-green",  # more red than green
    "blue-yellow",  # more blue than red and green together
    "spot",  # centre-surround: small bright blobs and fine texture
)


def sample_image(name: str = "china.jpg") -> np.ndarray:
    """scikit-learn's sample photograph ``name`` as (H, W, 3) uint8, read as its load_sample_image reads it,
    without importing scikit-learn (and scipy with it: seconds in every chapter's kernel)."""
    with sklearn_file("datasets", "images", name).open("rb") as handle:
        return np.asarray(Image.open(handle))


def photograph(name: str = "china.jpg", step: int = 3) -> torch.Tensor:
    """scikit-learn's sample photograph as a (1, 3, H, W) float tensor in [0, 1], subsampled by ``step``."""
    image = sample_image(name)[::step, ::step]  # (H, W, 3) uint8
    return torch.from_numpy(np.ascontiguousarray(image)).permute(2, 0, 1)[None].float() / 255


def _gaussian(sigma: float) -> np.ndarray:
    r = np.arange(KERNEL) - KERNEL // 2
    g = np.exp(-(r[:, None] ** 2 + r[None, :] ** 2) / (2 * sigma**2))
    return g / g.sum()


def _oriented_edge(angle_degrees: float) -> np.ndarray:
    """Derivative of a Gaussian along the direction ``angle_degrees``: responds to edges across it."""
    r = np.arange(KERNEL) - KERNEL // 2
    yy, xx = np.meshgrid(r, r, indexing="ij")
    theta = np.deg2rad(angle_degrees)
    along = xx * np.cos(theta) - yy * np.sin(theta)
    g = along * np.exp(-(xx**2 + yy**2) / (2 * 1.5**2))
    return g / np.abs(g).sum() * 4


def filter_bank() -> torch.Tensor:
    """The weights of the layer: (12, 3, 7, 7), one filter per entry of ``CHANNELS``."""
    luminance = np.array([0.299, 0.587, 0.114])  # weights of R, G, B in perceived brightness
    blur = _gaussian(1.5)
    spot = _gaussian(0.8) - _gaussian(2.5)  # difference of Gaussians
    spatial = {  # name: (colour mixing over R, G, B; 7 x 7 spatial pattern)
        "blur": (luminance, blur),
        **{f"edge {arrow}": (luminance, _oriented_edge(angle)) for arrow, angle in EDGE_DIRECTIONS.items()},
        "red-green": (np.array([1.0, -1.0, 0.0]), blur),
        "blue-yellow": (np.array([-0.5, -0.5, 1.0]), blur),
        "spot": (luminance, spot * 4),
    }
    weights = [np.einsum("c,ij->cij", *spatial[name]) for name in CHANNELS]
    return torch.tensor(np.stack(weights), dtype=torch.float32)  # (C_out, 3, 7, 7)


def features(image: torch.Tensor) -> torch.Tensor:
    """One convolution layer with the bank and a ReLU: (N, 3, H, W) -> (N, 12, H, W), all >= 0.

    The image is padded by reflection, so the borders of the photograph do not read as edges.
    """
    padded = F.pad(image, (KERNEL // 2,) * 4, mode="reflect")
    return F.relu(F.conv2d(padded, filter_bank()))
