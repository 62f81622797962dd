"""The prose_window kind: the main run of prose is found, non-prose lines outside it go, the rest stays."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import cleaner
from cleaner.errors import RuleError
from cleaner.rules.kinds import is_sentence_like

PROSE = [
    "The council voted on Tuesday night to close the town's last public library, despite a petition.",
    "Councillors said the building needed repairs that the authority could not afford this year.",
    "Residents said they would take the decision to the ombudsman, and a review was not ruled out.",
    "The library opened in 1905 with money from a local mill owner and has never closed since then.",
]
MENU = ["Home", "News", "Sport", "Business", "Culture", "Weather"]
FOOTER = ["About us", "Contact", "Privacy", "Terms", "Careers", "Advertise"]


NAV_RULE = """
[[rules]]
id = "nav"
kind = "line"
pattern = '^(Home|News|Sport|Business|Culture|Weather)$'
rationale = "r"
examples.remove = ["Home"]
"""


def make_rules(tmp_path: Path, extra: str = "", **fields) -> cleaner.RuleSet:
    settings = "\n".join(f"{name} = {str(value).lower() if isinstance(value, bool) else repr(value)}"
                         for name, value in fields.items())
    body = """
        id = "t"
        version = "1"
        [[rules]]
        id = "window"
        kind = "prose_window"
        rationale = "r"
        examples.remove = ["x"]
        """
    path = tmp_path / "t.toml"
    path.write_text(textwrap.dedent(body) + settings + "\n" + extra, "utf-8")
    return cleaner.load_rules([path], defaults=False)


def other(prose: list[str], tag: str) -> list[str]:
    """Distinct copies of `prose` (the kind treats a line the page shows twice as furniture)."""
    return [f"{tag}: {line}" for line in prose]


def lines(*groups: list[str]) -> str:
    return "".join(line + "\n" for group in groups for line in group)


def test_sentence_like_needs_words_and_final_punctuation():
    assert is_sentence_like("The council voted to close it.", 5)
    assert is_sentence_like("He said: “we will appeal the decision.”", 5)
    assert not is_sentence_like("The council voted to close it", 5)
    assert not is_sentence_like("Closed.", 5)


def test_lines_outside_the_main_run_are_removed_with_the_rule_named(tmp_path):
    rules = make_rules(tmp_path, head_lines=1, tail_lines=0)
    result = cleaner.clean(lines(MENU, ["Library to close"], PROSE, FOOTER), rules=rules)
    assert result.text == lines(["Library to close"], PROSE)
    assert {r.rule_id for r in result.removals} == {"window"}
    assert [(r.first_line, r.last_line) for r in result.removals] == [(1, 6), (12, 17)]


def test_short_lines_inside_the_run_stay(tmp_path):
    rules = make_rules(tmp_path, head_lines=0, tail_lines=0)
    body = [PROSE[0], "What happens next", PROSE[1], PROSE[2], "Short one.", PROSE[3]]
    assert cleaner.clean(lines(MENU, body, FOOTER), rules=rules).text == lines(body)


def test_head_and_tail_allowances(tmp_path):
    rules = make_rules(tmp_path, head_lines=2, tail_lines=1)
    text = lines(MENU, ["Headline", "By Jane Doe"], PROSE, ["— Jane Doe"], FOOTER)
    assert cleaner.clean(text, rules=rules).text == lines(["Headline", "By Jane Doe"], PROSE, ["— Jane Doe"])


def test_first_within_prefers_the_earlier_run(tmp_path):
    comments = other(PROSE, "Reader one") + other(PROSE, "Reader two")
    text = lines(MENU, PROSE, FOOTER, comments)
    best_only = make_rules(tmp_path, head_lines=0, tail_lines=0, penalty=1.0, first_within=1.0)
    assert cleaner.clean(text, rules=best_only).text == lines(comments)
    (tmp_path / "t.toml").unlink()
    first_good = make_rules(tmp_path, head_lines=0, tail_lines=0, penalty=1.0, first_within=0.4)
    assert cleaner.clean(text, rules=first_good).text == lines(PROSE)


def test_keep_outside_chars_keeps_long_prose_outside_the_window(tmp_path):
    blurb = "A long promotional blurb that is a sentence of its own and sits far away from the article."
    text = lines(PROSE, FOOTER, [blurb], MENU)
    rules = make_rules(tmp_path, head_lines=0, tail_lines=0, keep_outside_chars=60)
    assert cleaner.clean(text, rules=rules).text == lines(PROSE, [blurb])


@pytest.mark.parametrize("fields", [{"min_outside_lines": 13}, {"min_outside_share": 0.8}])
def test_an_extract_with_little_outside_is_left_alone(tmp_path, fields):
    text = lines(MENU, PROSE, FOOTER)  # 12 of 16 lines outside: 75%
    rules = make_rules(tmp_path, head_lines=0, tail_lines=0, **fields)
    assert cleaner.clean(text, rules=rules).text == text


def test_no_run_reaching_min_score_means_no_removal(tmp_path):
    text = lines(MENU, PROSE[:2], FOOTER)
    assert cleaner.clean(text, rules=make_rules(tmp_path, min_score=3.0)).text == text


def test_cleaning_is_idempotent(tmp_path):
    rules = make_rules(tmp_path)
    once = cleaner.clean(lines(MENU, ["Headline"], PROSE, FOOTER, MENU), rules=rules).text
    assert cleaner.clean(once, rules=rules).text == once


def test_fields_are_type_checked(tmp_path):
    with pytest.raises(RuleError, match="penalty"):
        make_rules(tmp_path, penalty="high")


def test_a_stop_line_ends_the_run(tmp_path):
    comments = other(PROSE, "Reader")
    text = lines(MENU, PROSE, ["Comments"], comments)
    plain = make_rules(tmp_path, head_lines=0, tail_lines=0, first_within=0.4)
    assert cleaner.clean(text, rules=plain).text == lines(PROSE, ["Comments"], comments)
    (tmp_path / "t.toml").unlink()
    stopped = make_rules(tmp_path, head_lines=0, tail_lines=0, first_within=0.4, stop="^Comments$")
    assert cleaner.clean(text, rules=stopped).text == lines(PROSE)


def test_a_finite_stop_penalty_lets_a_long_body_run_past_an_inline_box(tmp_path):
    more = other(PROSE, "Later")
    text = lines(MENU, PROSE, ["Related"], more, MENU)
    rules = make_rules(tmp_path, head_lines=0, tail_lines=0, stop="^Related$", stop_penalty=2.0)
    assert cleaner.clean(text, rules=rules).text == lines(PROSE, ["Related"], more)


def test_min_menu_before_needs_navigation_above_the_run(tmp_path):
    text = lines(PROSE, FOOTER)  # an extract: furniture after the body only
    rules = make_rules(tmp_path, head_lines=0, tail_lines=0, min_menu_before=1)
    assert cleaner.clean(text, rules=rules).text == text
    assert cleaner.clean(lines(MENU, PROSE, FOOTER), rules=rules).text == lines(PROSE)


def test_min_lead_lines_needs_navigation_before_the_first_prose_line(tmp_path):
    # A listicle's own text: headline, first paragraph, then sections of short lines and prose. Its first
    # prose line comes second, so it is not a page however many short lines follow.
    section = ["Best budget pick", "Price: $20", "Weight: 2 lb", "Colour: red", "Battery: 10 h"]
    listicle = lines(["The best kettles"], PROSE[:2], section, PROSE[2:], section, FOOTER)
    rules = make_rules(tmp_path, head_lines=0, tail_lines=0, min_lead_lines=3)
    assert cleaner.clean(listicle, rules=rules).text == listicle
    assert cleaner.clean(lines(MENU, PROSE, FOOTER), rules=rules).text == lines(PROSE)


def test_lines_other_rules_removed_count_as_furniture(tmp_path):
    text = lines(MENU, PROSE, FOOTER)
    # 6 footer lines are menu-like; with the 6 menu lines the nav rule removed, 12 >= 8
    with_nav = make_rules(tmp_path, extra=NAV_RULE, head_lines=0, tail_lines=0, min_outside_lines=8)
    result = cleaner.clean(text, rules=with_nav)
    assert result.text == lines(PROSE)
    assert {r.rule_id for r in result.removals} == {"nav", "window"}
    (tmp_path / "t.toml").unlink()
    alone = make_rules(tmp_path, head_lines=0, tail_lines=0, min_outside_lines=13)
    assert cleaner.clean(text, rules=alone).text == text


def test_bulleted_sentences_do_not_make_a_run(tmp_path):
    rules = make_rules(tmp_path, head_lines=0, tail_lines=0)
    bulleted = ["* " + p for p in PROSE]
    assert cleaner.clean(lines(MENU, bulleted, FOOTER), rules=rules).text == lines(MENU, bulleted, FOOTER)


def test_prose_at_another_indentation_counts_less(tmp_path):
    teasers = ["        " + p for p in other(PROSE, "Teaser")]  # a related list, indented deeper
    body = ["    " + p for p in PROSE]
    text = lines(MENU, body, ["Related"], teasers)
    flat = make_rules(tmp_path, head_lines=0, tail_lines=0, stop="^Related$", stop_penalty=1.0)
    assert cleaner.clean(text, rules=flat).text == lines(body, ["Related"], teasers)
    (tmp_path / "t.toml").unlink()
    by_indent = make_rules(tmp_path, head_lines=0, tail_lines=0, stop="^Related$", stop_penalty=1.0,
                           other_indent_score=0.2)
    assert cleaner.clean(text, rules=by_indent).text == lines(body)


def test_indent_sample_takes_the_body_indentation_from_the_first_prose(tmp_path):
    """Comments after the article outnumber its paragraphs: their indentation must not become the body's."""
    body = ["    " + p for p in PROSE]
    comments = ["        " + p for p in other(PROSE, "Reader") + other(PROSE, "Guest")]
    text = lines(MENU, body, ["Related"], comments)
    fields = dict(head_lines=0, tail_lines=0, stop="^Related$", stop_penalty=3.0, other_indent_score=0.2)
    by_majority = make_rules(tmp_path, **fields)
    assert cleaner.clean(text, rules=by_majority).text == lines(comments)
    (tmp_path / "t.toml").unlink()
    by_first = make_rules(tmp_path, indent_sample=4, **fields)
    assert cleaner.clean(text, rules=by_first).text == lines(body)


def test_a_line_the_page_shows_twice_is_not_prose(tmp_path):
    teaser = "A teaser for another story that the page shows in two of its lists today."
    text = lines(MENU, [teaser], FOOTER, PROSE, FOOTER, [teaser])
    rules = make_rules(tmp_path, head_lines=0, tail_lines=0, first_within=0.1)
    assert cleaner.clean(text, rules=rules).text == lines(PROSE)


def test_long_unpunctuated_lines_are_neutral_inside_the_run(tmp_path):
    table_row = "| Larry Ogunjobi | 63 | 85% | 1 tackle (1 combined) | 1 sack | 1 TFL | 2 QH |"
    body = [PROSE[0], PROSE[1], table_row, table_row.replace("63", "57"), PROSE[2], PROSE[3]]
    rules = make_rules(tmp_path, head_lines=0, tail_lines=0)
    assert cleaner.clean(lines(MENU, body, FOOTER), rules=rules).text == lines(body)


def test_run_on_keeps_later_sections_until_furniture(tmp_path):
    """A how-to breaks its prose with a checklist long enough to end a run; with nothing after the run that
    other rules removed and no stop line, the window runs on to the last prose line."""
    checklist = ["Checklist", "Budget", "Venue", "Caterer", "Photographer", "Florist", "Music", "Cake",
                 "Rings", "Dress", "Invitations", "Transport", "Seating plan"]  # 13 x -0.5 ends the run
    later = other(PROSE, "Section two")
    text = lines(MENU, PROSE, checklist, later, FOOTER)
    fields = dict(head_lines=0, tail_lines=0, first_within=0.4, stop="^More in .*$", extra=NAV_RULE)
    alone = make_rules(tmp_path, **fields)
    assert cleaner.clean(text, rules=alone).text == lines(PROSE)
    (tmp_path / "t.toml").unlink()
    run_on = make_rules(tmp_path, run_on=True, **fields)
    assert cleaner.clean(text, rules=run_on).text == lines(PROSE, checklist, later)
    # one prose line after the checklist is enough; what follows the last prose line still goes
    assert cleaner.clean(lines(MENU, PROSE, checklist, later[:1], FOOTER), rules=run_on).text == \
        lines(PROSE, checklist, later[:1])
    # a stop line, or a line another rule removed (here the nav rule's "Home"), after the run ends it
    for between in (["More in Sport"], ["Home"]):
        barred = lines(MENU, PROSE, checklist, between, later, FOOTER)
        assert cleaner.clean(barred, rules=run_on).text == lines(PROSE)


def test_run_back_keeps_earlier_sections_after_the_furniture_above(tmp_path):
    """A guide's later section can outscore its earlier ones, which its spec rows cut short: the best run
    is then not the first, and with `run_back` the window runs back to the first prose line after the
    last line above it that other rules removed or that is a stop line."""
    specs = ["Specs", "Weight", "Range", "Top speed", "Motor", "Battery", "Tyres", "Brakes", "Lights",
             "Folding", "Price", "Warranty", "Colours"]  # 13 x -0.5 ends the run
    first, later = PROSE[:1], other(PROSE, "Part two") + other(PROSE, "Part three")
    fields = dict(head_lines=0, tail_lines=0, first_within=0.4, stop="^More in .*$", extra=NAV_RULE)
    text = lines(MENU, first, specs, later, FOOTER)
    alone = make_rules(tmp_path, **fields)
    assert cleaner.clean(text, rules=alone).text == lines(later)  # 1 < 0.4 x 8: the later run wins
    (tmp_path / "t.toml").unlink()
    run_back = make_rules(tmp_path, run_back=True, **fields)
    assert cleaner.clean(text, rules=run_back).text == lines(first, specs, later)
    # the menu above the first prose line still goes, and so does a stop line or a removed line
    # (the nav rule's "Home") above the later run, with everything before it
    for between in (["More in Sport"], ["Home"]):
        barred = lines(MENU, first, between, specs, later, FOOTER)
        assert cleaner.clean(barred, rules=run_back).text == lines(later)


def test_skip_teaser_runs_passes_over_a_menus_promos_before_the_article(tmp_path):
    """A mega-menu's promos (a bulleted headline, then a one-sentence blurb, ten times) score enough to be the
    earliest run within `first_within` of the article's; with `skip_teaser_runs` a run whose every prose line
    follows a list item is not the window unless it is the best one."""
    promos = [line for k in range(10) for line in (f"• Promo {k}", f"Promo {k}: {PROSE[k % 4]}")]
    article = PROSE + other(PROSE, "Two") + other(PROSE, "Three") + other(PROSE, "Four")
    text = lines(MENU, promos, MENU, FOOTER, article, FOOTER)
    fields = dict(head_lines=0, tail_lines=0, first_within=0.25)
    assert cleaner.clean(text, rules=make_rules(tmp_path, **fields)).text == lines(promos[1:])
    (tmp_path / "t.toml").unlink()
    skipping = make_rules(tmp_path, skip_teaser_runs=True, **fields)
    assert cleaner.clean(text, rules=skipping).text == lines(article)
    # one blurb not after a list item: the run is not a teaser list, and it stays the window
    mixed = promos[:4] + ["Promo heading"] + promos[5:]
    assert cleaner.clean(lines(MENU, mixed, MENU, FOOTER, article, FOOTER), rules=skipping).text == lines(mixed[1:])
    # the best run is the window whatever its shape
    assert cleaner.clean(lines(MENU, promos, FOOTER), rules=skipping).text == lines(promos[1:])


def test_tab_rows_neutral_lets_a_table_sit_inside_the_run(tmp_path):
    """A spec table long enough to end the run (its rows are short and unpunctuated) is the article's own
    when its rows score 0."""
    table = [f"Model {n}\t\t{n} lb\t\t${n}9" for n in range(12)]
    text = lines(MENU, PROSE[:2], table, PROSE[2:], FOOTER)
    fields = dict(head_lines=0, tail_lines=0, first_within=1.0, min_score=2.0)
    # the table ends the first run; the two runs score alike and the earlier is the window
    assert cleaner.clean(text, rules=make_rules(tmp_path, **fields)).text == lines(PROSE[:2])
    (tmp_path / "t.toml").unlink()
    neutral = make_rules(tmp_path, tab_rows_neutral=True, **fields)
    assert cleaner.clean(text, rules=neutral).text == lines(PROSE[:2], table, PROSE[2:])
