"""Title and byline of text bodies: found in the first lines, without reading the rest."""

from __future__ import annotations

from cleaner.engine.metadata import text_metadata


def test_title_and_byline_from_the_first_lines():
    body = "Council votes to close library\n\nBy Jane Doe\n\nThe council voted on Tuesday.\n"
    assert text_metadata(body) == {"title": "Council votes to close library", "byline": "Jane Doe"}


def test_a_sentence_is_not_a_title_and_a_late_byline_is_ignored():
    body = "The council voted on Tuesday to close it.\n" + "Line.\n" * 10 + "By Jane Doe\n"
    assert text_metadata(body) == {}


def test_a_very_long_first_line_is_neither_title_nor_byline_but_counts_as_a_line():
    assert text_metadata("x" * 20_000 + "\nBy Jane Doe\n") == {"byline": "Jane Doe"}
    # ten long lines fill the head: a byline after them is too late
    assert text_metadata(("y" * 20_000 + "\n") * 10 + "By Jane Doe\n") == {}


def test_a_very_long_blank_line_is_blank():
    assert text_metadata(" " * 20_000 + "\r\nA Short Headline Here\r\n") == {"title": "A Short Headline Here"}
