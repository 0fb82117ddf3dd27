"""Tests of the hidden reference modules (`autograder.reference`) against independent computations."""
