"""Every number a chapter states about a paper is in the fidelity chapter's list of sources.

A *paper number* is a number with a decimal point (22.28, 45.7, 3.864) in a passage that
speaks of a paper: a paragraph or figure caption with a ``{cite:...}`` role or the word
"paper", "reported" or "README", a table under such a paragraph, or a line of code whose
comment names a paper. Each must appear in the first column of the table under "Where each
number comes from" in ``book/08_fidelity.md``, whose rows also say which table or file it
comes from. A number that row marks "not checked" must be called unchecked wherever a
chapter states it. Integers (kernel sizes, block counts) are out of this check's reach.
"""
import re
from pathlib import Path

import pytest

import book_site

BOOK = book_site.REPO / "book"
CHAPTERS = ("00_introduction", "01_squeeze", "02_excitation", "03_eca", "04_channel_attention",
            "05_spatial_attention", "08_fidelity", "glossary")
SOURCE_HEADING = "## Where each number comes from"
NUMBER = re.compile(r"(?<![\w.])\d+\.\d+(?![\d.]\d)")
SPEAKS_OF_A_PAPER = re.compile(r"\{cite:|\bpapers?\b|\breported\b|\bREADME\b", re.IGNORECASE)
CODE_COMMENT_NAMES_A_PAPER = re.compile(r"#.*(et al\.|\bpaper\b|\bREADME\b)")
INLINE_CODE = re.compile(r"`[^`]*`(?!`)")
LINK_TARGET = re.compile(r"\]\([^)]*\)|https?://\S+")
ARXIV_ID = re.compile(r"arXiv[:\s]+\d{4}\.\d{4,5}")
UNCHECKED_WORDING = re.compile(r"not check", re.IGNORECASE)


def passages(markdown: str) -> list[tuple[str, bool]]:
    """The chapter as (text, speaks of a paper) passages: prose paragraphs, tables (which
    inherit the paragraph above them), figure headers of code cells, and code lines whose
    comment names a paper. Code otherwise, front matter and the source table are left out."""
    lines = markdown.splitlines()
    if lines and lines[0] == "---":
        lines = lines[lines.index("---", 1) + 1:]
    found, paragraph, in_code, in_header, previous_cites = [], [], False, False, False

    def close_paragraph():
        nonlocal paragraph, previous_cites
        if paragraph:
            text = "\n".join(paragraph)
            is_table = all(line.lstrip().startswith("|") for line in paragraph)
            cites = bool(SPEAKS_OF_A_PAPER.search(text)) or (is_table and previous_cites)
            found.append((text, cites))
            previous_cites = cites
            paragraph = []

    skipping_source_table = False
    for line in lines:
        if line.startswith(SOURCE_HEADING):
            close_paragraph()
            skipping_source_table = True
            continue
        if skipping_source_table:
            if line.startswith("#"):
                skipping_source_table = False
            elif line.lstrip().startswith("|"):
                continue
        if line.startswith("```"):
            close_paragraph()
            in_code = not in_code and line.strip() != "```"
            in_header = False
            continue
        if in_code:
            if line == "---":
                close_paragraph() if in_header else None
                in_header = not in_header
            elif in_header:
                paragraph.append(line)
            elif CODE_COMMENT_NAMES_A_PAPER.search(line):
                found.append((line, True))
            continue
        if line.strip():
            paragraph.append(line)
        else:
            close_paragraph()
    close_paragraph()
    return found


def numbers_in(text: str) -> set[str]:
    for not_a_number in (INLINE_CODE, LINK_TARGET, ARXIV_ID):
        text = not_a_number.sub("", text)
    return set(NUMBER.findall(text))


def paper_numbers(markdown: str) -> dict[str, str]:
    """Each paper number of a chapter, with the passage that states it."""
    stated = {}
    for text, cites in passages(markdown):
        if cites:
            for number in numbers_in(text):
                stated.setdefault(number, text)
    return stated


def source_rows(fidelity: str) -> list[dict[str, str]]:
    """The rows of the table under "Where each number comes from", keyed by column name."""
    section = fidelity.split(SOURCE_HEADING, 1)[1]
    table = []
    for line in section.splitlines():
        if line.lstrip().startswith("|"):
            table.append(line)
        elif table:
            break
    split = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in table]
    header, rows = split[0], split[2:]
    return [dict(zip(header, row)) for row in rows]


def chapter(name: str, book: Path = BOOK) -> str:
    return (book / f"{name}.md").read_text()


def problems(book: Path = BOOK) -> list[str]:
    """What breaks the rule in the chapters of ``book``, one line each."""
    rows = source_rows(chapter("08_fidelity", book))
    listed = set().union(*(numbers_in(row["number in the book"]) for row in rows))
    unchecked = set().union(*(numbers_in(row["number in the book"]) for row in rows
                              if row["checked"].lower().startswith("not checked")))
    found = []
    for name in CHAPTERS:
        for number, text in sorted(paper_numbers(chapter(name, book)).items()):
            where = f"{name}.md: {number} in {' '.join(text.split())[:120]!r}"
            if number not in listed:
                found.append(f"{where} is not in the fidelity chapter's list of sources")
            elif number in unchecked and not UNCHECKED_WORDING.search(text):
                found.append(f"{where} is listed as not checked, but the text does not say so")
    return found


def test_every_paper_number_of_the_chapters_has_a_listed_source():
    assert not problems(), "\n".join(problems())


def test_every_source_row_names_a_source_a_chapter_and_a_check():
    rows = source_rows(chapter("08_fidelity"))
    assert len(rows) >= 10
    for row in rows:
        assert all(row[column] for column in ("number in the book", "where", "source", "checked")), row


# The detector itself, on chapters written for the purpose.

CITED = "The paper {cite:p}`hu2020squeeze` reports 22.28 and 22.23.\n"
TABLE = "| design | error |\n|---|---|\n| SE-PRE | 22.23 |\n"
CODE_CELL = ("```{code-cell} ipython3\n---\nmystnb:\n  figure:\n    caption: |\n"
             "      Sizes the SE paper reports, 45.7 million at r = 2.\n---\n"
             "reported = {2: 45.7}  # SE-ResNet-50, Hu et al. (2020)\nscale = 0.5\n```\n")


@pytest.mark.parametrize(("markdown", "expected"), [
    (CITED, {"22.28", "22.23"}),
    ("A gate of 0.5 halves the branch.\n", set()),
    ("The paper {cite:p}`woo2018cbam` tried these:\n\n" + TABLE, {"22.23"}),
    ("Our own run:\n\n" + TABLE, set()),
    (CODE_CELL, {"45.7"}),
    ("The official README says `torch 2.1` and [v1.2](https://x.org/1.5).\n", set()),
    ("The paper (arXiv 1709.01507) reports 3.87.\n", {"3.87"}),
], ids=["cited paragraph", "no paper", "table under a citation", "table under our own words",
        "caption and commented code", "code spans and links", "arXiv identifier"])
def test_paper_numbers_are_the_decimals_of_passages_about_papers(markdown, expected):
    assert set(paper_numbers(markdown)) == expected


FIDELITY = """# Fidelity notes

{SOURCE_HEADING}

| number in the book | where | source | checked |
|---|---|---|---|
| placements: 22.28, 22.23 | ch. 2 | SE paper, Table 14 | paper text read |
| kernels: 22.66 against 22.68 | ch. 5 | CBAM paper, Table 2 | not checked: no copy opened |
"""


def write_book(tmp_path: Path, chapter_text: str) -> Path:
    for name in CHAPTERS:
        (tmp_path / f"{name}.md").write_text("# Empty\n")
    (tmp_path / "02_excitation.md").write_text(chapter_text)
    (tmp_path / "08_fidelity.md").write_text(FIDELITY.replace("{SOURCE_HEADING}", SOURCE_HEADING))
    return tmp_path


@pytest.mark.parametrize(("chapter_text", "complaint"), [
    (CITED, None),
    ("The paper {cite:p}`hu2020squeeze` reports 22.28 and 22.29.\n", "22.29 in"),
    ("The CBAM paper {cite:p}`woo2018cbam` found 22.66 against 22.68.\n", "does not say so"),
    ("The CBAM paper {cite:p}`woo2018cbam` found 22.66 against 22.68 (not checked).\n", None),
], ids=["all listed", "unlisted number", "unchecked number stated as fact", "unchecked, said so"])
def test_the_rule_catches_unlisted_and_silently_unchecked_numbers(tmp_path, chapter_text, complaint):
    found = problems(write_book(tmp_path, chapter_text))
    if complaint is None:
        assert found == []
    else:
        assert found and all(complaint in line for line in found), found
