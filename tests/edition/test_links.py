"""The published location is read from one place, checked, and turned into every link."""
import shutil

import pytest

from autograder import links
from autograder.release import header_cell, resolve_chapter_links

CONFIG = """repository:
  url: https://github.com/teacher/attention-2027
  branch: term2
html:
  baseurl: https://course.example.org/attention
"""


@pytest.fixture
def course(tmp_path):
    """A course root with its own _config.yml and the real table of contents and chapters."""
    (tmp_path / "_config.yml").write_text(CONFIG)
    shutil.copy(links.ROOT / "_toc.yml", tmp_path / "_toc.yml")
    shutil.copytree(links.ROOT / "book", tmp_path / "book", ignore=shutil.ignore_patterns("_build", "*.pyc"))
    return tmp_path


def test_colab_and_chapter_links_follow_the_configured_location(course):
    assert links.colab_url("03_eca", course) == (
        "https://colab.research.google.com/github/teacher/attention-2027/blob/term2/notebooks/attention/03_eca.ipynb")
    assert links.chapter_url("02_excitation", root=course) == "https://course.example.org/attention/book/02_excitation.html"
    assert links.chapter_url("02_excitation", "the-excitation", root=course) == \
        links.chapter_url("02_excitation#the-excitation", root=course) == \
        "https://course.example.org/attention/book/02_excitation.html#the-excitation"


@pytest.mark.parametrize("url", ["ftp://example.org/x", "https://gitlab.com/a/b", "https://github.com/only-owner",
                                 "https://github.com/a/b/c", ""])
def test_a_wrong_repository_is_refused_with_the_key_to_fix(course, url):
    (course / "_config.yml").write_text(CONFIG.replace("https://github.com/teacher/attention-2027", url))
    links._config.cache_clear()
    with pytest.raises(ValueError, match="repository.url"):
        links.colab_url("01_squeeze", course)


def test_a_missing_site_address_is_refused(course):
    (course / "_config.yml").write_text(CONFIG.replace("  baseurl: https://course.example.org/attention\n", ""))
    links._config.cache_clear()
    with pytest.raises(ValueError, match="html.baseurl"):
        links.chapter_url("01_squeeze", root=course)


def test_unknown_notebooks_and_chapters_are_refused(course):
    with pytest.raises(ValueError, match="no exercise notebook"):
        links.colab_url("06_cost", course)
    with pytest.raises(ValueError, match="no chapter"):
        links.chapter_url("09_instructor_guide", root=course)


def test_release_resolves_chapter_links_and_stamps_the_header(course):
    text = "See [the gate](chapter:02_excitation#the-excitation) and [the book](chapter:00_introduction)."
    assert resolve_chapter_links(text, course) == (
        "See [the gate](https://course.example.org/attention/book/02_excitation.html#the-excitation) and "
        "[the book](https://course.example.org/attention/book/00_introduction.html).")
    with pytest.raises(ValueError, match="no chapter"):
        resolve_chapter_links("[x](chapter:99_nothing)", course)
    header = header_cell("04_channel_attention", course).source
    assert "(https://colab.research.google.com/github/teacher/attention-2027/blob/term2/" \
           "notebooks/attention/04_channel_attention.ipynb)" in header
    assert "(https://course.example.org/attention/book/04_channel_attention.html)" in header
    assert "solutions" not in header and "release" not in header
