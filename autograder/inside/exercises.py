"""The exercises, in the order the course teaches them: one canonical list.

The exercise id is the nbgrader ``grade_id`` of the test cell, the key the grader
reports in ``scores.csv``, and the row of ``shared/exercise-api.md``; ``name`` is what
the student defines; ``notebook`` is the released notebook (and book chapter) stem.
"""
from typing import NamedTuple


class Exercise(NamedTuple):
    id: str
    name: str
    notebook: str


ASSIGNMENT = "attention"

EXERCISES = (
    Exercise("squeeze", "squeeze", "01_squeeze"),
    Exercise("excitation", "Excitation", "02_excitation"),
    Exercise("se_block", "SEBlock", "02_excitation"),
    Exercise("eca_kernel_size", "eca_kernel_size", "03_eca"),
    Exercise("eca_block", "ECABlock", "03_eca"),
    Exercise("channel_attention", "ChannelAttention", "04_channel_attention"),
    Exercise("spatial_attention", "SpatialAttention", "05_spatial_attention"),
    Exercise("cbam", "CBAM", "05_spatial_attention"),
)

BY_ID = {exercise.id: exercise for exercise in EXERCISES}
NOTEBOOKS = tuple(dict.fromkeys(exercise.notebook for exercise in EXERCISES))
