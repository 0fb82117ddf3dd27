"""The course's experiments: ResNet-50 cost accounting, module timing, and the cluttered-digits study.

The attention slot of every network takes classes with the exercise API's signatures
(`experiments.attention`); left unnamed, the course's own classes fill it.
"""
