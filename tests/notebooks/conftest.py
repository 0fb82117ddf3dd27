"""Make the notebook tests' helper modules (cells, mutants) importable by name."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
