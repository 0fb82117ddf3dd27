"""Make the notebook tests' helper modules (cells, mutants) and the checks' gallery importable by name."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(1, str(Path(__file__).parents[1] / "checks"))  # gallery: the checks' correct and wrong forms
