"""The cluttered-digits generator: deterministic, and each digit where its record says."""
import functools
import subprocess
import sys

import numpy as np
import pytest
import torch

from experiments.cluttered_digits import _digits, make_cluttered_digits, source_split


@functools.cache
def digits():
    """scikit-learn's digits, read when a test first needs them (its import costs every xdist worker two CPU-seconds
    at collection otherwise)."""
    from sklearn.datasets import load_digits

    return load_digits()


def test_the_same_seed_gives_the_same_images_and_another_seed_does_not():
    a = make_cluttered_digits(20, seed=3)
    b = make_cluttered_digits(20, seed=3)
    c = make_cluttered_digits(20, seed=4)
    assert torch.equal(a.images, b.images) and torch.equal(a.labels, b.labels)
    assert torch.equal(a.positions, b.positions)
    assert not torch.equal(a.images, c.images)


@pytest.mark.parametrize("canvas", [8, 20, 40])
def test_each_digit_lies_inside_the_canvas_at_its_recorded_position(canvas):
    data = make_cluttered_digits(50, canvas=canvas, seed=1)
    assert data.images.shape == (50, 1, canvas, canvas)
    for image, label, (row, col), source in zip(data.images, data.labels, data.positions.tolist(), data.sources):
        assert 0 <= row <= canvas - 8 and 0 <= col <= canvas - 8
        digit = torch.from_numpy(digits().images[source].astype(np.float32) / 16)
        assert label.item() == digits().target[source]
        window = image[0, row : row + 8, col : col + 8]
        # layers combine by maximum: the digit is never dimmed, and its brightest pixels are exactly 1
        assert torch.all(window >= digit)
        assert torch.all(window[digit == 1] == 1)


def test_without_clutter_or_noise_the_canvas_is_the_digit_alone():
    data = make_cluttered_digits(10, canvas=16, fragments=0, noise=0.0, seed=2)
    for image, (row, col), source in zip(data.images, data.positions.tolist(), data.sources):
        expected = torch.zeros(16, 16)
        expected[row : row + 8, col : col + 8] = torch.from_numpy(digits().images[source] / 16)
        assert torch.allclose(image[0], expected)


def test_clutter_never_touches_the_digits_box():
    cluttered = make_cluttered_digits(30, canvas=24, fragments=8, noise=0.0, seed=5)
    for image, (row, col), source in zip(cluttered.images, cluttered.positions.tolist(), cluttered.sources):
        window = image[0, row : row + 8, col : col + 8]
        assert torch.allclose(window, torch.from_numpy(digits().images[source] / 16).float())
        assert image[0].sum() > window.sum()  # some clutter was placed outside the box


def test_train_and_test_sources_are_disjoint_and_cover_every_digit():
    train, test = source_split(seed=0)
    assert set(train).isdisjoint(test)
    assert len(train) + len(test) == len(digits().target)


def test_bad_arguments_name_what_is_wrong():
    with pytest.raises(ValueError, match="canvas"):
        make_cluttered_digits(1, canvas=7)
    with pytest.raises(ValueError, match="count"):
        make_cluttered_digits(0)


def test_each_canvas_records_how_many_fragments_it_holds():
    assert make_cluttered_digits(20, canvas=8, seed=1).fragments.tolist() == [0] * 20  # the digit fills it
    assert make_cluttered_digits(20, canvas=40, seed=1).fragments.tolist() == [6] * 20  # room for all six
    data = make_cluttered_digits(200, canvas=12, noise=0.0, seed=1)
    outside = data.images[:, 0].clone()
    for image, (row, col) in zip(outside, data.positions.tolist()):
        image[row : row + 8, col : col + 8] = 0
    # a canvas with no fragment has nothing outside its digit's box (a fragment can be blank, so only one way)
    assert torch.all(outside[data.fragments == 0].flatten(1).amax(dim=1) == 0)
    assert 0 < data.fragments.float().mean() < 6


def test_the_digits_are_scikit_learns_load_digits_exactly():
    images, labels = _digits()
    assert np.array_equal(images, digits().images.astype(np.float32) / 16.0)
    assert np.array_equal(labels, digits().target) and labels.dtype == np.int64


def test_making_canvases_does_not_import_scikit_learn():
    """Every study worker makes its own canvases; importing scikit-learn (and scipy) would cost each a second."""
    code = ("import sys; from experiments.cluttered_digits import make_cluttered_digits; make_cluttered_digits(3); "
            "print(sorted(name for name in ('sklearn', 'scipy') if name in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
