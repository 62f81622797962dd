"""The author's bio finder (`cleaner/rules/author_bio.py`): the line the line model's bio shield keeps,
found by the name a byline gave, never by a list of roles."""

from __future__ import annotations

from cleaner.rules.author_bio import bio_rows, find, names

BIO = "Jane Doe is a reporter covering the city council and its budget."
PROSE = "The council approved the new budget on Tuesday after a long debate about school funding."


def test_names_come_from_byline_lines():
    assert names(["By Jane Doe"]) == {"Jane Doe"}
    assert names(["By Jane Doe and John Roe | Reuters"]) == {"Jane Doe", "John Roe"}
    assert names(["Written by Ana de la Cruz", "Posted by Li Wei, 3 March 2024"]) == {"Ana de la Cruz", "Li Wei"}
    assert names(["By Tuesday the water had gone down.", "by the way", "By Reuters"]) == set()
    assert names([PROSE, "Jane Doe"]) == set()  # a name is not a byline
    assert names(["By Jane Doe " + "x" * 120]) == set()  # too long for a byline


def test_bio_rows_are_sentences_about_a_writer():
    assert bio_rows([PROSE, BIO], {"Jane Doe"}) == [1]
    assert bio_rows(["Jane Doe, a reporter, covers the city council for us."], {"Jane Doe"}) == [0]
    assert bio_rows(["Jane Doe Smith is a reporter covering the city council."], {"Jane Doe"}) == []  # not the name
    assert bio_rows(["Jane Doe is a reporter"], {"Jane Doe"}) == []  # no sentence's end
    assert bio_rows(["Jane Doe is here."], {"Jane Doe"}) == []  # too short
    assert bio_rows(["Jane Doe Reports From The City Council."], {"Jane Doe"}) == []  # no lower-case word after


def test_find_reads_the_names_off_the_document():
    assert find(["Council budget", "By Jane Doe", PROSE, BIO, "Share"]) == [3]
    assert find(["Council budget", PROSE, BIO, "Share"]) == []  # no byline: no bio
