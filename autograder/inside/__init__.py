"""Everything that runs inside the sandbox, and nothing else: the sandbox gets this folder, copied whole.

    harness     runs each notebook's cells apart, probes its exercises, sends the results back
    probe       runs a student's function or class on one case, returns plain data
    matching    finds which of a module's parameters holds which canonical weight, by role
    cases       the probe cases and the tensors each derives from its seed
    exercises   the exercise registry (ids, names, notebooks)

Its modules import one another relatively and otherwise only the standard library, torch and
numpy, never the trusted side (reference, judge, grader), so the copy works under any name and
holds nothing a student may not read. The trusted side plans the cases and time budgets and
writes them into the job file; the harness only carries them out.
"""
