"""nbgrader's configuration for the course: one assignment, `attention`, sources in solutions/.

The hidden tests import `autograder.checks`: the kernels nbgrader starts run this environment's
Python, where `make install` installed the course.
"""
from autograder.notebook_schema import keep_relaxed_validators
from autograder.tools import put_scripts_on_path

put_scripts_on_path()  # nbgrader runs `alembic` by name when it creates a gradebook
keep_relaxed_validators()  # nbconvert validates after each preprocessor: the schema compiled once, not each time

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)
c.CourseDirectory.course_id = "cnn-attention"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.Execute.timeout = 120
# Kernels over Unix sockets: two kernels starting at once cannot take each other's TCP port.
c.NotebookClient.kernel_manager_class = "autograder.kernels.IPCKernelManager"
