"""The rendered book gives away nothing that grades students: no solution line, hidden-test line,
reference line or instructor-only path (``autograder/leaks.py`` says what counts) in its pages,
its search index or the chapter sources it ships. The whole student edition, notebooks and README
included, is scanned the same way in tests/edition/."""
import pytest

import book_site
from autograder import leaks


@pytest.fixture(scope="module")
def book_files(built_book):
    """The pages of the table of contents, the search index and the chapters' sources."""
    docs = set(book_site.toc_docnames())
    pages = [book_site.page_path(doc) for doc in docs]
    sources = [p for p in (built_book / "_sources").rglob("*")
               if p.is_file() and p.relative_to(built_book / "_sources").as_posix().split(".")[0] in docs]
    return pages + sources + [built_book / "searchindex.js"]


def test_the_scan_reads_every_chapter_and_its_source(book_files):
    assert len(book_files) == 2 * len(book_site.toc_docnames()) + 1
    assert all(path.is_file() for path in book_files)


def test_no_secret_in_the_book(built_book, book_files):
    known = leaks.secrets()
    found = [leak for path in book_files
             for leak in leaks.scan_text(path.relative_to(built_book).as_posix(), leaks.readable_text(path), known)]
    assert found == []
