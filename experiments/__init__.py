"""The course's experiments: ResNet-50 cost accounting, module timing, and the cluttered-digits study.

The attention slot of every network takes classes with the exercise API's signatures
(`experiments.attention`); left unnamed, the course's own classes fill it.
"""
import sys

# Chapters 6 and 7 import this package before myst-nb's glue, which imports nbformat and so jsonschema,
# whose optional RFC 3987 checker builds a grammar at import (about 3 CPU-s per chapter); nbformat never
# checks that format (the grader's processes go without it too: autograder/grade/__init__.py).
sys.modules.setdefault("rfc3987_syntax", None)
