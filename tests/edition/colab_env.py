"""A fresh environment like Colab's: only torch, numpy, matplotlib and ipykernel and what they
depend on, at the versions of the course's own environment, in a virtual environment of its own
(``_build/colab-venv``).

The environment gets exactly those distributions, each file hard-linked from the course's
environment (copied where a link is impossible), so it is made in seconds rather than by
reinstalling torch. It is reused while the versions stay the same. Its kernelspec names the
course's zygote provisioner (autograder/kernel_zygote.py): the test process forks the notebooks'
kernels from one process of the environment's own Python that imported torch once.
"""
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from importlib.metadata import distribution, version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from autograder import kernel_zygote

REPO = Path(__file__).resolve().parents[2]
VENV = REPO / "_build" / "colab-venv"
PACKAGES = ("torch", "numpy", "matplotlib", "ipykernel")
KERNEL = "colab-like"
PROVISIONER = {"provisioner_name": kernel_zygote.NAME}


def pins() -> list:
    return [f"{name}=={version(name)}" for name in PACKAGES]


def closure(names=(*PACKAGES, "pip")) -> list:
    """The distributions `names` need at run time (no extras, this platform's markers), names included; pip
    comes too, as on Colab."""
    found, todo = {}, list(names)
    while todo:
        dist = distribution(todo.pop())
        key = canonicalize_name(dist.metadata["Name"])
        if key in found:
            continue
        found[key] = dist
        for line in dist.requires or ():
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return [found[key] for key in sorted(found)]


def link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system
        shutil.copy2(source, target)


def add_distributions(site: Path) -> None:
    """Put each distribution of the closure into `site` with its metadata (pip lists it), file by file as its
    RECORD lists them; console scripts, which point at the course's interpreter, are left out."""
    for dist in closure():
        root = Path(dist.locate_file(""))
        for file in dist.files or ():
            if file.parts[0] == ".." or not (root / file).is_file():
                continue
            link(root / file, site / file)


def python() -> Path:
    """The environment's Python, made or remade when the pins changed."""
    stamp = VENV / "pins.json"
    interpreter = VENV / "bin" / "python"
    if stamp.is_file() and json.loads(stamp.read_text()) == pins() and interpreter.is_file():
        return interpreter
    subprocess.run([sys.executable, "-m", "venv", "--clear", "--without-pip", str(VENV)], check=True)
    add_distributions(Path(sysconfig.get_path("purelib", vars={"base": str(VENV), "platbase": str(VENV)})))
    subprocess.run([str(interpreter), "-m", "ipykernel", "install", "--prefix", str(VENV), "--name", KERNEL,
                    "--display-name", "Colab-like"], check=True, capture_output=True)
    stamp.write_text(json.dumps(pins()))
    return interpreter


def fork_kernels() -> None:
    """Give the environment's kernelspec the zygote provisioner (the provisioner runs in the process that
    starts the kernel; the zygote and its kernels run the environment's Python, in its environment); where
    the provisioner is not installed, the ordinary launch (a kernelspec naming it could start no kernel)."""
    spec_file = kernel_path() / "kernels" / KERNEL / "kernel.json"
    spec = json.loads(spec_file.read_text())
    metadata = spec.setdefault("metadata", {})
    wanted = PROVISIONER if kernel_zygote.registered() else None
    if metadata.get("kernel_provisioner") != wanted:
        if wanted:
            metadata["kernel_provisioner"] = wanted
        else:
            metadata.pop("kernel_provisioner", None)
        spec_file.write_text(json.dumps(spec, indent=1))


def kernel_path() -> Path:
    """A JUPYTER_PATH entry under which the environment's kernel, ``colab-like``, is found."""
    return VENV / "share" / "jupyter"


if __name__ == "__main__":
    print(python())
