"""The hand-built records' helpers, imported by name (Chromium comes from tests/conftest.py)."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

