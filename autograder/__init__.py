"""Instructor side of the course: the hidden reference modules and the grader.

Nothing here is released to students: `notebooks/` and the rendered book never import it.
"""
