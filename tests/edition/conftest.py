"""The student edition, published once per test session into a temporary folder.

Publishing copies the book the book's tests built (``built_book``, tests/conftest.py), releases
the notebooks afresh and writes the README; ``built_book`` builds it with autograder/publish.py's
own ``build_book``.
"""
import pytest

from autograder.publish import EditionError, publish


@pytest.fixture(scope="session")
def edition(tmp_path_factory, built_book):
    try:
        return publish(into=tmp_path_factory.mktemp("edition") / "student", html=built_book)
    except EditionError as error:
        pytest.fail(str(error), pytrace=False)
