"""The exercise registry, for the trusted side and the book; it lives in the sandbox package, which needs it too."""
from autograder.inside.exercises import ASSIGNMENT, BY_ID, EXERCISES, NOTEBOOKS, Exercise

__all__ = ["ASSIGNMENT", "BY_ID", "EXERCISES", "NOTEBOOKS", "Exercise"]
