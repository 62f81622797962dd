"""The headline finder (`cleaner/rules/headline.py`): the line the line model's headline shield keeps,
found by place and shape, never by its words."""

from __future__ import annotations

from cleaner.rules.headline import find, headline_shaped, lead

STOP = frozenset({"the", "a", "of", "to", "and", "on", "for", "by", "after", "in"})
FIRST = "The council approved the new budget on Tuesday after a long debate about school funding."
SECOND = "Councillors said the plan would be reviewed again in the spring, once the figures are in."
PROSE = {FIRST, SECOND}


def pick(lines: list[str], removed: set[int] = frozenset()) -> str | None:
    k = find(lines, [line in PROSE for line in lines], [k in removed for k in range(len(lines))], STOP)
    return lines[k] if k >= 0 else None


def test_the_headline_is_the_line_above_the_prose_whose_words_are_the_articles():
    assert pick(["Home", "News", "Council approves new budget", FIRST, SECOND]) == "Council approves new budget"
    # a question or an exclamation may be a headline; a byline and a date between are stepped over
    assert pick(["Menu", "Why did the council approve the budget?", "By Jane Doe", "March 3, 2024", FIRST,
                 SECOND]) == "Why did the council approve the budget?"


def test_a_line_with_the_shape_but_not_the_words_is_no_headline():
    assert pick(["Home", "Share this article", FIRST, SECOND]) is None  # not the article's words
    assert pick(["Council budget", "Support our journalism", "Weekly tips on gardening", "Sign in", FIRST,
                 SECOND]) is None  # further than `skip` lines above the prose


def test_what_is_not_shaped_like_a_headline():
    assert pick(["Home", "• Council approves new budget", FIRST, SECOND]) is None  # a list item
    assert pick(["Home", "Council | Budget | School funding", FIRST, SECOND]) is None  # link separators
    assert pick(["Council budget: school funding", "Council budget:", FIRST, SECOND]) == \
        "Council budget: school funding"  # a fragment's colon is stepped over
    assert pick(["Council approves new budget", FIRST, SECOND, "Council approves new budget"]) is None  # repeated
    assert pick(["Home", "Council approves new budget", FIRST, SECOND], removed={1}) is None  # a rule removed it
    assert pick([FIRST, SECOND]) is None  # the prose opens the document
    assert not headline_shaped("The council met.")  # a sentence
    assert not headline_shaped("Budget")  # one word
    assert not headline_shaped("Budget 2024-03-03 12:00")  # a date
    assert headline_shaped("What’s Labour Together?")


def lead_of(lines: list[str], removed: set[int] = frozenset()) -> str | None:
    k = lead(lines, [line in PROSE for line in lines], [k in removed for k in range(len(lines))], STOP)
    return lines[k] if k >= 0 else None


def test_the_lead_is_the_prose_line_right_under_the_opening_headline():
    share = ["Share", "Facebook", "Email"]
    # a share bar under the first paragraph cuts it from the main run of prose: the lead is still found
    assert lead_of(["Council approves new budget", FIRST, *share, SECOND]) == FIRST
    assert lead_of(["Home", "Menu", "Council approves new budget", FIRST, *share, SECOND], removed={0, 1}) == FIRST


def test_no_lead_without_an_opening_headline_right_above_it():
    assert lead_of(["Home", "Council approves new budget", FIRST, SECOND]) is None  # a line standing above it
    assert lead_of(["Council approves new budget", "By Jane Doe", FIRST, SECOND]) is None  # nothing skipped
    assert lead_of(["Weekly tips on gardening", FIRST, SECOND]) is None  # not the article's words
    assert lead_of(["Council approves new budget", "Share this article", SECOND]) is None  # no prose under it
    assert lead_of(["Council approves new budget", FIRST], removed={1}) is None  # a rule removed it
    assert lead_of([FIRST, SECOND]) is None  # the prose opens the document
