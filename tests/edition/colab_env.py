"""A fresh environment like Colab's: only torch, numpy, matplotlib and ipykernel, at the versions
of the course's own environment, in a virtual environment of its own (``_build/colab-venv``).

It is made once and reused while those versions stay the same; pip's cache makes remaking it quick.
"""
import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VENV = REPO / "_build" / "colab-venv"
PACKAGES = ("torch", "numpy", "matplotlib", "ipykernel")
KERNEL = "colab-like"


def pins() -> list:
    return [f"{name}=={version(name)}" for name in PACKAGES]


def python() -> Path:
    """The environment's Python, made or remade when the pins changed."""
    stamp = VENV / "pins.json"
    interpreter = VENV / "bin" / "python"
    if stamp.is_file() and json.loads(stamp.read_text()) == pins() and interpreter.is_file():
        return interpreter
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
    subprocess.run([str(interpreter), "-m", "pip", "install", "--quiet", *pins()], check=True)
    subprocess.run([str(interpreter), "-m", "ipykernel", "install", "--prefix", str(VENV), "--name", KERNEL,
                    "--display-name", "Colab-like"], check=True, capture_output=True)
    stamp.write_text(json.dumps(pins()))
    return interpreter


def kernel_path() -> Path:
    """A JUPYTER_PATH entry under which the environment's kernel, ``colab-like``, is found."""
    return VENV / "share" / "jupyter"


if __name__ == "__main__":
    print(python())
