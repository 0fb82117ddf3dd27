"""The scan's shortcuts find what the plain searches find: ``squash`` removes what ``\\s`` matches,
and a text that ``may_name`` spares holds nothing INSTRUCTOR_ONLY matches, in any case and with the
characters that re's IGNORECASE takes for ASCII letters."""
import itertools
import re
import sys

import pytest

from autograder import leaks

EVERY_CHARACTER = "".join(map(chr, range(sys.maxunicode + 1)))
# A text of the book as it is (words, code, markup), and with everything the pattern looks for
# written in every way it matches.
PAGE = ('<p>The <em>squeeze</em> averages each channel: <code>x.mean(dim=(2, 3))</code>. '
        'Solutions are yours; the hidden tests run after you hand in.</p>\n\u00a0\u2003tab\tend')
NAMES = ["solutions/attention/01_squeeze.ipynb", "from autograder.reference import SEBlock", "autograder/",
         "autograder.grade", "gradebook.db", "nbgrader_config.py", "instructor_guide", "instructor-guide",
         "make release", "### BEGIN SOLUTION", "### END SOLUTION", "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"]
FOLDS = {"i": "\u0130\u0131", "s": "\u017f", "k": "\u212a"}


def spellings(name: str):
    """The name as written, in upper, lower and title case, alternating case, and with each letter
    that has one replaced by a character IGNORECASE folds to it."""
    yield from {name, name.upper(), name.lower(), name.title(), name.swapcase(),
                "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(name))}
    for letter, others in FOLDS.items():
        for other in others:
            yield re.sub(letter, other, name, flags=re.IGNORECASE)


def plain_names(text: str) -> list:
    return sorted(set(m[0] for m in leaks.INSTRUCTOR_ONLY.finditer(text)))


def test_squash_removes_exactly_what_backslash_s_matches():
    assert leaks.squash(EVERY_CHARACTER) == re.sub(r"\s+", "", EVERY_CHARACTER)
    assert leaks.squash(PAGE) == re.sub(r"\s+", "", PAGE)


def test_the_folded_characters_are_all_that_ignorecase_takes_for_ascii_letters():
    found = set(re.findall("(?i)[a-z]", EVERY_CHARACTER)) - set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert found == set(leaks.FOLDED_TO_ASCII)


@pytest.mark.parametrize("name", NAMES)
def test_a_text_the_pattern_matches_is_never_spared(name):
    checked = 0
    for spelling, where in itertools.product(spellings(name), (0, len(PAGE) // 2, len(PAGE))):
        text = PAGE[:where] + spelling + PAGE[where:]
        expected = plain_names(text)
        if expected:
            checked += 1
            assert leaks.may_name(text), text
        assert [leak.text for leak in leaks.scan_text("page", text, leaks.Secrets({})) if leak.kind == "name"] \
            == expected
    assert checked >= 3, "no spelling of the name matched: the test tests nothing"


def test_the_book_text_is_spared():
    assert plain_names(PAGE) == [] and not leaks.may_name(PAGE)
