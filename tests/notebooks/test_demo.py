"""The demo class follows the course's design: later notebooks carry the student's own earlier code."""
import nbformat
import pytest

from autograder.demo import build_demo_class
from autograder.demo.submission import defined_names, nbgrader_meta, paste_own, solved_notebook
from autograder.grade.course import load_course
from cells import ROOT

LATER = ("02_excitation", "03_eca", "05_spatial_attention")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return build_demo_class(tmp_path_factory.mktemp("demo") / "class")


def _paste_cells(path):
    """The solution cells of a later notebook that define an earlier notebook's exercise."""
    nb = nbformat.read(path, as_version=4)
    return [c for c in nb.cells if c.cell_type == "code" and nbgrader_meta(c).get("solution")
            and defined_names(c.source) & {"squeeze", "ChannelAttention"}]


def _own_cell(course, stem, name):
    nb = solved_notebook(course, stem)
    return next(c.source for c in nb.cells if nbgrader_meta(c).get("solution") and name in defined_names(c.source))


def test_students_paste_their_own_earlier_solution_cells(demo):
    course = load_course(ROOT)
    own = {"squeeze": _own_cell(course, "01_squeeze", "squeeze"),
           "ChannelAttention": _own_cell(course, "04_channel_attention", "ChannelAttention")}
    for student in ("ada", "ben", "cy"):
        for stem in LATER:
            cells = _paste_cells(demo / student / "attention" / f"{stem}.ipynb")
            assert cells, (student, stem)
            for cell in cells:
                (name,) = defined_names(cell.source)
                assert cell.source == own[name], (student, stem)


def test_without_the_earlier_notebook_the_paste_cell_stays_a_stub(demo):
    for stem in ("02_excitation", "03_eca"):
        (cell,) = _paste_cells(demo / "dee" / "attention" / f"{stem}.ipynb")
        assert "raise NotImplementedError()" in cell.source


def test_paste_own_takes_what_the_student_wrote():
    course = load_course(ROOT)
    first = solved_notebook(course, "01_squeeze")
    wrong = "def squeeze(x):\n    return x.amax(dim=(2, 3), keepdim=True)  # my own, wrong\n"
    for cell in first.cells:
        if nbgrader_meta(cell).get("solution"):
            cell.source = wrong
    pasted = paste_own({"01_squeeze": first, "02_excitation": solved_notebook(course, "02_excitation")}, course)
    (cell,) = [c for c in pasted["02_excitation"].cells if nbgrader_meta(c).get("grade_id") == "paste-squeeze"]
    assert cell.source == wrong
