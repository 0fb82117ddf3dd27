"""The timing helpers' arithmetic and shapes (no time is asserted)."""
from types import SimpleNamespace

import pytest

from experiments.timing import fractions, stage_input


def test_fractions_divide_module_time_by_bottleneck_time_and_backward_is_the_difference():
    t = {("module", "forward"): 1.0, ("module", "forward+backward"): 3.0,
         ("bottleneck", "forward"): 10.0, ("bottleneck", "forward+backward"): 30.0}
    share = fractions({key: SimpleNamespace(median=value) for key, value in t.items()})
    assert share == pytest.approx({"forward": 0.1, "backward": 2.0 / 20.0, "forward+backward": 0.1})


@pytest.mark.parametrize("stage, shape", [(0, (2, 256, 56, 56)), (1, (2, 512, 28, 28)), (2, (2, 1024, 14, 14)),
                                          (3, (2, 2048, 7, 7))])
def test_stage_inputs_have_resnet50_shapes_at_224(stage, shape):
    assert tuple(stage_input(stage, 2, 224, "meta", channels_last=False).shape) == shape
