"""The LMS tests' shared, slow part: each layout's class graded once from its zip."""
import pytest
from lms_class import TIMEOUT, entries, write_zip

from autograder.grade.batch import grade


@pytest.fixture(scope="session")
def graded_layouts(tmp_path_factory):
    """Each layout's class graded once from its zip: {layout: (results folder, batch)}; shared by the LMS tests."""
    done = {}

    def graded(layout):
        if layout not in done:
            base = tmp_path_factory.mktemp(layout)
            files, _ = entries(layout)
            out = base / "results"
            batch = grade(write_zip(base / f"{layout}.zip", files), out, workers=2, timeout=TIMEOUT, progress=False,
                          gradebook=out / "gradebook.db")
            done[layout] = out, batch
        return done[layout]
    return graded
