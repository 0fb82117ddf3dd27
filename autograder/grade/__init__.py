"""The sandboxed grader: ``python -m autograder grade SUBMISSIONS --out RESULTS`` (see batch.grade).

Steps, one small module each: unzip / discover (find students) -> cells (the student's code)
-> sandbox + harness (run it, probe each exercise, untrusted) -> results + scoring (load as
data, judge, trusted) -> feedback / records / tables / gradebook (outputs) -> summary.
"""
