"""What every step of a batch needs to know, fixed once per batch (and picklable for the workers)."""
from dataclasses import dataclass, field
from pathlib import Path

from .confinement import Confinement
from .sandbox import Limits

JUDGE_MEMORY = 3 * 2**30  # address space the judge child may add to what it inherits
JUDGE_SECONDS = 120.0  # for parsing and judging one student's results


@dataclass(frozen=True)
class Settings:
    results: Path  # RESULTS
    library: Path  # the sandbox's read-only library (the package autograder.inside, copied whole)
    scratch: Path  # a private folder for the sandboxes' job folders
    device: str  # "cpu" or "cuda"
    timeout: float  # seconds per exercise (and for running a notebook's cells)
    isolate: bool  # bubblewrap works here
    drop_uid: bool  # the sandbox's notebooks run as unprivileged uids of their own
    max_scores: dict  # exercise id -> points, from the instructor notebooks
    test_sources: frozenset  # normalised sources of the released and instructor test cells
    fingerprint: str  # what a finished student's record must match to be reused
    limits: Limits = field(default_factory=Limits)
    confinement: Confinement = field(default_factory=lambda: Confinement("per-process rlimits only"))
    judge_memory: int = JUDGE_MEMORY
    judge_seconds: float = JUDGE_SECONDS
    warm: object = None  # the warm sandbox lent to this student's process (warm_sandbox.Lent); None: a fresh one
