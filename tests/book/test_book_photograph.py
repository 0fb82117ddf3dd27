"""book/feature_bank.py reads scikit-learn's sample photograph without importing scikit-learn (and scipy:
about two processor-seconds in each stage chapter's kernel), pixel for pixel as load_sample_image reads it."""
import subprocess
import sys
from pathlib import Path

BOOK = Path(__file__).resolve().parents[2] / "book"
CODE = """
import sys
import numpy as np
from feature_bank import sample_image
images = {name: sample_image(name) for name in ("china.jpg", "flower.jpg")}
print(sorted(name for name in ("sklearn", "scipy") if name in sys.modules))
from sklearn.datasets import load_sample_image
print(all(np.array_equal(image, load_sample_image(name)) and image.dtype == np.uint8
          and image.shape == (427, 640, 3) for name, image in images.items()))
"""


def test_the_photograph_is_scikit_learns_sample_image_read_without_importing_it():
    result = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, cwd=BOOK, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[]", "True"]
