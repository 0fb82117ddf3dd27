"""The sandboxed grader: ``python -m autograder grade SUBMISSIONS --out RESULTS`` (see batch.grade).

Steps, one small module each: submissions + layouts + names (open, discover, safe ids) -> cells
(the student's code) -> sandbox + inside/harness (run it, probe each exercise, untrusted) ->
results + scoring (load as data, judge, trusted) -> feedback, outputs, gradebook -> summary.
"""
