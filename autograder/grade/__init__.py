"""The sandboxed grader: ``python -m autograder grade SUBMISSIONS --out RESULTS`` (see batch.grade).

Steps, one small module each: submissions + layouts + names (open, discover, safe ids) -> cells
(the student's code) -> sandbox + inside/harness (run it, probe each exercise, untrusted) ->
results + scoring (load as data, judge, trusted) -> feedback, outputs, gradebook -> summary.
"""
import sys

# nbformat imports jsonschema, whose optional RFC 3987 checker builds a grammar at import (about 3 CPU-s
# per process); nbformat never checks that format, so the grader's processes go without it.
sys.modules.setdefault("rfc3987_syntax", None)
