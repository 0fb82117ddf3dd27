"""Every parameterisation the exercise API allows passes check(); realistic wrong work fails, naming the mistake."""
import pytest
from gallery import CORRECT, WRONG

import autograder.reference as ref
from autograder.checks import check
from autograder.exercises import BY_ID


@pytest.mark.filterwarnings("ignore:Initializing zero-element tensors")  # W1 in halves, one of them empty
@pytest.mark.parametrize("exercise_id,index", [(e, i) for e in CORRECT for i in range(len(CORRECT[e]))])
def test_correct_parameterisation_passes(exercise_id, index):
    check(exercise_id, CORRECT[exercise_id][index])


@pytest.mark.parametrize("exercise_id", sorted(CORRECT))
def test_the_reference_passes(exercise_id):
    check(exercise_id, getattr(ref, BY_ID[exercise_id].name))


@pytest.mark.filterwarnings("ignore:Initializing zero-element tensors")  # a mistake with hidden width 0
@pytest.mark.parametrize("exercise_id,index", [(e, i) for e in WRONG for i in range(len(WRONG[e]))])
def test_wrong_work_fails_with_a_message_naming_it(exercise_id, index):
    wrong, fragment = WRONG[exercise_id][index]
    with pytest.raises(AssertionError) as failure:
        check(exercise_id, wrong)
    assert fragment.lower() in str(failure.value).lower(), str(failure.value)
