"""Cluttered digits: scikit-learn's 8x8 handwritten digits at random places on a larger canvas.

Each image is a canvas of faint uniform noise, with fragments (random 4x4 crops) of other
digits scattered where they do not touch the target, and one whole digit, whose class is
the label, at a random position. Layers combine by a pixel-wise maximum, so the digit's
own pixels are never dimmed. Train and test digits come from disjoint parts (70/30) of the
1,797 scikit-learn images. Everything follows from the seed; nothing is downloaded.
"""
from dataclasses import dataclass

import numpy as np
import torch
from sklearn.datasets import load_digits

DIGIT = 8  # scikit-learn's digits are 8 x 8, with values 0..16


@dataclass
class ClutteredDigits:
    images: torch.Tensor  # (N, 1, S, S) float32 in [0, 1]
    labels: torch.Tensor  # (N,) int64, the class of the whole digit
    positions: torch.Tensor  # (N, 2) int64, (row, column) of the digit's top-left corner
    sources: torch.Tensor  # (N,) int64, index of the digit in load_digits()


def _digits():
    data = load_digits()
    return data.images.astype(np.float32) / 16.0, data.target.astype(np.int64)  # (1797, 8, 8), (1797,)


def source_split(seed: int, test_fraction: float = 0.3):
    """Disjoint train and test indices into load_digits(), stratified by nothing but the seed."""
    count = len(_digits()[1])
    order = np.random.default_rng(seed).permutation(count)
    cut = int(round(count * (1 - test_fraction)))
    return np.sort(order[:cut]), np.sort(order[cut:])


def make_cluttered_digits(
    count: int,
    *,
    canvas: int = 32,
    fragments: int = 6,
    fragment_size: int = 4,
    noise: float = 0.1,
    sources=None,
    seed: int = 0,
) -> ClutteredDigits:
    """`count` canvases of size `canvas`, each with one digit drawn from `sources` (default: all)."""
    if canvas < DIGIT:
        raise ValueError(f"canvas must be at least {DIGIT} pixels to hold a digit, got {canvas}")
    if count < 1:
        raise ValueError(f"count must be >= 1, got {count}")
    if not 1 <= fragment_size <= DIGIT:
        raise ValueError(f"fragment_size must be between 1 and {DIGIT}, got {fragment_size}")
    digits, targets = _digits()
    sources = np.arange(len(targets)) if sources is None else np.asarray(sources)
    rng = np.random.default_rng(seed)
    images = rng.uniform(0.0, noise, size=(count, canvas, canvas)).astype(np.float32)
    chosen = rng.choice(sources, size=count)
    positions = rng.integers(0, canvas - DIGIT + 1, size=(count, 2))
    span = canvas - fragment_size + 1
    for image, (row, col) in zip(images, positions):
        placed = 0
        for _ in range(20 * fragments):  # rejection sampling; a crowded canvas gets fewer fragments
            if placed == fragments:
                break
            r, c = rng.integers(0, span, size=2)
            touches = r < row + DIGIT and row < r + fragment_size and c < col + DIGIT and col < c + fragment_size
            if touches:
                continue
            other = digits[rng.choice(sources)]
            i, j = rng.integers(0, DIGIT - fragment_size + 1, size=2)
            window = image[r : r + fragment_size, c : c + fragment_size]  # a view: written in place
            np.maximum(window, other[i : i + fragment_size, j : j + fragment_size], out=window)
            placed += 1
    for image, (row, col), index in zip(images, positions, chosen):
        window = image[row : row + DIGIT, col : col + DIGIT]
        np.maximum(window, digits[index], out=window)
    return ClutteredDigits(
        images=torch.from_numpy(images).unsqueeze(1),
        labels=torch.from_numpy(targets[chosen]),
        positions=torch.from_numpy(positions.astype(np.int64)),
        sources=torch.from_numpy(chosen.astype(np.int64)),
    )
