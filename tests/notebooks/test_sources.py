"""The instructor sources: format, one graded test cell per exercise, hidden tests, Colab-only imports."""
import ast
import re

import nbformat
import pytest

from cells import NOTEBOOKS, SOURCES, answer_cells, exercises_of, graded_cells, nbgrader, read, source

COLAB_MODULES = {"torch", "numpy", "matplotlib", "math"}


def test_every_notebook_has_a_source_and_nothing_else():
    assert sorted(p.stem for p in SOURCES.glob("*.ipynb")) == sorted(NOTEBOOKS)


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_format(stem):
    nb = read(SOURCES / f"{stem}.ipynb")
    nbformat.validate(nb)
    assert nb.nbformat == 4 and nb.nbformat_minor >= 5, "nbformat 4.5+ (cell ids)"
    assert nb.metadata.kernelspec.name == "python3"
    ids = [c.get("id") for c in nb.cells]
    assert all(ids) and len(set(ids)) == len(ids), "every cell has a unique id"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"cell {cell.id} carries outputs"


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_one_graded_test_cell_per_exercise(stem):
    nb = source(stem)
    tests = graded_cells(nb)
    assert sorted(tests) == sorted(e.id for e in exercises_of(stem))
    for exercise in exercises_of(stem):
        cell = tests[exercise.id]
        meta = nbgrader(cell)
        assert meta["locked"] and not meta["solution"] and meta["points"] > 0
        public, hidden = cell.source.split("### BEGIN HIDDEN TESTS")
        asserts = [node for node in ast.walk(ast.parse(public)) if isinstance(node, ast.Assert)]
        assert asserts, "visible checks come first"
        assert all(node.msg is not None for node in asserts), "every visible assert carries a message"
        assert f'check("{exercise.id}", {exercise.name})' in hidden and "### END HIDDEN TESTS" in hidden


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_stubs_are_solution_cells_with_markers(stem):
    nb = source(stem)
    solutions = [c for c in nb.cells if nbgrader(c).get("solution") and c.cell_type == "code"]
    assert solutions and all("### BEGIN SOLUTION" in c.source and "### END SOLUTION" in c.source for c in solutions)
    defined = {node.name for c in solutions for node in ast.parse(c.source).body
               if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    assert {e.name for e in exercises_of(stem)} <= defined


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_runs_with_colab_packages_only(stem):
    nb = source(stem)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        text = cell.source.split("### BEGIN HIDDEN TESTS")[0]
        assert not re.search(r"^\s*[!%]", text, re.M), f"cell {cell.id}: no shell or pip commands"
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert {n.split(".")[0] for n in names} <= COLAB_MODULES, f"cell {cell.id} imports {names}"
        assert "open(" not in text, f"cell {cell.id}: no data files beside the notebook"


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_gpu_is_used_when_present_and_never_required(stem):
    text = "\n".join(c.source for c in source(stem).cells if c.cell_type == "code")
    assert 'device = "cuda" if torch.cuda.is_available() else "cpu"' in text
    assert '"cuda"' not in text.replace('device = "cuda" if torch.cuda.is_available() else "cpu"', "")


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_every_question_has_a_manually_graded_answer_cell(stem):
    nb = source(stem)
    answers = answer_cells(nb)
    questions = [c for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("**Question")]
    assert questions and len(answers) == len(questions), "one answer cell per question"
    assert sorted(answers) == [f"{stem[:2]}-answer-{k}" for k in range(1, len(questions) + 1)]
    for cell in answers.values():
        meta = nbgrader(cell)
        assert meta["points"] > 0 and not meta["locked"] and cell.source.strip(), cell.id
    for index, cell in enumerate(nb.cells):
        if cell in questions:
            assert nb.cells[index + 1] in answers.values(), f"{cell.id}: its answer cell follows it"


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_answer_cells_leave_the_autograded_points_unchanged(stem):
    points = {e.id: nbgrader(c)["points"] for e in exercises_of(stem) for c in [graded_cells(source(stem))[e.id]]}
    expected = {"squeeze": 1, "excitation": 2, "se_block": 2, "eca_kernel_size": 1, "eca_block": 2,
                "channel_attention": 3, "spatial_attention": 3, "cbam": 2}
    assert points == {k: v for k, v in expected.items() if k in points}


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_earlier_exercises_come_only_from_the_students_own_paste_cells(stem):
    """No given cell defines a graded exercise; a later notebook asks for the student's own code instead."""
    from autograder.exercises import EXERCISES

    names = {e.name: e.notebook for e in EXERCISES}
    for cell in source(stem).cells:
        if cell.cell_type != "code" or nbgrader(cell).get("grade"):
            continue
        defined = {node.name for node in ast.parse(cell.source).body
                   if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in names}
        if defined and not nbgrader(cell).get("solution"):
            raise AssertionError(f"{stem}: cell {cell.id} hands out {defined}")
        earlier = {name for name in defined if names[name] != stem}
        if earlier:
            assert NOTEBOOKS.index(names[next(iter(earlier))]) < NOTEBOOKS.index(stem)
            assert "points" not in nbgrader(cell), f"{stem}: the paste cell {cell.id} is not graded"


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_student_text_has_no_instructor_notes(stem):
    text = " ".join(" ".join(c.source.split()) for c in source(stem).cells
                    if c.cell_type == "markdown" and not nbgrader(c).get("solution"))
    for phrase in ("source document", "seed document", "instructor", "solutions/", "Given (notebook"):
        assert phrase.lower() not in text.lower(), f"{stem}: {phrase!r} in the student's text"
