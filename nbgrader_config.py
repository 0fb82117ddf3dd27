"""nbgrader's configuration for the course: one assignment, `attention`, sources in solutions/.

The hidden tests import `autograder.checks`; nbgrader runs this file as Python, and the kernels
it starts inherit this process's environment, so the repository root goes on PYTHONPATH here.
"""
import os

_ROOT = os.path.dirname(os.path.abspath(__file__))
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (_ROOT, os.environ.get("PYTHONPATH", "")) if p)

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)
c.CourseDirectory.course_id = "cnn-attention"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.Execute.timeout = 120
