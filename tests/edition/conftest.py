"""The student edition, published once per test session into a temporary folder.

Publishing builds the book the way ``make book`` does (the execution cache and ``_build/html``
are shared with the book's tests), releases the notebooks afresh and writes the README.
"""
import pytest

from autograder.publish import EditionError, publish


@pytest.fixture(scope="session")
def edition(tmp_path_factory):
    try:
        return publish(into=tmp_path_factory.mktemp("edition") / "student")
    except EditionError as error:
        pytest.fail(str(error), pytrace=False)
