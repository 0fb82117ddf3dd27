"""The hand-built records' helpers, the slip catalogue (tests/notebooks/mutants.py) and the grader's class
builder (tests/grader/grader_class.py), imported by name (Chromium comes from tests/conftest.py)."""
import sys
from pathlib import Path

TESTS = Path(__file__).parents[1]
sys.path[:0] = [str(Path(__file__).parent), str(TESTS / "notebooks"), str(TESTS / "grader")]
