"""Put the scores into nbgrader's gradebook, so formgrader and ``nbgrader export`` show them.

The assignment, its notebooks and one auto-graded code cell per exercise (``grade_id`` =
exercise id, points from the instructor notebooks) are created where ``nbgrader
generate_assignment`` has not already done so; each student gets a submission whose grades
carry the grader's scores as nbgrader's ``auto_score``. A new gradebook starts as a copy of an
empty one nbgrader made before (see `gradebook_template`), which spares nbgrader's seconds-long
``alembic`` subprocess.
"""
import os
import threading
import warnings
from pathlib import Path

from autograder.exercises import ASSIGNMENT, EXERCISES
from autograder.tools import put_scripts_on_path

from .gradebook_template import start_from_template

# One recording at a time in a process: the filter that silences nbgrader's notes is the process's, and a batch
# that left catch_warnings while another's recording ran would restore it under that one.
RECORDING = threading.Lock()


def create_gradebook(path: Path, max_scores: dict) -> None:
    """Create the database and the assignment's cells."""
    record_scores(path, max_scores, [])


def record_scores(path: Path, max_scores: dict, records: list) -> None:
    from nbgrader.api import Gradebook, MissingEntry

    Path(path).parent.mkdir(parents=True, exist_ok=True)
    put_scripts_on_path()
    if not os.path.lexists(path):
        start_from_template(Path(path))
    with RECORDING, warnings.catch_warnings(), Gradebook(f"sqlite:///{Path(path).resolve()}") as gradebook:
        warnings.simplefilter("ignore")  # SQLAlchemy's autoflush notes inside nbgrader's own add_submission
        gradebook.update_or_create_assignment(ASSIGNMENT)
        for exercise in EXERCISES:
            gradebook.update_or_create_notebook(exercise.notebook, ASSIGNMENT)
            try:
                gradebook.find_grade_cell(exercise.id, exercise.notebook, ASSIGNMENT)
            except MissingEntry:
                gradebook.update_or_create_grade_cell(exercise.id, exercise.notebook, ASSIGNMENT,
                                                      max_score=max_scores[exercise.id], cell_type="code")
        for record in sorted(records, key=lambda r: r["student"]):
            student = record["student"]
            gradebook.update_or_create_student(student)
            try:
                gradebook.find_submission(ASSIGNMENT, student)
            except MissingEntry:
                gradebook.add_submission(ASSIGNMENT, student)
            for row in record["results"]:
                grade = gradebook.find_grade(row["exercise"], row["notebook"], ASSIGNMENT, student)
                grade.auto_score = row["score"]
                grade.needs_manual_grade = False
            gradebook.db.commit()
