"""The feedback step attacked: which cell defines an exercise is found line by line, in linear time.

The search once used a multiline ``^\\s*`` pattern, quadratic on a cell of blank lines: 16,000 of them
took 9.7 s, and 40 such cells per notebook cost a student's grading about ten minutes of a worker
(measured, see the change's note; no timed test here). These tests pin what the line-by-line search
must still find, and that a cell of blank lines is simply not a definition.
"""
import pytest

from autograder.grade.feedback import defines


@pytest.mark.parametrize("source, found", [
    ("def squeeze(x):\n    return x", True),
    ("import torch\n\n\ndef squeeze(x):\n    pass", True),
    ("if True:\n    def squeeze(x):\n        pass", True),  # indented
    ("\tclass  squeeze:\n\tpass", True),  # a tab, two spaces
    ("def squeezed(x):\n    pass", False),  # another name that starts the same
    ("# def squeeze(x):", False),
    ("y = squeeze(x)", False),
    ("\n" * 100_000, False),
    ("\n" * 100_000 + "def squeeze(x):\n    pass", True),
])
def test_a_definition_is_found_on_its_own_line(source, found):
    assert defines(source, "squeeze") is found


def test_a_class_is_found_by_its_name():
    assert defines("class SEBlock(nn.Module):\n    pass", "SEBlock")
    assert not defines("class SEBlockV2(nn.Module):\n    pass", "SEBlock")
