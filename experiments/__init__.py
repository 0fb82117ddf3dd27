"""The course's experiments: ResNet-50 cost accounting, module timing, and the cluttered-digits study.

These use the hidden reference modules (`autograder.reference`), so the book runs them
only in cells whose source is removed from the rendered page.
"""
