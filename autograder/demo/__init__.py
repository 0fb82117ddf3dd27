"""A demo class built at run time from the instructor notebooks: what to expect before the first real batch.

    ada    solved everything                          full marks
    ben    three typical mistakes                     loses squeeze, eca_kernel_size (and eca_block,
                                                      which uses it), cbam
    cy     wrong code behind cheating tricks          loses squeeze, eca_kernel_size (and eca_block), se_block
    dee    broken: truncated, endless loop (in the    graded where possible, the rest reported
           excitation, so also in SEBlock), .cuda(),
           Colab notebook without metadata, missing

No notebook hands out an earlier answer: each student pastes their own solution cell of notebook 1
(``squeeze``) into notebooks 2 and 3, and of notebook 4 (``ChannelAttention``) into notebook 5, as the
released notebooks ask. ben's and cy's wrong code comes in cells added after their solution cells, so
what they paste is their solution cell; dee's notebook 1 cannot be read, so dee's paste cells in
notebooks 2 and 3 keep the released stub, and dee's SE and ECA blocks fail with them.
"""
from pathlib import Path

from autograder.exercises import ASSIGNMENT, NOTEBOOKS
from autograder.grade.course import ROOT, load_course

from .submission import paste_own, solved_notebook, strip_metadata, with_cells, write
from .variants import BROKEN_CUDA, BROKEN_LOOP, CHEATS, WRONG


def by_notebook(snippets: dict) -> dict:
    from autograder.exercises import BY_ID

    grouped = {}
    for exercise_id, source in snippets.items():
        grouped.setdefault(BY_ID[exercise_id].notebook, []).append(source)
    return grouped


def build_demo_class(destination: Path, root: Path = ROOT) -> Path:
    """Write the demo class's submissions under `destination` (STUDENT/attention/NN_topic.ipynb)."""
    course = load_course(root)
    solved = {stem: solved_notebook(course, stem) for stem in NOTEBOOKS}
    destination = Path(destination)

    def submit(student: str, stem: str, notebook) -> None:
        write(notebook, destination / student / "attention" / f"{stem}.ipynb")

    for student, appended in (("ada", {}), ("ben", by_notebook(WRONG)), ("cy", by_notebook(CHEATS))):
        handed_in = {stem: with_cells(solved[stem], *appended.get(stem, [])) for stem in NOTEBOOKS}
        for stem, notebook in paste_own(handed_in, course).items():
            submit(student, stem, notebook)
    first, second, third, fourth = NOTEBOOKS[:4]
    dee = destination / "dee" / "attention"
    dee.mkdir(parents=True)
    (dee / f"{first}.ipynb").write_text(nbformat_text(solved[first])[:200])  # truncated upload
    handed_in = {first: None,  # unreadable: nothing to paste from it
                 second: with_cells(solved[second], BROKEN_LOOP),
                 third: with_cells(solved[third], BROKEN_CUDA),
                 fourth: solved[fourth]}
    for stem, notebook in paste_own(handed_in, course).items():
        submit("dee", stem, strip_metadata(notebook) if stem == fourth else notebook)  # after Colab: still graded
    return destination


def typical_class(destination: Path, students: int, root: Path = ROOT) -> int:
    """A class for measuring the grader: `students` students, every other one with ben's typical mistakes
    (student00/attention/NN_topic.ipynb, ...); returns the number of notebooks written."""
    course = load_course(root)
    solved = {stem: solved_notebook(course, stem) for stem in NOTEBOOKS}
    mistakes = by_notebook(WRONG)
    for i in range(students):
        folder = Path(destination) / f"student{i:02d}" / ASSIGNMENT
        for stem in NOTEBOOKS:
            write(with_cells(solved[stem], *(mistakes.get(stem, []) if i % 2 else [])), folder / f"{stem}.ipynb")
    return students * len(NOTEBOOKS)


def nbformat_text(notebook) -> str:
    import nbformat

    return nbformat.writes(notebook)
