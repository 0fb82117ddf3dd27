"""The timing benchmark runs end to end on tiny inputs, and its CBAM variants compute the reference's function."""
import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "attention_timing.py"


def load_benchmark():
    spec = importlib.util.spec_from_file_location("attention_timing", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_benchmark_prints_every_section_and_its_variants_match_the_reference(capsys):
    load_benchmark().main(["--devices", "cpu", "--batch", "1", "--image-size", "64", "--min-run-time", "0.01"])
    out = capsys.readouterr().out
    for header in ("module time / bottleneck time", "ResNet-50 throughput", "does each reference module"):
        assert header in out
    variant_lines = [line for line in out.splitlines() if "CBAM," in line]
    assert len(variant_lines) == 6 and all("same output: True" in line for line in variant_lines)


def test_benchmark_refuses_bad_sizes_by_name(capsys):
    with pytest.raises(SystemExit):
        load_benchmark().main(["--image-size", "8"])
    assert "--image-size" in capsys.readouterr().err
