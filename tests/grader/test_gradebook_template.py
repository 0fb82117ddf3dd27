"""A new gradebook starts as a copy of an empty one nbgrader made before, so nbgrader's ``alembic``
subprocess runs once per nbgrader version instead of once per batch; a template that cannot be
trusted is not used, and an existing gradebook is never replaced.

nbgrader itself is imported inside the tests: importing it takes seconds, which a worker that does
not run these tests should not pay while collecting them.
"""
import os
import sqlite3
from contextlib import closing

import pytest

from autograder.exercises import ASSIGNMENT, EXERCISES
from autograder.grade import gradebook_template
from autograder.grade.gradebook import create_gradebook, record_scores
from autograder.tools import with_scripts_on_path

POINTS = {exercise.id: float(i + 1) for i, exercise in enumerate(EXERCISES)}
SCORES = {exercise.id: i / 2 for i, exercise in enumerate(EXERCISES)}


def graded(student: str) -> dict:
    """A grading record as a batch hands it to the gradebook."""
    return {"student": student, "results": [
        {"exercise": e.id, "notebook": e.notebook, "score": SCORES[e.id], "max_score": POINTS[e.id]}
        for e in EXERCISES]}


def scores_in(path, student: str) -> tuple:
    """(points of each exercise, the student's score in it), as nbgrader itself reads them."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{path}") as gradebook:
        points = {e.id: gradebook.find_grade_cell(e.id, e.notebook, ASSIGNMENT).max_score for e in EXERCISES}
        scores = {e.id: gradebook.find_grade(e.id, e.notebook, ASSIGNMENT, student).auto_score for e in EXERCISES}
    return points, scores


def dump(path) -> list:
    with closing(sqlite3.connect(path)) as database:
        return list(database.iterdump())


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "autograder"


@pytest.fixture
def alembic_runs(monkeypatch) -> list:
    """nbgrader's ``alembic heads`` subprocess, counted, and answered by alembic in this process (seconds
    cheaper; that the answer is the same is checked against the real subprocess below)."""
    import nbgrader.api

    runs = []

    def heads():
        runs.append("alembic heads")
        return gradebook_template.nbgrader_head()

    monkeypatch.setattr(nbgrader.api, "get_alembic_version", heads)
    return runs


@pytest.fixture
def nbgraders_empty(tmp_path, alembic_runs):
    """An empty gradebook made by nbgrader's Gradebook itself, for planting."""
    from nbgrader.api import Gradebook

    path = tmp_path / "made-by-nbgrader" / "gradebook.db"
    path.parent.mkdir()
    with Gradebook(f"sqlite:///{path}"):
        pass
    alembic_runs.clear()
    return path


def test_a_second_new_gradebook_is_made_without_alembic(tmp_path, cache, alembic_runs):
    create_gradebook(tmp_path / "first" / "gradebook.db", POINTS)
    assert len(alembic_runs) == 1  # nbgrader made the template
    second = tmp_path / "second" / "gradebook.db"
    create_gradebook(second, POINTS)
    record_scores(second, POINTS, [graded("ada")])
    third = tmp_path / "third" / "gradebook.db"
    record_scores(third, POINTS, [graded("grace")])  # without create_gradebook first
    assert len(alembic_runs) == 1
    assert scores_in(second, "ada") == (POINTS, SCORES)
    assert scores_in(third, "grace") == (POINTS, SCORES)
    template = gradebook_template.template_path()
    assert [p.name for p in cache.iterdir()] == [template.name]  # nothing half-built left beside it
    assert oct(template.stat().st_mode & 0o777) == "0o600"
    assert sorted(p.name for p in third.parent.iterdir()) == ["gradebook.db"]


@pytest.mark.slow  # nbgrader's real alembic subprocess
def test_the_copy_is_the_gradebook_nbgrader_makes_itself(tmp_path, cache, monkeypatch):
    import nbgrader.api

    with monkeypatch.context() as patch:  # the template made with alembic's head read in this process
        patch.setattr(nbgrader.api, "get_alembic_version", gradebook_template.nbgrader_head)
        copy = tmp_path / "copy.db"
        assert gradebook_template.start_from_template(copy)
    own = tmp_path / "own.db"
    monkeypatch.setenv("PATH", with_scripts_on_path()["PATH"])
    with nbgrader.api.Gradebook(f"sqlite:///{own}"):  # nbgrader's own, with the real ``alembic heads`` subprocess
        pass
    assert dump(copy) == dump(own)  # every table, index and row, the alembic version among them
    assert any(line.startswith('INSERT INTO "alembic_version"') for line in dump(own))
    assert copy.stat().st_mode == own.stat().st_mode  # SQLite's mode for a new database, the umask applied


def plant_link(template, empty):
    template.symlink_to(empty)


def plant_writable_by_others(template, empty):
    template.write_bytes(empty.read_bytes())
    template.chmod(0o666)


def plant_in_a_folder_others_may_write_to(template, empty):
    template.write_bytes(empty.read_bytes())
    template.chmod(0o600)
    template.parent.chmod(0o777)


def plant_garbage(template, empty):
    template.write_bytes(b"not a database\n" * 300)
    template.chmod(0o600)


def plant_half_a_gradebook(template, empty):
    template.write_bytes(empty.read_bytes()[: len(empty.read_bytes()) // 2])
    template.chmod(0o600)


def plant_older_nbgrader(template, empty):
    """An nbgrader before the course table: an older schema version and no course table."""
    template.write_bytes(empty.read_bytes())
    template.chmod(0o600)
    with closing(sqlite3.connect(template)) as database, database:
        database.execute("UPDATE alembic_version SET version_num = '724cde206c17'")
        database.execute("DROP TABLE course")


def plant_older_version_only(template, empty):
    template.write_bytes(empty.read_bytes())
    template.chmod(0o600)
    with closing(sqlite3.connect(template)) as database, database:
        database.execute("UPDATE alembic_version SET version_num = '724cde206c17'")


def plant_someone_elses_data(template, empty):
    template.write_bytes(empty.read_bytes())
    template.chmod(0o600)
    with closing(sqlite3.connect(template)) as database, database:
        database.execute("INSERT INTO student (id, first_name) VALUES ('mallory', 'Mallory')")


@pytest.mark.parametrize("plant", [plant_link, plant_writable_by_others, plant_in_a_folder_others_may_write_to,
                                   plant_garbage, plant_half_a_gradebook, plant_older_nbgrader,
                                   plant_older_version_only, plant_someone_elses_data])
def test_a_template_that_cannot_be_trusted_is_not_used(tmp_path, cache, alembic_runs, nbgraders_empty, plant):
    template = gradebook_template.template_path()
    cache.mkdir(mode=0o700, parents=True)
    plant(template, nbgraders_empty)
    planted = template.read_bytes()
    destination = tmp_path / "out" / "gradebook.db"
    create_gradebook(destination, POINTS)
    record_scores(destination, POINTS, [graded("ada")])
    assert len(alembic_runs) == 1  # nbgrader made the gradebook itself, as without a template
    assert scores_in(destination, "ada") == (POINTS, SCORES)
    assert "mallory" not in "\n".join(dump(destination))
    assert template.read_bytes() == planted  # nothing of the user's is lost
    assert sorted(p.name for p in destination.parent.iterdir()) == ["gradebook.db"]


def test_a_valid_template_is_used(tmp_path, cache, alembic_runs, nbgraders_empty):
    """The planted templates above differ from this one in one thing each."""
    template = gradebook_template.template_path()
    cache.mkdir(mode=0o700, parents=True)
    template.write_bytes(nbgraders_empty.read_bytes())
    template.chmod(0o600)
    destination = tmp_path / "out" / "gradebook.db"
    record_scores(destination, POINTS, [graded("ada")])
    assert alembic_runs == []
    assert scores_in(destination, "ada") == (POINTS, SCORES)


@pytest.mark.filterwarnings("ignore:Object of type")  # SQLAlchemy's autoflush notes inside nbgrader's add_submission
def test_an_existing_gradebook_keeps_its_other_assignments(tmp_path, cache, alembic_runs):
    from nbgrader.api import Gradebook

    path = tmp_path / "course" / "gradebook.db"
    path.parent.mkdir()
    with Gradebook(f"sqlite:///{path}") as gradebook:
        gradebook.add_assignment("ps0")
        gradebook.add_notebook("intro", "ps0")
        gradebook.add_grade_cell("q1", "intro", "ps0", max_score=3, cell_type="code")
        gradebook.add_student("grace")
        gradebook.add_submission("ps0", "grace")
        gradebook.find_grade("q1", "intro", "ps0", "grace").auto_score = 2.5
        gradebook.db.commit()
    create_gradebook(path, POINTS)
    record_scores(path, POINTS, [graded("ada")])
    assert scores_in(path, "ada") == (POINTS, SCORES)
    with Gradebook(f"sqlite:///{path}") as gradebook:
        assert sorted(a.name for a in gradebook.assignments) == sorted(["ps0", ASSIGNMENT])
        assert gradebook.find_grade("q1", "intro", "ps0", "grace").auto_score == 2.5
    assert len(alembic_runs) == 1  # the instructor's gradebook only
    assert not os.path.exists(gradebook_template.template_path())  # no template needed, none made


def test_a_copy_never_takes_the_place_of_a_file_already_there(tmp_path, cache, alembic_runs):
    """Where the destination appears between the check and the copy (another batch), it is kept."""
    create_gradebook(tmp_path / "first.db", POINTS)
    there = tmp_path / "gradebook.db"
    there.write_bytes(b"an instructor's file")
    assert not gradebook_template.start_from_template(there)
    assert there.read_bytes() == b"an instructor's file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache", "first.db", "gradebook.db"]


def test_batches_recording_at_once_get_whole_gradebooks_and_no_note(tmp_path, cache, alembic_runs, recwarn):
    """Six batches of one process record at once, in a fresh cache: each gradebook is whole, and nbgrader's
    SQLAlchemy notes stay silenced (the filter that silences them is the process's: one batch's recording must not
    restore it while another's runs)."""
    from concurrent.futures import ThreadPoolExecutor

    students = [f"s{n}" for n in range(6)]
    paths = [tmp_path / f"batch-{n}" / "gradebook.db" for n in range(1, len(students) + 1)]
    with ThreadPoolExecutor(len(paths)) as pool:  # the first batch has the fewest students: it ends while others run
        list(pool.map(lambda n: record_scores(paths[n - 1], POINTS, [graded(s) for s in students[:n]]),
                      range(1, len(paths) + 1)))
    assert all(scores_in(path, student) == (POINTS, SCORES)
               for n, path in enumerate(paths, 1) for student in students[:n])
    assert [p.name for p in cache.iterdir()] == [gradebook_template.template_path().name]
    assert [str(w.message) for w in recwarn if "SAWarning" in type(w.message).__name__] == []


def test_without_a_usable_cache_folder_nbgrader_makes_the_gradebook(tmp_path, monkeypatch, alembic_runs):
    (tmp_path / "not-a-folder").write_text("a file where the cache would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "not-a-folder"))
    destination = tmp_path / "out" / "gradebook.db"
    record_scores(destination, POINTS, [graded("ada")])
    assert len(alembic_runs) == 1
    assert scores_in(destination, "ada") == (POINTS, SCORES)
    assert (tmp_path / "not-a-folder").read_text() == "a file where the cache would go"
