"""Cluttered digits: scikit-learn's 8x8 handwritten digits at random places on a larger canvas.

Each image is a canvas of faint uniform noise, with fragments (random 4x4 crops) of other
digits scattered where they do not touch the target, and one whole digit, whose class is
the label, at a random position. Layers combine by a pixel-wise maximum, so the digit's
own pixels are never dimmed. Train and test digits come from disjoint parts (70/30) of the
1,797 scikit-learn images. Everything follows from the seed; nothing is downloaded.
"""
import functools
import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .packaged_data import sklearn_file

DIGIT = 8  # scikit-learn's digits are 8 x 8, with values 0..16


@dataclass
class ClutteredDigits:
    images: torch.Tensor  # (N, 1, S, S) float32 in [0, 1]
    labels: torch.Tensor  # (N,) int64, the class of the whole digit
    positions: torch.Tensor  # (N, 2) int64, (row, column) of the digit's top-left corner
    sources: torch.Tensor  # (N,) int64, index of the digit in load_digits()
    fragments: torch.Tensor  # (N,) int64, how many fragments the canvas holds (fewer than asked where none fit)


def digits_file() -> Path:
    """The file scikit-learn's load_digits() reads: one row per scan, 64 pixels (0..16) and the label."""
    return sklearn_file("datasets", "data", "digits.csv.gz")


@functools.cache
def _digits():
    """(1797, 8, 8) images in [0, 1] and (1797,) labels, read once per process (read-only).

    Read as load_digits() reads them, without importing scikit-learn: that import (scipy with it)
    costs more than a second in every process that makes canvases, the study's workers included.
    """
    with gzip.open(digits_file(), mode="rt") as handle:
        data = np.loadtxt(handle, delimiter=",")
    images, labels = data[:, :-1].reshape(-1, 8, 8).astype(np.float32) / 16.0, data[:, -1].astype(np.int64)
    images.setflags(write=False)
    labels.setflags(write=False)
    return images, labels


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
    # Rejection sampling, all canvases at once: 20 candidate corners per fragment, of which the
    # first `fragments` that do not touch the digit's box are kept (a crowded canvas gets fewer).
    span = canvas - fragment_size + 1
    tries = max(20 * fragments, 1)
    corners = rng.integers(0, span, size=(count, tries, 2))
    rows, cols = corners[..., 0], corners[..., 1]
    row, col = positions[:, :1], positions[:, 1:]
    touches = (rows < row + DIGIT) & (row < rows + fragment_size) & (cols < col + DIGIT) & (col < cols + fragment_size)
    kept = ~touches & (np.cumsum(~touches, axis=1) <= fragments)
    others = rng.choice(sources, size=(count, tries))
    crops = rng.integers(0, DIGIT - fragment_size + 1, size=(count, tries, 2))
    n, t = np.nonzero(kept)
    step = np.arange(fragment_size)
    down, across = step[None, :, None], step[None, None, :]
    fragment = digits[others[n, t, None, None], crops[n, t, 0, None, None] + down, crops[n, t, 1, None, None] + across]
    # layers combine by maximum; ufunc.at is unbuffered, so overlapping fragments combine too
    np.maximum.at(images, (n[:, None, None], rows[n, t, None, None] + down, cols[n, t, None, None] + across), fragment)
    box = np.arange(DIGIT)
    at = (np.arange(count)[:, None, None], positions[:, 0, None, None] + box[:, None],
          positions[:, 1, None, None] + box)
    images[at] = np.maximum(images[at], digits[chosen])  # the digit last, on top of everything
    return ClutteredDigits(
        images=torch.from_numpy(images).unsqueeze(1),
        labels=torch.from_numpy(targets[chosen]),
        positions=torch.from_numpy(positions.astype(np.int64)),
        sources=torch.from_numpy(chosen.astype(np.int64)),
        fragments=torch.from_numpy(kept.sum(axis=1).astype(np.int64)),
    )
