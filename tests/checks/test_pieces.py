"""A weight held in pieces by several parameters: the assignment worked by hand, the judge's piece orders,
piece reports from the sandbox read as untrusted data, and parameters that do not exist when the module is built."""
import pytest
import torch
from gallery import (
    CBAMSplitSpatial,
    ExcitationHalves,
    ExcitationLazy,
    ExcitationParametersInForward,
    SpatialAttentionMeanFirst,
    SpatialAttentionSplit,
    SpatialAttentionSplitMeanRegisteredFirst,
)
from hand_values import output

import autograder.checks.judge as judge_module
from autograder.checks import ProbeError, cases, probe
from autograder.checks.judge import judge, layouts, pieces
from autograder.inside.cases import weight_shapes
from autograder.inside.matching import assign, size_orders


def _cpu64(exercise_id):
    return [c for c in cases(exercise_id) if c.device == "cpu" and c.dtype == "float64"]


def test_assignments_worked_by_hand():
    # one weight of 4 values in two parameters of 2: each holds one piece, from its start
    assert assign([2, 2], [4]) == [[(0, 0, 2), (1, 0, 2)]]
    # one parameter of 8 values holding two weights of 4: each at its offset
    assert assign([8], [4, 4]) == [[(0, 0, 4)], [(0, 4, 4)]]
    # both at once: W1 in two pieces, then W2 whole
    assert assign([2, 2, 4], [4, 4]) == [[(0, 0, 2), (1, 0, 2)], [(2, 0, 4)]]
    # a parameter holding the end of one weight and the start of the next is refused
    assert assign([3, 5], [4, 4]) is None
    assert assign([2, 4, 2], [4, 4]) is None
    # sizes that do not add up, and empty parameters, are refused
    assert assign([4, 4, 1], [4, 4]) is None and assign([0, 4, 4], [4, 4]) is None
    # at most eight pieces per weight (an ECA kernel of up to 8 taps, each its own scalar)
    assert assign([1] * 8, [8]) is not None and assign([1] * 9, [9]) is None


def test_size_orders_worked_by_hand():
    # parameters of one size keep their use order: one order only
    assert list(size_orders([1, 1, 1])) == [(0, 1, 2)]
    # each distinct sequence of sizes once, the use order first: 2 1 2, 2 2 1, 1 2 2
    assert list(size_orders([2, 1, 2])) == [(0, 1, 2), (0, 2, 1), (1, 0, 2)]


def test_piece_orders_worked_by_hand():
    shapes = {"spatial_kernel": (2, 1, 1)}  # kernel_size 1: the two taps are the two maps
    assert [m.tolist() for m in layouts(shapes)] == [[0, 1]]  # one parameter: the max map is channel 0, always
    assert [m.tolist() for m in layouts(shapes, (("spatial_kernel", (1, 1)),))] == [[0, 1], [1, 0]]
    # W1 (2, 3) in two pieces of 3: as stored, transposed, the pieces swapped ([3, 4, 5, 0, 1, 2]), and the
    # swapped values read transposed: position (i, j) of W1 takes swapped[j * 2 + i]
    split = layouts({"W1": (2, 3)}, (("W1", (3, 3)),))
    assert [m.tolist() for m in split] == [[0, 1, 2, 3, 4, 5], [0, 2, 4, 1, 3, 5], [3, 4, 5, 0, 1, 2],
                                           [3, 5, 1, 4, 0, 2]]
    # W1 (4, 2) in two blocks of 2 rows. Reads: as stored, blocks swapped, each block stored (2 columns x 2 rows)
    # so that values [s0 s1 s2 s3] are the block [[s0, s2], [s1, s3]], and that swapped; each as it is, then
    # with the whole matrix stored transposed, (2, 4): position (r, i) takes the read's value i * 4 + r
    assert [m.tolist() for m in layouts({"W1": (4, 2)}, (("W1", (4, 4)),))] == [
        [0, 1, 2, 3, 4, 5, 6, 7], [0, 4, 1, 5, 2, 6, 3, 7],
        [4, 5, 6, 7, 0, 1, 2, 3], [4, 0, 5, 1, 6, 2, 7, 3],
        [0, 2, 1, 3, 4, 6, 5, 7], [0, 4, 2, 6, 1, 5, 3, 7],
        [4, 6, 5, 7, 0, 2, 1, 3], [4, 0, 6, 2, 5, 1, 7, 3]]


@pytest.mark.parametrize("report", [
    "49", "49,49,", "a,b", "49,48", "49,-49,49", "0,98", "1," * 50 + "48", "9" * 200, 98, ["49", "49"],
])
def test_a_malformed_or_impossible_piece_report_is_ignored(report):
    case = next(c for c in cases("spatial_attention") if c.device == "cpu" and c.args == () and not c.kwargs)
    assert pieces(case, {"pieces/spatial_kernel": report}) == ()


def test_a_well_formed_piece_report_is_read():
    case = next(c for c in cases("spatial_attention") if c.device == "cpu" and c.args == () and not c.kwargs)
    assert pieces(case, {"pieces/spatial_kernel": "49,49"}) == (("spatial_kernel", (49, 49)),)
    assert pieces(case, {"pieces/W1": "1,1"}) == ()  # no such weight in this exercise


def test_the_probe_reports_a_split_weight_and_only_a_split_one():
    case = _cpu64("spatial_attention")[0]
    (_, k, _) = weight_shapes(case)["spatial_kernel"]
    assert probe(SpatialAttentionSplit, case)["pieces/spatial_kernel"] == f"{k * k},{k * k}"
    assert not any(name.startswith("pieces/") for name in probe(SpatialAttentionMeanFirst, case))


def test_the_maps_order_is_free_only_for_a_split_kernel():
    for case in _cpu64("spatial_attention"):
        assert judge("spatial_attention", case, probe(SpatialAttentionSplitMeanRegisteredFirst, case)).passed
        if case.shape[1] > 1:  # with one channel the max map is the mean map
            assert not judge("spatial_attention", case, probe(SpatialAttentionMeanFirst, case)).passed


@pytest.mark.parametrize("exercise_id,form", [("excitation", ExcitationHalves), ("cbam", CBAMSplitSpatial)])
def test_every_piece_order_at_once_equals_the_hand_loops_on_that_order(exercise_id, form):
    case = _cpu64(exercise_id)[0]
    results = probe(form, case)
    split = pieces(case, results)
    assert split, "the form holds a weight in pieces"
    every = judge_module.reference_outputs(case, split)
    assert len(every) == len(layouts(judge_module.weight_shapes(case), split)) > len(
        layouts(judge_module.weight_shapes(case)))
    for layout in (0, 1, len(every) // 2, len(every) - 1):
        weights = judge_module._run(case, layout, split)[1]
        torch.testing.assert_close(every[layout], output(case, weights), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("form,words", [(ExcitationLazy, "without a shape yet"),
                                        (ExcitationParametersInForward, "creates parameters inside forward")])
def test_parameters_missing_when_the_module_is_built_are_named(form, words):
    with pytest.raises(ProbeError, match=words):
        probe(form, cases("excitation")[0])


def test_the_piece_orders_tried_stay_few_whatever_the_sandbox_reports():
    case = next(c for c in cases("cbam") if c.device == "cpu" and c.args == (32,))  # W1 (2, 32), W2 (32, 2)
    greedy = {"pieces/W1": "16,16,16,16", "pieces/W2": "32,32", "pieces/spatial_kernel": "49,49"}
    split = pieces(case, greedy)
    assert split == (("W2", (32, 32)), ("spatial_kernel", (49, 49)))  # four pieces: read in their stored order
    assert len(layouts(judge_module.weight_shapes(case), split)) <= 12 * len(layouts(judge_module.weight_shapes(case)))
    three = {"pieces/W1": "24,20,20", "pieces/W2": "32,32", "pieces/spatial_kernel": "49,49"}
    # W1: 3! orders; W2's two blocks of rows: 2 orders x (as stored, transposed) = 4, over the budget of 12
    assert pieces(case, three) == (("W1", (24, 20, 20)), ("spatial_kernel", (49, 49)))
