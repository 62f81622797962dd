"""Engine behaviour: one unit test per rule kind, layout, attribution, idempotence, determinism."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

import cleaner
from cleaner.authoring.declines import find_declines
from cleaner.engine.decide import apply_rules
from cleaner.errors import RuleError
from cleaner.lines import split_lines
from cleaner.rules.loader import load_pack

from .conftest import SEEDS


def make_rules(tmp_path: Path, body: str, pack_id: str = "t") -> cleaner.RuleSet:
    path = tmp_path / f"{pack_id}.toml"
    path.write_text(f'id = "{pack_id}"\nversion = "1"\n' + textwrap.dedent(body), "utf-8")
    return cleaner.load_rules([path], defaults=False)


FORM_RULE = """
[[rules]]
id = "form"
kind = "block"
start = '^FORM$'
end = '^END$'
max_lines = 3
rationale = "r"
examples.remove = ["FORM\\nEND"]
"""

LINE_RULE = """
[[rules]]
id = "ad"
kind = "line"
pattern = '^Advertisement$'
rationale = "ads"
examples.remove = ["Advertisement"]
"""


def test_line_rule_removes_whole_lines_only(tmp_path):
    rules = make_rules(tmp_path, LINE_RULE)
    result = cleaner.clean("Body one.\nAdvertisement\nBody two.\n", rules=rules)
    assert result.text == "Body one.\nBody two.\n"
    (removal,) = result.removals
    assert (removal.rule_id, removal.first_line, removal.text) == ("ad", 2, "Advertisement\n")


def test_block_rule_needs_its_end_within_the_bound(tmp_path):
    rules = make_rules(tmp_path, FORM_RULE)
    assert cleaner.clean("a\nFORM\nx\nEND\nb\n", rules=rules).text == "a\nb\n"
    # END is the 4th line from FORM: outside max_lines = 3, so nothing is removed
    assert cleaner.clean("a\nFORM\nx\ny\nEND\nb\n", rules=rules).text == "a\nFORM\nx\ny\nEND\nb\n"


def test_list_run_requires_an_adjacent_removal_when_asked(tmp_path):
    rules = make_rules(tmp_path, LINE_RULE + """
    [[rules]]
    id = "list"
    kind = "list_run"
    item = '^\\* [A-Z]\\w+$'
    min_items = 3
    requires = "adjacent_removal"
    rationale = "r"
    examples.remove = ["x"]
    """)
    items = "* Alpha\n* Beta\n* Gamma\n"
    assert cleaner.clean("Intro.\n" + items + "End.\n", rules=rules).text == "Intro.\n" + items + "End.\n"
    assert cleaner.clean("Intro.\nAdvertisement\n\n" + items + "End.\n", rules=rules).text == "Intro.\n\nEnd.\n"
    # two items are not a run
    two = "Intro.\nAdvertisement\n* Alpha\n* Beta\nEnd.\n"
    assert cleaner.clean(two, rules=rules).text == "Intro.\n* Alpha\n* Beta\nEnd.\n"


def test_list_run_enclosed_needs_a_removal_on_both_sides(tmp_path):
    rules = make_rules(tmp_path, LINE_RULE + """
    [[rules]]
    id = "pitch"
    kind = "list_run"
    item = '^[A-Z][^.]*\\.?$'
    min_items = 1
    max_chars = 200
    requires = "enclosed"
    after_rules = ["ad"]
    across_blanks = false
    rationale = "r"
    examples.remove = ["Advertisement\\nOur sponsor makes good things.\\nAdvertisement\\n"]
    """)
    pitch = "Our sponsor makes good things for gardens, every day of the week.\n"
    # between two removed lines it goes
    assert cleaner.clean("Advertisement\n" + pitch + "Advertisement\n", rules=rules).text == ""
    # beside one only, it stays, above or below, and `explain -v` says what it lacked
    assert cleaner.clean("Advertisement\n" + pitch, rules=rules).text == pitch
    assert [d.reason for d in find_declines("Advertisement\n" + pitch, rules)] == [
        '2 items, but not a removal on both sides by ad (requires = "enclosed")']
    assert cleaner.clean(pitch + "Advertisement\n", rules=rules).text == pitch
    # the item matches "Advertisement" too: a run that holds the removed lines is enclosed by them, and
    # one that only starts with one is not
    assert cleaner.clean("Advertisement\n" + pitch + pitch + "Advertisement\n", rules=rules).text == ""
    assert cleaner.clean("Advertisement\n" + pitch + pitch + "Body.\n\nEnd.\n", rules=rules).text \
        == pitch + pitch + "Body.\n\nEnd.\n"


BOX_RULE = LINE_RULE + """
[[rules]]
id = "box"
kind = "list_run"
item = '^[A-Z][a-z]+( [a-z]+)*[!?]?$'
min_items = 1
requires = "adjacent_removal"
after_rules = ["ad"]
across_blanks = false
keep_under_prose = true
keep_before_prose = true
rationale = "r"
examples.remove = [{ text = "Body of it, in a sentence or two.\\n\\nOur sponsor\\nAdvertisement\\n", \
expect = "Body of it, in a sentence or two.\\n" }]
"""


def test_list_run_in_the_same_block_and_not_under_or_before_prose(tmp_path):
    rules = make_rules(tmp_path, BOX_RULE)
    body = "The council will vote on the plan again in March, the mayor said on Monday.\n"
    # a label in the same block as the removed line goes with it
    assert cleaner.clean(body + "\nOur sponsor\nAdvertisement\n", rules=rules).text == body
    # across a blank line it is not the box's (across_blanks = false)
    assert cleaner.clean("Our sponsor\n\nAdvertisement\n\n" + body, rules=rules).text == "Our sponsor\n\n" + body
    # right under a paragraph it is the article's closing line (keep_under_prose)
    assert cleaner.clean(body + "Happy planting!\nAdvertisement\n", rules=rules).text == body + "Happy planting!\n"
    # above the first paragraph it is the article's head, a byline over the buttons (keep_before_prose)
    assert cleaner.clean("Written by me\nAdvertisement\n\n" + body, rules=rules).text == "Written by me\n\n" + body
    # and `explain -v` says why each stayed
    assert [d.reason for d in find_declines(body + "Happy planting!\nAdvertisement\n", rules)] == [
        "2 items, but right under a prose line (keep_under_prose)"]
    assert [d.reason for d in find_declines("Written by me\nAdvertisement\n\n" + body, rules)] == [
        "2 items, but above the first prose line (keep_before_prose)"]


BLOCK_BOX_RULE = """
[[rules]]
id = "box-rest"
kind = "list_run"
item = '^[A-Z][^•]*$'
block_heading = '^[A-Z]\\w*( \\w+){0,4}$'
max_block_lines = 3
min_items = 1
max_chars = 200
requires = "adjacent_removal"
after_rules = ["ad"]
across_blanks = false
rationale = "r"
examples.remove = ["Our Sponsor\\nAdvertisement\\n"]
"""


def test_list_run_block_heading_takes_the_rest_of_a_box_standing_as_a_block(tmp_path):
    rules = make_rules(tmp_path, LINE_RULE + BLOCK_BOX_RULE)
    body = "The council will vote on the plan again in March, the mayor said on Monday.\n"
    pitch = "The finest tools for the garden, made in Sheffield since 1890.\n"
    # heading, pitch and the removed line, a block of their own: the block goes, before or after the body
    assert cleaner.clean(body + "\nGarden Tools Direct\n" + pitch + "Advertisement\n", rules=rules).text == body
    title = "Vote on the harbour plan\n\n"
    assert cleaner.clean(title + "Garden Tools Direct\n" + pitch + "Advertisement\n\n" + body, rules=rules).text \
        == title + body
    # the block that opens the text is the headline's, and one between two paragraphs the article's own
    assert cleaner.clean("Garden Tools Direct\n" + pitch + "Advertisement\n\n" + body, rules=rules).text \
        == "Garden Tools Direct\n" + pitch + "\n" + body
    between = body + "\nGarden Tools Direct\n" + pitch + "Advertisement\n\n" + body
    assert cleaner.clean(between, rules=rules).text == body + "\nGarden Tools Direct\n" + pitch + "\n" + body
    assert (3, "3 items, but in a block between prose lines (block_heading)") in \
        [(d.line, d.reason) for d in find_declines(between, rules)]
    # the removed line may head the block too, the heading pattern reading it as it is
    assert cleaner.clean(body + "\nAdvertisement\n" + pitch, rules=rules).text == body
    # a block opened by a sentence is a paragraph with furniture under it: the paragraph stays
    assert cleaner.clean(body + "\n" + pitch + "Advertisement\n", rules=rules).text == body + "\n" + pitch
    # so does a block longer than max_block_lines, and one holding a line the item does not match
    four = "Garden Tools Direct\n" + pitch + pitch + "Advertisement\n"
    assert cleaner.clean(body + "\n" + four, rules=rules).text == body + "\n" + four[:-len("Advertisement\n")]
    bullet = "Garden Tools Direct\n• Spades\n" + pitch + "Advertisement\n"
    assert cleaner.clean(body + "\n" + bullet, rules=rules).text == body + "\nGarden Tools Direct\n• Spades\n" + pitch
    assert [(d.line, d.reason) for d in find_declines(body + "\n" + pitch + "Advertisement\n", rules)][-1] == (
        3, "2 items, but not the whole of a block of at most 3 lines under a heading (block_heading)")


def test_list_run_apart_lines_takes_a_box_standing_as_its_own_block_between_paragraphs(tmp_path):
    headed = """
    [[rules]]
    id = "more-list"
    kind = "list_run"
    context = "standalone"
    heading = '^More from \\w+$'
    item = '^[A-Z][^.]*$'
    min_items = 2
    rationale = "r"
    examples.remove = ["More from Business\\nRates held\\nShops close\\n"]
    """
    p1 = "The council will vote on the plan again in March, the mayor said on Monday.\n"
    p2 = "Campaigners said they would keep up the pressure until the last vote is taken.\n"
    box = "More from Business\nBank holds rates\nShops close early\n"
    between, glued = p1 + "\n" + box + "\n" + p2, p1 + box + p2
    kept = make_rules(tmp_path, headed)
    assert cleaner.clean(between, rules=kept).text == between  # between two prose lines: the article's own
    rules = make_rules(tmp_path, headed + "apart_lines = 6\n")
    assert cleaner.clean(between, rules=rules).text == p1 + "\n" + p2  # a block of its own: a box, whatever is around
    assert cleaner.clean(glued, rules=rules).text == glued  # glued to the paragraphs: still inside the prose
    longer = p1 + "\n" + box + "Markets slip\nOil rises\n\n" + p2  # a block over apart_lines: inside again
    assert cleaner.clean(longer, rules=make_rules(tmp_path, headed + "apart_lines = 4\n")).text == longer
    # a box rule's block (a counted removal, a heading, a pitch) goes between paragraphs too
    pitch = "The finest tools for the garden, made in Sheffield since 1890.\n"
    block = p1 + "\nGarden Tools Direct\n" + pitch + "Advertisement\n\n" + p2
    assert cleaner.clean(block, rules=make_rules(tmp_path, LINE_RULE + BLOCK_BOX_RULE)).text == \
        p1 + "\nGarden Tools Direct\n" + pitch + "\n" + p2
    apart = make_rules(tmp_path, LINE_RULE + BLOCK_BOX_RULE + "apart_lines = 6\n")
    assert cleaner.clean(block, rules=apart).text == p1 + "\n" + p2


def test_list_run_after_categories_counts_every_rule_of_those_categories(tmp_path):
    # a box rule naming a category reads the removals of every rule of it, whichever pack declares the rule
    # (one added later counts without being named), but those of `not_after_rules` and of other categories
    box = BLOCK_BOX_RULE.replace('after_rules = ["ad"]', 'after_categories = ["ads"]\nnot_after_rules = ["promoted"]')
    (tmp_path / "t.toml").write_text('id = "t"\nversion = "1"\n' + LINE_RULE + box, "utf-8")
    (tmp_path / "b.toml").write_text(textwrap.dedent("""\
        id = "b"
        version = "1"
        category = "ads"
        [[rules]]
        id = "sponsored"
        kind = "line"
        pattern = '^Sponsored$'
        rationale = "r"
        examples.remove = ["Sponsored"]
        [[rules]]
        id = "promoted"
        kind = "line"
        pattern = '^Promoted$'
        rationale = "r"
        examples.remove = ["Promoted"]
        """), "utf-8")
    rules = cleaner.load_rules([tmp_path / "t.toml", tmp_path / "b.toml"], defaults=False)
    assert rules.rule("box-rest").after_rules == ("sponsored",)
    body = "The council will vote on the plan again in March, the mayor said on Monday.\n"
    box_text = "\nGarden Tools Direct\nThe finest tools for the garden, made in Sheffield since 1890.\n"
    assert cleaner.clean(body + box_text + "Sponsored\n", rules=rules).text == body
    for label in ("Advertisement\n", "Promoted\n"):  # category "other"; and a rule the box leaves out
        assert cleaner.clean(body + box_text + label, rules=rules).text == body + box_text
    assert "no adjacent removal by a rule of ads (1 rule)" in \
        " ".join(d.reason for d in find_declines(body + box_text + "Promoted\n", rules))
    (tmp_path / "t.toml").write_text('id = "t"\nversion = "1"\n' + LINE_RULE + box.replace('"ads"', '"adverts"'))
    with pytest.raises(RuleError, match=r"after_categories: 'adverts' not one of") as error:
        cleaner.load_rules([tmp_path / "t.toml"], defaults=False)
    assert "box-rest" in str(error.value)


def test_list_run_block_excludes_keeps_a_block_holding_a_removal_of_those_categories(tmp_path):
    stamp = """
    [[rules]]
    id = "stamp"
    kind = "line"
    category = "chrome"
    pattern = '^Updated \\w+$'
    rationale = "r"
    examples.remove = ["Updated Monday"]
    """
    body = "The council will vote on the plan again in March, the mayor said on Monday.\n"
    # the run holds the timestamp (its item matches it): a block of the article's head, not a box
    head = "Vote on the harbour plan\n\nJane Doe\nUpdated Monday\nAdvertisement\n\n" + body
    rules = make_rules(tmp_path, LINE_RULE + stamp + BLOCK_BOX_RULE)
    assert cleaner.clean(head, rules=rules).text == "Vote on the harbour plan\n\n" + body
    excluding = make_rules(tmp_path, LINE_RULE + stamp + BLOCK_BOX_RULE + 'block_excludes = ["chrome"]\n')
    assert cleaner.clean(head, rules=excluding).text == "Vote on the harbour plan\n\nJane Doe\n\n" + body
    assert "a block of at most 3 lines under a heading (block_heading)" in \
        " ".join(d.reason for d in find_declines(head, excluding))


def test_block_bounds_reads_no_further_than_asked():
    # a text without blank lines is one block: a box rule asking for a block of six lines must not walk it all
    # for each of its runs (quadratic in whole-page text)
    from types import SimpleNamespace

    from cleaner.rules.kinds.run_places import block_bounds

    reads = []

    class Line:
        def __init__(self, index: int, blank: bool) -> None:
            self.index, self.blank = index, blank

        @property
        def is_blank(self) -> bool:
            reads.append(self.index)
            return self.blank

    doc = SimpleNamespace(lines=[Line(i, i in (3, 9)) for i in range(10_000)])
    assert block_bounds(doc, 5, 6) == (4, 8)
    assert block_bounds(doc, 5, 6, most=6) == (4, 8)
    reads.clear()
    top, bottom = block_bounds(doc, 5_000, 5_000, most=6)
    assert bottom - top + 1 == 7 and len(reads) <= 8
    assert block_bounds(doc, 5_000, 5_000) == (10, 9_999)


def test_a_rule_runs_after_the_rules_whose_removals_it_reads():
    # the engine's passes each read the lines earlier passes left, so a box rule of an early kind reading a
    # later kind's removals (related-box-text and the related classifier) must run after it in the pass
    rules = cleaner.default_rules().rules()
    at = {rule.id: i for i, rule in enumerate(rules)}
    late = [(rule.id, d) for i, rule in enumerate(rules) for d in rule.depends_on() if at.get(d, -1) > i]
    assert late == []
    assert at["related-box-text"] > at["related-line-model"]


def test_after_dependencies_moves_a_reader_after_what_it_reads_and_leaves_a_circle():
    from dataclasses import dataclass

    from cleaner.rules.ruleset import after_dependencies

    @dataclass(frozen=True)
    class Stub:
        id: str
        reads: tuple[str, ...] = ()

        def depends_on(self) -> tuple[str, ...]:
            return self.reads

    a, b, c, d = Stub("a", ("c",)), Stub("b"), Stub("c", ("b",)), Stub("d")
    assert [r.id for r in after_dependencies([a, b, c, d])] == ["b", "c", "a", "d"]
    circle = [Stub("x", ("y",)), Stub("y", ("x",)), d]
    assert after_dependencies(circle) == tuple(circle)


def test_keep_before_prose_reads_each_line_once_for_all_the_runs(tmp_path, monkeypatch):
    # Asked for every run, "is there prose above?" once scanned from the top each time: a long document
    # without prose and with many boxes read its lines runs x lines times. Now each line is asked once
    # (`run_places.FirstProse`), and the answers are those of a scan from the top.
    from cleaner.rules.kinds.context import ContextRule

    rules = make_rules(tmp_path, BOX_RULE)
    boxes = 200
    box = "Item of the list\nOur sponsor\nAdvertisement\n\n"
    asked = []
    prose = ContextRule._prose
    monkeypatch.setattr(ContextRule, "_prose", staticmethod(lambda doc, i, m: asked.append(i) or prose(doc, i, m)))
    kept = cleaner.clean(box * boxes, rules=rules).text  # no prose: each box's labels stay, its ad goes
    assert kept == ("Item of the list\nOur sponsor\n\n" * boxes).rstrip("\n") + "\n"
    assert len(asked) < 20 * boxes  # (a scan from the top per run: about 3 x 200 x 200 / 2 = 60,000)
    body = "The council will vote on the plan again in March, the mayor said on Monday.\n"
    assert cleaner.clean(body + "\n" + box * boxes, rules=rules).text == body


def test_box_rule_checks_its_keywords_on_the_lines_it_reads(tmp_path):
    # a box rule reads only the lines beside removals: the prefilters never scan a document for its keywords
    keyed = make_rules(tmp_path, BOX_RULE.replace('id = "box"', 'id = "box"\nkeywords = ["SPONSOR"]'))
    box = keyed.rule("box")
    assert box.prefilter_keywords == () and box.keywords == ("SPONSOR",)
    assert "box" not in keyed.index.candidate_lines("Our sponsor\n", split_lines("Our sponsor\n"))
    body = "The council will vote on the plan again in March, the mayor said on Monday.\n"
    # a line holding a keyword (case aside) goes with the removal; one without it stays
    assert cleaner.clean(body + "\nOur sponsor\nAdvertisement\n", rules=keyed).text == body
    assert cleaner.clean(body + "\nOur partner\nAdvertisement\n", rules=keyed).text == body + "\nOur partner\n"
    # `explain -v` reads its runs among the lines that hold a keyword, as before ("Advertisement" holds none)
    assert [d.reason for d in find_declines(body + "Happy sponsor!\nAdvertisement\n", keyed)] == [
        "1 items, but right under a prose line (keep_under_prose)"]



def test_list_run_through_removed_reaches_across_other_rules_removals(tmp_path):
    stamp = """
[[rules]]
id = "stamp"
kind = "line"
pattern = '^\\d+ days ago$'
rationale = "r"
examples.remove = ["2 days ago"]
"""
    through = BOX_RULE.replace("keep_before_prose = true", "keep_before_prose = true\nthrough_removed = true")
    body = "The council will vote on the plan again in March, the mayor said on Monday.\n"
    card = "\nStaff writer\nLeeds\n2 days ago\nAdvertisement\n"
    # without the option the card's "2 days ago", removed by another rule, stands between its title and
    # the counted removal: the title stays
    assert cleaner.clean(body + card, rules=make_rules(tmp_path, BOX_RULE + stamp)).text == \
        body + "\nStaff writer\nLeeds\n"
    # with it the run reaches the counted removal across that line
    assert cleaner.clean(body + card, rules=make_rules(tmp_path, through + stamp, "t2")).text == body
    # but never across a blank line when across_blanks is false
    split = "\nStaff writer\nLeeds\n2 days ago\n\nAdvertisement\n"
    assert cleaner.clean(body + split, rules=make_rules(tmp_path, through + stamp, "t3")).text == \
        body + "\nStaff writer\nLeeds\n"

HEADED_LIST_RULE = """
[[rules]]
id = "board"
kind = "list_run"
heading = '(?i)^(?!\\* ).*\\bjobs\\b.*$'
item = '^(\\* )?[A-Z][a-z]+$'
min_items = 3
rationale = "r"
examples.remove = ["Jobs by city\\nLeeds\\nYork\\nHull\\n"]
"""


def test_list_run_with_a_heading_takes_the_heading_and_needs_it(tmp_path):
    rules = make_rules(tmp_path, HEADED_LIST_RULE)
    items = "* Leeds\n* York\n* Hull\n"
    assert cleaner.clean(f"Body.\nJobs by city\n\n{items}End.\n", rules=rules).text == "Body.\nEnd.\n"
    assert cleaner.clean(f"Body.\nTowns we visited\n{items}End.\n", rules=rules).text \
        == f"Body.\nTowns we visited\n{items}End.\n"  # no heading, no removal
    # the item pattern matches the heading too: the heading is not one of the items
    assert cleaner.clean("Body.\nJobs\nLeeds\nYork\nHull\n", rules=rules).text == "Body.\n"
    assert cleaner.clean("Body.\nJobs\nLeeds\nYork\n", rules=rules).text == "Body.\nJobs\nLeeds\nYork\n"
    assert [d.reason for d in find_declines("Body.\nJobs\nLeeds\nYork\n", rules)] == [
        "2 items under the heading < min_items 3"]
    # blank lines between the heading and its first item are not items
    blanks = "Body.\nJobs by city\n\nLeeds\nYork\n"
    assert cleaner.clean(blanks, rules=rules).text == blanks
    assert [d.reason for d in find_declines(blanks, rules)] == ["2 items under the heading < min_items 3"]



CONTENTS_RULE = """
[[rules]]
id = "contents"
kind = "list_run"
heading = '^Contents$'
item = '^.{1,60}$'
min_items = 3
recur_share = 0.5
rationale = "r"
examples.remove = ["Contents\\n* Cost\\n* Size\\n* Noise\\nCost\\nSize\\nNoise"]
"""


def test_list_run_recur_share_takes_entries_that_name_the_sections_below(tmp_path):
    rules = make_rules(tmp_path, CONTENTS_RULE)
    body = "Cost\nIt costs less than a boiler to run.\nSize:\nIt fits a cupboard.\n2. Noise\nIt hums.\n"
    # the entries (bullets, numbers, a colon and case aside) occur again below: they and the heading go,
    # and the run ends where the first section they name begins, though its short lines match `item`
    toc = "Intro.\nContents\n* cost\n* 1. Size\n* Noise\n"
    assert cleaner.clean(toc + body, rules=rules).text == "Intro.\n" + body
    # an extractor kept the heading and dropped the entries: the sections right under it stay
    kept = "Intro.\nContents\n" + body
    assert cleaner.clean(kept, rules=rules).text == kept
    # a list whose items name nothing below (a kit's contents) stays, and says why
    kit = "Contents\n* a screwdriver\n* two hinges\n* glue\nFit the hinges first.\n"
    assert cleaner.clean(kit, rules=rules).text == kit
    assert [d.reason for d in find_declines(kit, rules)] == [
        "4 items, but fewer than 50% occur again below (recur_share)"]


def test_list_run_keep_at_end_leaves_the_end_of_the_document_to_the_tail_rules(tmp_path):
    rules = make_rules(tmp_path, HEADED_LIST_RULE.replace('min_items = 3', 'min_items = 3\nkeep_at_end = true'))
    items = "Leeds\nYork\nHull\n"
    assert cleaner.clean(f"Jobs by city\n{items}\nBody.\n", rules=rules).text == "Body.\n"
    at_end = f"Body.\nJobs by city\n{items}"
    assert cleaner.clean(at_end, rules=rules).text == at_end
    assert [d.reason for d in find_declines(at_end, rules)] == [
        "3 items, but at the end of the document (keep_at_end)"]

TAIL_RULE = """
[[rules]]
id = "more"
kind = "tail"
marker = '^More from \\w+$'
max_item_chars = 60
rationale = "r"
examples.remove = ["More from X\\nHeadline"]
"""


def test_tail_cuts_only_when_the_rest_is_headlines(tmp_path):
    rules = make_rules(tmp_path, TAIL_RULE)
    doc = "Body.\nMore from Site\nFirst headline\nSecond headline\n"
    assert cleaner.clean(doc, rules=rules).text == "Body.\n"
    prose = "Body.\nMore from Site\n" + "A long paragraph of the article that goes on and on. " * 3 + "\n"
    assert cleaner.clean(prose, rules=rules).text == prose


def test_tail_does_not_take_a_short_article_under_its_marker(tmp_path):
    """A marker above the article (a menu's "More from X"), then headlines and the article's short
    paragraphs: the rest holds sentences and nothing kept before the marker is one, so it stays."""
    rules = make_rules(tmp_path, TAIL_RULE)
    para = "The council voted to close the library on Tuesday."
    doc = f"Headline\nMore from Site\nFirst headline\nSecond headline\n{para}\n{para}\n"
    assert cleaner.clean(doc, rules=rules).text == doc
    assert [d.reason for d in find_declines(doc, rules)] == [
        "marker matched, but line 5 is a sentence and no kept line before the marker is (prose_before): "
        "the rest is the article"]
    after_body = f"{para}\nMore from Site\nFirst headline\nA teaser blurb can end as a sentence does.\n"
    assert cleaner.clean(after_body, rules=rules).text == para + "\n"
    unguarded = make_rules(tmp_path, TAIL_RULE + "prose_before = false\n")
    assert cleaner.clean(doc, rules=unguarded).text == "Headline\n"


def test_tail_ignores_lines_other_rules_removed(tmp_path):
    rules = make_rules(tmp_path, TAIL_RULE + LINE_RULE.replace('^Advertisement$', '^Ad: .*$'))
    doc = "Body.\nMore from Site\nHeadline\nAd: " + "x" * 200 + "\n"
    result = cleaner.clean(doc, rules=rules)
    assert result.text == "Body.\n"
    assert [r.rule_id for r in result.removals] == ["more", "ad"]


@pytest.mark.parametrize("rest", [
    "\n" * 300 + "Headline\n",  # the one kept row lies past the near lines
    "Headline\n" * 250,  # more rows than max_items, found near
    "Ad: x\n" * 300 + "Headline\nSecond headline\n",  # rows other rules removed, then headlines
    "Ad: x\n" * 300 + "A long paragraph of the article that goes on and on and on and on and on and on.\n",
    "Headline\n\nSecond headline\n",
])
def test_tail_reads_the_rest_near_the_marker_as_it_reads_the_whole_document(tmp_path, monkeypatch, rest):
    """A marker's rest is read from the lines after it when that settles it (`_kept_near`), else from
    the whole document's kept rows: both must decide alike."""
    from cleaner.rules.kinds import tail

    rules = make_rules(tmp_path, TAIL_RULE + LINE_RULE.replace('^Advertisement$', '^Ad: .*$'))
    doc = "Body.\nMore from Site\n" + rest
    near = cleaner.clean(doc, rules=rules)
    monkeypatch.setattr(tail, "NEAR_LINES", 0)  # every marker falls back to the whole document's rows
    whole = cleaner.clean(doc, rules=rules)
    assert near.text == whole.text
    assert [(r.rule_id, r.start, r.end) for r in near.removals] == [(r.rule_id, r.start, r.end) for r in whole.removals]


THREAD_RULE = """
[[rules]]
id = "thread"
kind = "tail"
marker = '^\\d+ comments$'
sign = '^(\\w+ says:|Reply)$'
min_signs = 2
signs_within = 4
max_items = 1000
max_item_chars = 1000
rationale = "r"
examples.remove = ["2 comments\\nAna says:\\nReply"]
"""
POST = "A reader's long answer, which reads like any paragraph of the article itself does. " * 2


def test_tail_signs_decide_where_the_rest_is_long_lines(tmp_path):
    rules = make_rules(tmp_path, THREAD_RULE)
    thread = f"Body.\n2 comments\nAna says:\n{POST}\nReply\nTom says:\n{POST}\n"
    assert cleaner.clean(thread, rules=rules).text == "Body.\n"
    one_sign = f"Body.\n2 comments\nAna says:\n{POST}\n{POST}\n{POST}\n{POST}\nReply\n"
    assert cleaner.clean(one_sign, rules=rules).text == one_sign  # the second sign is past signs_within
    article = f"12 comments\n{POST}\n{POST}\n"
    assert cleaner.clean(article, rules=rules).text == article
    assert [d.reason for d in find_declines(article, rules)] == [
        "marker matched, but 0 sign lines in the next 2 < min_signs 2"]


def test_tail_min_signs_needs_a_sign_pattern(tmp_path):
    with pytest.raises(cleaner.RuleError, match="min_signs needs a sign pattern"):
        make_rules(tmp_path, THREAD_RULE.replace("sign = ", "#"))


def test_repeat_removes_the_later_copy(tmp_path):
    rules = make_rules(tmp_path, """
    [[rules]]
    id = "rep"
    kind = "repeat"
    min_lines = 2
    min_chars = 10
    rationale = "r"
    examples.remove = [{ text = "ab\\ncd\\nab\\ncd\\n", expect = "ab\\ncd\\n" }]
    """)
    doc = "Promo line one\nPromo line two\nBody.\nPromo line one\nPromo line two\nEnd.\n"
    assert cleaner.clean(doc, rules=rules).text == "Promo line one\nPromo line two\nBody.\nEnd.\n"


@pytest.mark.parametrize("structure, removed", [("", 3), ("structure_copies = 3\nstructure_share = 0.5", 0),
                                                 ("structure_copies = 4\nstructure_share = 0.5", 3),
                                                 ("structure_copies = 3\nstructure_share = 0.7", 3)])
def test_repeat_keeps_repetition_that_is_the_documents_structure(tmp_path, structure, removed):
    """Three copies over 9 of 16 lines (56%): kept once `structure_*` allow it, removed otherwise."""
    rules = make_rules(tmp_path, f"""
    [[rules]]
    id = "rep"
    kind = "repeat"
    min_lines = 2
    min_chars = 10
    {structure}
    rationale = "r"
    examples.remove = [{{ text = "ab\\ncd\\nab\\ncd\\n", expect = "ab\\ncd\\n" }}]
    """.replace("\n    ", "\n"))
    day = "Breakfast: oats\nLunch: salad\nDinner: fish\n"
    doc = "".join(f"Day {n}\n{day}" for n in range(1, 4)) + "Intro to day four.\n" + day
    result = cleaner.clean(doc, rules=rules)
    assert len(result.removals) == removed


def test_first_claim_wins_in_phase_order(tmp_path):
    """A block claims its lines before a line rule that matches one of them."""
    rules = make_rules(tmp_path, LINE_RULE + FORM_RULE)
    result = cleaner.clean("FORM\nAdvertisement\nEND\nBody.\n", rules=rules)
    assert [(r.rule_id, r.first_line, r.last_line) for r in result.removals] == [("form", 1, 3)]


def test_layout_collapses_blank_runs_and_trims(tmp_path):
    rules = make_rules(tmp_path, LINE_RULE)
    result = cleaner.clean("\n\nA.\n\nAdvertisement\n\nB.\n\n", rules=rules)
    assert result.text == "A.\n\nB.\n"
    assert {r.pack_id for r in result.removals} == {"layout", "t"}


def test_spans_group_runs_of_one_owner_and_an_empty_text_has_none(tmp_path):
    rules = make_rules(tmp_path, LINE_RULE)
    assert apply_rules("", rules).removals == ()
    removals = apply_rules("Advertisement\nAdvertisement\nA.\n\n\nAdvertisement", rules).removals
    assert [(r.rule_id, r.first_line, r.last_line, r.text) for r in removals] == [
        ("ad", 1, 2, "Advertisement\nAdvertisement\n"), ("layout.trailing-blank", 4, 4, "\n"),
        ("layout.blank-run", 5, 5, "\n"), ("ad", 6, 6, "Advertisement")]


def test_final_newline_is_added_and_recorded():
    result = cleaner.clean("Only a line", rules=cleaner.load_rules(defaults=False))
    assert result.text == "Only a line\n"
    assert result.provenance["layout"]["final_newline_added"] is True
    assert cleaner.restore(result.text, result.provenance) == "Only a line"


def test_crlf_and_lone_cr_lines_are_kept_as_they_are(tmp_path):
    rules = make_rules(tmp_path, LINE_RULE)
    doc = "A.\r\nAdvertisement\r\nB.\rC.\r\n"
    result = cleaner.clean(doc, rules=rules)
    assert result.text == "A.\r\nB.\rC.\r\n"
    assert cleaner.restore(result.text, result.provenance) == doc


def test_split_lines_keeps_unicode_separators_inside_lines():
    lines = split_lines("a\u2028b\x0cc\nd")
    assert [line.text for line in lines] == ["a\u2028b\x0cc", "d"]
    assert "".join(line.text + line.end_of_line for line in lines) == "a\u2028b\x0cc\nd"


def test_scoped_pack_applies_only_to_its_domain(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text('id = "site"\nversion = "1"\nscope = ["example.com"]\n' + LINE_RULE, "utf-8")
    rules = cleaner.load_rules([path], defaults=False)
    doc = "Body.\nAdvertisement\n"
    assert cleaner.clean(doc, rules=rules).text == doc
    assert cleaner.clean(doc, rules=rules, url="https://www.example.com/a").text == "Body.\n"
    assert cleaner.clean(doc, rules=rules, url="https://news.example.com/a").text == "Body.\n"
    assert cleaner.clean(doc, rules=rules, url="https://example.org/a").text == doc


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_idempotent_on_seeds(seed, rules):
    once = cleaner.clean_file(seed, rules=rules)
    twice = cleaner.clean(once.text, rules=rules)
    assert twice.text == once.text
    assert twice.removals == ()


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_deterministic_output_and_provenance(seed):
    first = cleaner.clean_file(seed, rules=cleaner.load_rules())
    second = cleaner.clean_file(seed, rules=cleaner.load_rules())
    assert first.text == second.text
    assert json.dumps(first.provenance, sort_keys=True) == json.dumps(second.provenance, sort_keys=True)


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name[:3])
def test_output_is_the_original_minus_recorded_spans(seed, rules):
    text = seed.read_text("utf-8")
    outcome = apply_rules(text, rules)
    kept, position = [], 0
    for removal in sorted(outcome.removals, key=lambda r: r.start):
        assert text[removal.start : removal.end] == removal.text
        kept.append(text[position : removal.start])
        position = removal.end
    kept.append(text[position:])
    assert "".join(kept) + ("\n" if outcome.final_newline_added else "") == outcome.text


def test_keyword_prefilter_survives_case_mapping_that_changes_length(tmp_path):
    rules = make_rules(tmp_path, """
    [[rules]]
    id = "ad"
    kind = "line"
    pattern = '(?i)^advertisement$'
    keywords = ["advertisement"]
    rationale = "r"
    examples.remove = ["Advertisement"]
    """)
    doc = "İİİ line with dotted capitals.\nADVERTISEMENT\nBody.\n"
    assert cleaner.clean(doc, rules=rules).text == "İİİ line with dotted capitals.\nBody.\n"


def test_regex_timeout_fails_the_document_and_names_the_rule(tmp_path):
    path = tmp_path / "slow.toml"
    path.write_text(textwrap.dedent("""
    id = "slow"
    version = "1"
    [[rules]]
    id = "catastrophic"
    kind = "line"
    pattern = '^(\\w|\\w\\w)+$'
    rationale = "r"
    examples.remove = ["ab"]
    """), "utf-8")
    rules = cleaner.load_rules([path], defaults=False, timeout=0.2)
    with pytest.raises(cleaner.RuleTimeout, match="catastrophic"):
        cleaner.clean("a" * 60 + "!\n", rules=rules)


def test_load_pack_records_line_numbers(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('id = "p"\nversion = "1"\n' + LINE_RULE, "utf-8")
    (rule,) = load_pack(path).rules
    assert rule.line == 5


def test_block_whose_end_comes_within_bound_after_other_removals_is_idempotent(tmp_path):
    rules = make_rules(tmp_path, LINE_RULE + FORM_RULE)
    doc = "Body.\nFORM\nAdvertisement\nAdvertisement\nEND\nMore body.\n"
    once = cleaner.clean(doc, rules=rules)
    assert once.text == "Body.\nMore body.\n"
    assert cleaner.clean(once.text, rules=rules).removals == ()
