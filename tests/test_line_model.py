"""The line model: its feature extractor, its decisions and their reasons, its rule file, its training."""

from __future__ import annotations

import dataclasses
import json
import math
import sys
import tomllib
from pathlib import Path

import pytest

import cleaner
from cleaner.authoring.declines import find_declines
from cleaner.authoring.line_model_data import Gold, gold_share, is_furniture
from cleaner.authoring.toml_out import dump_pack
from cleaner.engine.decide import apply_rules
from cleaner.errors import RuleError
from cleaner.rules import context_features, second_stage
from cleaner.rules.features import PAGE_FEATURES, FeatureSpec, extract, main_run
from cleaner.rules.kinds.line_decisions import veto_spares_box
from cleaner.rules.loader import load_pack
from cleaner.rules.ruleset import RuleSet
from cleaner.rules.windows import EDGE_LINES
from cleaner.rules.wordless import between_removed

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "tests" / "bench"))
import train_line_model  # noqa: E402

SPEC = FeatureSpec(stop_words=frozenset({"the", "a", "of", "to", "and", "is"}), furniture_words=("subscribe", "share"),
                   packs=("social",), neighbour_features=("short", "prose"), hint_features=("in_default",),
                   prose_min_words=5, prose_min_chars=30, short_chars=20, density_window=2, furniture_window=1)
PROSE = "The council approved the budget after a long and heated debate."


def features_of(texts, removed_by=None, hints=None, spec=SPEC):
    feats = extract(texts, removed_by or [None] * len(texts), spec, hints)
    return [dict(zip(spec.names, row, strict=True)) for row in feats.rows], feats.lines


def test_line_features_on_hand_written_lines():
    texts = ["Subscribe | Share", "", PROSE, "  • 12 of 2024 items:", "SALE NOW", "Subscribe | Share"]
    rows, lines = features_of(texts)
    assert lines == [0, 2, 3, 4, 5]  # blank lines have no row
    menu, prose, item, shout, _ = rows
    assert menu["chars_log"] == pytest.approx(math.log1p(len("Subscribe | Share")))
    assert menu["words_log"] == pytest.approx(math.log1p(3))
    assert prose["stop_share"] == pytest.approx(4 / 11)  # the, the, a, and
    assert (prose["ends_sentence"], menu["ends_sentence"]) == (1.0, 0.0)
    assert (item["ends_colon"], prose["ends_colon"]) == (1.0, 0.0)
    assert menu["title_share"] == 1.0 and prose["title_share"] == pytest.approx(1 / 11)
    assert shout["upper_share"] == 1.0 and menu["upper_share"] == pytest.approx(2 / 14)
    assert item["digit_share"] == pytest.approx(6 / len("• 12 of 2024 items:"))
    assert (item["list_marker"], prose["list_marker"]) == (1.0, 0.0)
    assert menu["link_like"] == 1.0 and prose["link_like"] == 0.0
    assert (menu["furniture_word"], prose["furniture_word"]) == (1.0, 0.0)
    assert (prose["prose"], item["prose"]) == (1.0, 0.0)
    assert (shout["short"], prose["short"]) == (1.0, 0.0)
    assert (item["indented"], prose["indented"]) == (1.0, 0.0)
    assert menu["repeat_log"] == pytest.approx(math.log1p(1)) and prose["repeat_log"] == 0.0


def test_place_features():
    texts = ["Menu", "Home", PROSE, PROSE + " Again.", "Share", "About", "Legal"]
    rows, _ = features_of(texts)
    assert [r["position"] for r in rows] == pytest.approx([k / 6 for k in range(7)])
    assert [r["first"] for r in rows] == [1, 0, 0, 0, 0, 0, 0]
    assert [r["last"] for r in rows] == [0, 0, 0, 0, 0, 0, 1]
    assert [r["in_run"] for r in rows] == [0, 0, 1, 1, 0, 0, 0]
    assert rows[0]["before_run_log"] == pytest.approx(math.log1p(2))
    assert rows[6]["after_run_log"] == pytest.approx(math.log1p(3))
    assert rows[2]["before_run_log"] == rows[2]["after_run_log"] == 0.0
    assert rows[0]["density"] == pytest.approx(1 / 3)  # lines 0-2, one prose
    assert rows[3]["density"] == pytest.approx(2 / 5)
    assert rows[4]["furniture_near"] == pytest.approx(1 / 3)  # itself ("share") of lines 3-5
    assert rows[0]["doc_prose_share"] == pytest.approx(2 / 7)
    assert rows[0]["doc_short_share"] == pytest.approx(5 / 7)
    assert rows[0]["doc_lines_log"] == pytest.approx(math.log1p(7))


def test_rule_and_neighbour_and_hint_features():
    texts = ["Share", "Follow", PROSE, "Legal"]
    rows, _ = features_of(texts, ["social", "other", None, None], {"Legal": {"in_default": 1.0}})
    assert [r["removed"] for r in rows] == [1, 1, 0, 0]
    assert [r["removed_social"] for r in rows] == [1, 0, 0, 0]
    assert rows[3]["removed_near"] == pytest.approx(1 / 3)  # lines 1-3
    assert rows[2]["prev_short"] == 1.0 and rows[2]["next_short"] == 1.0 and rows[2]["prev_prose"] == 0.0
    assert rows[0]["prev_short"] == 0.0  # nothing before the first line
    assert rows[1]["next_prose"] == 1.0
    assert [r["in_default"] for r in rows] == [0, 0, 0, 1]
    assert rows[0]["doc_removed_share"] == rows[3]["doc_removed_share"] == pytest.approx(2 / 4)


def test_page_shape_features():
    """What the regime classifier reads: a page's navigation and footer at its edges, its links, lists and repeats."""
    texts = ["Home | News", "Subscribe", PROSE, PROSE + " Again.", "  • Share", "About", "Home | News"]
    feats = extract(texts, ["social", None, None, None, "social", None, None], SPEC)
    page = dict(zip(PAGE_FEATURES, feats.page, strict=True))
    assert feats.page[:len(feats.doc)] == feats.doc
    assert page["doc_tail_log"] == pytest.approx(math.log1p(3))  # three lines after the last prose line
    assert page["doc_head_short"] == pytest.approx(5 / 7)  # every non-prose line is short; 7 lines < EDGE_LINES
    assert page["doc_head_furniture"] == page["doc_furniture_share"] == pytest.approx(2 / 7)  # subscribe, share
    assert page["doc_head_removed"] == page["doc_tail_removed"] == pytest.approx(2 / 7)
    assert page["doc_link_share"] == pytest.approx(2 / (3 * 7))  # "|" twice
    assert page["doc_list_share"] == pytest.approx(1 / 7)
    assert page["doc_repeat_share"] == pytest.approx(2 / 7)
    assert page["doc_run_share"] == pytest.approx(2 / 7)
    long_page = [f"Menu item {k}" for k in range(12)] + [PROSE] * 3 + ["Footer"]
    page = dict(zip(PAGE_FEATURES, extract(long_page, [None] * 16, SPEC).page, strict=True))
    assert page["doc_head_short"] == 1.0 and page["doc_tail_short"] == pytest.approx(7 / EDGE_LINES)
    assert extract([], [], SPEC).page == (0.0,) * len(PAGE_FEATURES)


def test_context_features():
    """Windows at several distances, prose above and below, and packs' removals above or below."""
    spec = dataclasses.replace(SPEC, context_features=(
        "prose_near", "removed_around", "list_near", "short_near", "furniture_close", "chars_near", "prose_above",
        "prose_below", "before_prose", "after_prose", "after_removed_social", "before_removed_social"))
    texts = ["Home", "  • News", PROSE, "", PROSE + " Again.", "Share", "Subscribe", "About"]
    rows, _ = features_of(texts, [None, "social", None, None, None, "social", None, None], spec=spec)
    assert len(rows) == 7  # the blank line has no row, nor counts in a window
    assert rows[0]["prose_near"] == pytest.approx(2 / 4)  # lines 0-3 of the non-blank lines
    assert rows[6]["prose_near"] == pytest.approx(1 / 4)
    assert rows[0]["removed_around"] == pytest.approx(2 / 6)
    assert rows[0]["list_near"] == pytest.approx(1 / 4)
    assert rows[6]["short_near"] == pytest.approx(3 / 4)
    assert rows[5]["furniture_close"] == pytest.approx(2 / 4)  # share, subscribe among rows 3-6
    assert rows[0]["chars_near"] == pytest.approx(sum(r["chars_log"] for r in rows[:4]) / 4)
    assert [r["prose_above"] for r in rows] == [0, 0, 0, 0.5, 1, 1, 1]
    assert [r["prose_below"] for r in rows] == [1, 1, 0.5, 0, 0, 0, 0]
    assert [r["before_prose"] for r in rows] == [1, 1, 0, 0, 0, 0, 0]
    assert [r["after_prose"] for r in rows] == [0, 0, 0, 0, 1, 1, 1]
    # a removal above the first prose line ("News") is no landmark for after_removed, one below the last
    # ("Share") none for before_removed; each counts strictly above (below) the line
    assert [r["after_removed_social"] for r in rows] == [0, 0, 0, 0, 0, 1, 1]
    assert [r["before_removed_social"] for r in rows] == [1, 0, 0, 0, 0, 0, 0]
    # landmarks count from the first (to the last) prose line no rule removed: a header's sign-in blurb a
    # rule removed, and a menu's "Newsletters" under it, say nothing of the article below
    blurb = ["Sign in to save the plants you love to your own boards, and to see them later.", "Newsletters",
             PROSE, "Share", PROSE + " Again.", "Footer"]
    rows, _ = features_of(blurb, ["social", "social", None, "social", None, "social"], spec=spec)
    assert [r["after_removed_social"] for r in rows] == [0, 0, 0, 0, 1, 1]
    assert [r["before_removed_social"] for r in rows] == [1, 1, 1, 0, 0, 0]
    # with landmarks_apart, a run of removals inside the prose (a kept prose line above, two below) marks nothing:
    # a share bar between the article's paragraphs says nothing of those below it; one after the article does
    apart = dataclasses.replace(spec, landmarks_apart=True)
    boxed = [PROSE, "Share", "Like", PROSE + " Two.", PROSE + " Three.", "Share", PROSE + " Four.", "Footer"]
    owners = [None, "social", "social", None, None, "social", None, None]
    rows, _ = features_of(boxed, owners, spec=apart)
    # rows 1-2 are a box; row 5 is not (one prose line below it, then the footer): a teaser's headline and blurb
    assert [r["after_removed_social"] for r in rows] == [0, 0, 0, 0, 0, 0, 1, 1]
    assert [r["before_removed_social"] for r in rows] == [1, 1, 1, 1, 1, 0, 0, 0]  # the last counted: row 5
    rows, _ = features_of(boxed, owners, spec=spec)
    assert [r["after_removed_social"] for r in rows] == [0, 0, 1, 1, 1, 1, 1, 1]  # otherwise the first marks all
    # row 1 has two prose lines below it; row 4 one, then a line that is no prose
    assert context_features.boxed([True, False, True, True, False, True, False],
                                  [False, True, False, False, True, False, False]) == [False, True] + [False] * 5
    assert context_features.boxed([True, False, True], [True, True, False]) == [False, False, False]  # at the edge
    no_prose, _ = features_of(["Home", "About"], spec=spec)
    assert [(r["before_prose"], r["after_prose"], r["prose_below"]) for r in no_prose] == [(1, 1, 0), (1, 1, 0)]
    with pytest.raises(ValueError, match="context_features"):
        dataclasses.replace(SPEC, context_features=("after_removed_jobs",))  # not among the spec's packs
    with pytest.raises(ValueError, match="context_features"):
        dataclasses.replace(SPEC, context_features=("prose_nearby",))


def test_derived_features_are_hinges_and_products_of_the_features_before_them():
    """`NAME>KNOT` is the part of NAME above KNOT, `NAME<KNOT` the part below, `A*B` a product."""
    derived = ("position<0.25", "position>0.5", "prose*in_run", "prev_short*short", "chars_log>3.5")
    spec = dataclasses.replace(SPEC, derived_features=derived)
    assert spec.names[-len(derived):] == derived
    texts = ["Home", "News", PROSE, "Share", "About"]
    rows, _ = features_of(texts, spec=spec)
    assert [r["position<0.25"] for r in rows] == [0.25, 0.0, 0.0, 0.0, 0.0]
    assert [r["position>0.5"] for r in rows] == [0.0, 0.0, 0.0, 0.25, 0.5]
    assert [r["prose*in_run"] for r in rows] == [0.0, 0.0, 1.0, 0.0, 0.0]
    assert [r["prev_short*short"] for r in rows] == [0.0, 1.0, 0.0, 0.0, 1.0]  # a short line after a short one
    assert [r["chars_log>3.5"] for r in rows] == [max(0.0, r["chars_log"] - 3.5) for r in rows]
    for bad in ("position>x", "nonsense>0.5", "prose*nonsense", "position", "position>0.5>1"):
        with pytest.raises(ValueError, match="derived_features"):
            dataclasses.replace(SPEC, derived_features=(bad,))
    with pytest.raises(ValueError, match="twice"):
        dataclasses.replace(SPEC, derived_features=("prose*in_run", "prose*in_run"))


def test_main_run_is_the_best_prose_stretch():
    assert main_run([False, True, True, False, True, False, False, False]) == (1, 4)
    assert main_run([False, False]) == (-1, -2)


def test_unknown_neighbour_feature_is_refused():
    with pytest.raises(ValueError, match="unknown feature"):
        FeatureSpec(neighbour_features=("nonsense",))


def test_labels_follow_the_gold_shingles():
    gold = Gold.of("The council approved the budget after a long and heated debate. Other words.", "Budget news")
    assert gold_share(PROSE, gold) == 1.0
    assert gold_share("the budget after a long walk home tonight", gold) == pytest.approx(2 / 5)
    assert not is_furniture("the budget after a long walk home tonight", gold, 0.0)  # some shingles in it
    assert is_furniture("the budget after a long walk home tonight", gold, 0.5)  # under half
    assert is_furniture("Subscribe to our newsletter", gold, 0.0)
    assert not is_furniture("Budget News", gold, 0.5)  # the title stays, as the guide says


MODEL_PACK = """
id = "lm"
version = "1"
[[rules]]
id = "lm-rule"
kind = "line_model"
rationale = "test"
threshold = 0.5
extract_threshold = 0.5
veto_below = 0.5
extract_veto_below = 0.5
short_chars = 20
min_lines = 1
packs = ["words"]
prose_min_words = 5
prose_min_chars = 30
{extra}
[rules.weights]
bias = -2.0
short = 4.0
prose = -3.0
[rules.examples]
remove = ["Home"]
keep = ["{prose}"]
"""


def model_rules(tmp_path: Path, extra: str = "", with_line_rule: bool = False, never_remove: bool = False) -> RuleSet:
    path = tmp_path / "lm.toml"
    text = MODEL_PACK.format(extra=extra, prose=PROSE)
    if never_remove:
        text = text.replace("\nthreshold = 0.5", "\nthreshold = 2.0").replace("extract_threshold = 0.5", "")
    path.write_text(text, "utf-8")
    packs = [load_pack(path)]
    if with_line_rule:
        line = tmp_path / "budget.toml"
        line.write_text('id = "words"\nversion = "1"\n[[rules]]\nid = "budget-word"\nkind = "line"\n'
                        'pattern = "budget"\nrationale = "t"\nexamples.remove = ["budget"]\n'
                        'examples.keep = ["x"]\n', "utf-8")
        packs.append(load_pack(line))
    return RuleSet(tuple(packs))


def test_every_model_removal_is_recorded_with_its_reason(tmp_path):
    rules = model_rules(tmp_path)
    text = f"Home\nNews\n\n{PROSE}\n{PROSE}\n\nShare\n"
    result = cleaner.clean(text, rules=rules)
    assert result.text == f"{PROSE}\n{PROSE}\n"
    model_removals = [r for r in result.removals if r.rule_id == "lm-rule"]
    removed_lines = [n for r in model_removals for n in range(r.first_line, r.last_line + 1)
                     if text.splitlines()[n - 1].strip()]
    reasons = [why for r in model_removals for why in r.reasons]
    assert sorted(why["line"] for why in reasons) == removed_lines == [1, 2, 7]
    rule = rules.rule("lm-rule")
    for why in reasons:
        assert why["model"] == rule.model.id and why["model"].startswith("lm-rule@")
        assert why["p"] >= 0.5
        assert why["features"][0][0] == "short"  # the feature that pushed it most
    recorded = [r for r in result.provenance["removals"] if r["rule_id"] == "lm-rule"]
    assert all(r["reasons"] for r in recorded)
    assert cleaner.restore(result.text, result.provenance) == text


def test_the_model_vetoes_a_pattern_hit_inside_prose_and_stays_idempotent(tmp_path):
    rules = model_rules(tmp_path, with_line_rule=True)
    text = f"Home\n{PROSE}\nThe budget\n{PROSE}\n"
    first = apply_rules(text, rules)
    # "The budget" is short: the model confirms the pattern hit; the prose lines it vetoes.
    assert first.text == f"{PROSE}\n{PROSE}\n"
    assert {r.rule_id for r in first.removals} == {"lm-rule", "budget-word"}
    assert apply_rules(first.text, rules).removals == ()
    only_veto = model_rules(tmp_path, extra='veto_rules = ["budget-word"]', with_line_rule=True, never_remove=True)
    assert apply_rules(text, only_veto).text == f"Home\n{PROSE}\n{PROSE}\n"


def test_the_model_never_gives_back_a_never_vetoed_rules_removals(tmp_path):
    text = f"Home\n{PROSE}\nThe budget\n{PROSE}\n"
    assert apply_rules(text, model_rules(tmp_path, with_line_rule=True)).text == f"{PROSE}\n{PROSE}\n"
    rules = model_rules(tmp_path, extra='never_vetoed = ["budget-word"]', with_line_rule=True)
    assert apply_rules(text, rules).text == ""  # the prose lines budget-word removed stay removed


def test_the_veto_spares_a_box_standing_apart(tmp_path):
    """`veto_spares_blocks`: a rule's removal that opens a block of its own between two paragraphs (a "Read next"
    label over its headline) stays removed, though the model scores it as body; a lone line does not."""
    rules = model_rules(tmp_path, with_line_rule=True)
    label, headline = "More budget coverage from the politics desk", "Council approves the new skate park"
    box = f"{PROSE} {PROSE}\n\n{label}\n{headline}\n\n{PROSE} {PROSE}\n"
    assert label in apply_rules(box, rules).text  # scored as body (neither short nor prose): given back
    spares = model_rules(tmp_path, extra='veto_spares_blocks = 4\nedge_categories = ["related"]', with_line_rule=True)
    related = dataclasses.replace(spares.packs[1], rules=tuple(
        dataclasses.replace(r, category="related") for r in spares.packs[1].rules))
    spares = RuleSet((spares.packs[0], related))
    kept = apply_rules(box, spares).text
    assert label not in kept and headline in kept  # the box's label stays removed; no rule took its headline
    alone = f"{PROSE} {PROSE}\n\n{label}\n\n{PROSE} {PROSE}\n"
    assert label in apply_rules(alone, spares).text  # a block of one line is a line's evidence: vetoed


def test_veto_spares_box_says_which_blocks_stand_as_boxes():
    cats = ("related", "share")
    label, headline = "Read next", "The hidden cost of cheap flights"
    sentence = "The council approved the budget after a long and heated debate."
    assert veto_spares_box(["related", None], [label, headline], 8, cats)
    assert veto_spares_box(["share"] * 6, ["Share", "Facebook", "WhatsApp", "X", "LinkedIn", "Email"], 8, cats)
    assert not veto_spares_box(["related"], [label], 8, cats)  # one line
    assert not veto_spares_box([None, "related"], [headline, label], 8, cats)  # a kept line heads it
    assert not veto_spares_box(["related", None], [label, sentence], 8, cats)  # a kept sentence in it
    assert not veto_spares_box(["related", None, None], [label, headline, headline], 8, cats)  # under half removed
    assert not veto_spares_box(["repeat", None], [label, headline], 8, cats)  # a category boxes are not of
    assert not veto_spares_box(["share"] * 9, ["Share"] * 9, 8, cats)  # longer than the limit


def test_explain_names_each_line_the_model_gave_back(tmp_path):
    text = f"Home\n{PROSE}\nThe budget\n{PROSE}\n"
    vetoes = [d for d in find_declines(text, model_rules(tmp_path, with_line_rule=True)) if "gave it back" in d.reason]
    assert [(d.line, d.rule_id) for d in vetoes] == [(2, "budget-word"), (4, "budget-word")]
    assert "the line model (lm-rule) gave it back" in vetoes[0].reason  # the model that vetoed, by its id
    exempt = model_rules(tmp_path, extra='never_vetoed = ["budget-word"]', with_line_rule=True)
    assert not [d for d in find_declines(text, exempt) if "gave it back" in d.reason]


def test_the_model_never_vetoes_a_pack_it_was_not_trained_with(tmp_path):
    rules = model_rules(tmp_path, with_line_rule=True)
    other = dataclasses.replace(rules.packs[1], id="ours", rules=tuple(
        dataclasses.replace(r, pack_id="ours") for r in rules.packs[1].rules))
    mine = RuleSet((rules.packs[0], other))
    text = f"{PROSE}\nThe budget\n{PROSE}\n"
    assert apply_rules(text, rules).text == f"{PROSE}\n{PROSE}\n"  # its own pack's prose hits vetoed
    assert apply_rules(text, mine).text == ""  # a user's pack: every hit stands


def test_wordless_rows_take_the_side_of_the_nearest_rows_with_words():
    keys = ["Intro", "-", "* * *", "-", "Body", "—", "", "Outro"]
    assert between_removed(keys, [1, 2, 3, 5], gone={0, 4, 7}) == {1, 2, 3, 5}  # a run of them, walked once
    assert between_removed(keys, [1, 2, 3, 5], gone={0}) == set()  # "Body" stays: both runs touch it
    assert between_removed(keys, [1, 2, 3], gone={4}) == set()  # "Intro" stays
    assert between_removed(["-", "Body", "-"], [0, 2], gone={1}) == {0, 2}  # the edges count as removed
    assert between_removed(["-", "Body"], [0], gone=set()) == set()


def test_a_wordless_line_between_removed_lines_stays_removed(tmp_path):
    # The model scores by length here: the two sign-up lines stay removed (p >= 0.5), and it would give
    # back every lone dash (p 0.21). A dash has no words of its own to judge: between two lines that
    # stay removed it stays removed; between two kept lines (a section break) it is given back.
    pack = MODEL_PACK.format(extra="", prose=PROSE).replace("\nthreshold = 0.5", "\nthreshold = 2.0")
    (tmp_path / "lm.toml").write_text(pack.replace("short = 4.0", "chars_log = 1.0"), "utf-8")
    (tmp_path / "words.toml").write_text(
        'id = "words"\nversion = "1"\n'
        '[[rules]]\nid = "budget-word"\nkind = "line"\npattern = "budget"\nrationale = "t"\n'
        'examples.remove = ["budget"]\nexamples.keep = ["x"]\n'
        '[[rules]]\nid = "dash"\nkind = "line"\npattern = "^-$"\nrationale = "t"\n'
        'examples.remove = ["-"]\nexamples.keep = ["x"]\n', "utf-8")
    rules = RuleSet((load_pack(tmp_path / "lm.toml"), load_pack(tmp_path / "words.toml")))
    furniture = f"{PROSE}\n{PROSE}\nSubscribe to the budget letter\n-\nDonate to the budget fund\n"
    assert apply_rules(furniture, rules).text == f"{PROSE}\n{PROSE}\n"
    assert apply_rules(f"{PROSE}\n-\n{PROSE}\n", rules).text == f"{PROSE}\n-\n{PROSE}\n"
    at_end = f"{PROSE}\n{PROSE}\nSubscribe to the budget letter\n-\n"
    assert apply_rules(at_end, rules).text == f"{PROSE}\n{PROSE}\n"  # the document's edge is no body
    # With never_empty, a model that would remove every line left removes none: the dash's sides are
    # then kept, and it is given back with them.
    (tmp_path / "lm.toml").write_text(pack.replace("short = 4.0", "chars_log = 1.0")
                                      .replace("\nthreshold = 2.0", "\nthreshold = 0.5\nnever_empty = true"), "utf-8")
    rules = RuleSet((load_pack(tmp_path / "lm.toml"), load_pack(tmp_path / "words.toml")))
    assert apply_rules("Short one\n-\nShort two\n", rules).text == "Short one\n-\nShort two\n"


OTHER = "Residents can comment on the plans until the end of the month at the town hall."
NEWS = "The river path reopened on Monday after the flood repairs were finished early."


def with_fields(rules: RuleSet, **fields) -> RuleSet:
    """`rules` (model_rules) with the model rule's fields replaced."""
    model = dataclasses.replace(rules.packs[0].rules[0], **fields)
    return RuleSet((dataclasses.replace(rules.packs[0], rules=(model,)), *rules.packs[1:]))


def test_run_prose_threshold_keeps_the_articles_own_paragraphs(tmp_path):
    """A prose line inside the main run of prose goes only from `run_prose_threshold`; outside the run,
    and any other line, the threshold alone decides."""
    rules = with_fields(model_rules(tmp_path), weights={"bias": 2.0, "prose": -0.5})  # every line scores > 0.8
    text = f"Home\n{PROSE}\n{NEWS}\n{OTHER}\nShare\n"
    assert apply_rules(text, rules).text == ""
    shielded = with_fields(rules, run_prose_threshold=2.0)
    assert apply_rules(text, shielded).text == f"{PROSE}\n{NEWS}\n{OTHER}\n"
    lone = f"Home\nShare\nMenu\nNews\nSport\n{PROSE}\nAbout\nContact\nLegal\nJobs\nTerms\nHelp\n{NEWS}\n"
    run = features_of([line for line in lone.splitlines()], spec=shielded.rule("lm-rule").spec)[0]
    assert [r["in_run"] for r in run if r["prose"]] == [1.0, 0.0]  # the first prose line is the run, the last not
    assert apply_rules(lone, shielded).text == f"{PROSE}\n"
    assert apply_rules(text, with_fields(rules, run_prose_threshold=0.5)).text == ""  # above the scores: no shield


def shield_case(rules: RuleSet, text: str, field: str, unshielded: str, shielded: str) -> RuleSet:
    """Check a shield (`field`) of `rules` (model_rules: a short line scores 0.88, a prose line 0.007):
    off, `text` cleans to `unshielded`; at 2.0 to `shielded`; at 0.5, below the scores, as off.
    Returns the rules with the shield at 2.0."""
    assert apply_rules(text, rules).text == unshielded
    on = with_fields(rules, **{field: 2.0})
    assert apply_rules(text, on).text == shielded
    assert apply_rules(text, with_fields(rules, **{field: 0.5})).text == unshielded
    return on


def test_region_threshold_keeps_the_lines_inside_the_best_body_region(tmp_path):
    """`region_threshold`: a line no rule removed, inside the stretch of such lines with the most body
    log-odds (by the first model), goes only from that score; before and after the stretch the
    threshold alone decides."""
    text = f"Home\nNews\n{PROSE}\nRead the report\n{NEWS}\n{OTHER}\nShare\nAbout\n"
    shielded = shield_case(model_rules(tmp_path), text, "region_threshold", f"{PROSE}\n{NEWS}\n{OTHER}\n",
                           f"{PROSE}\nRead the report\n{NEWS}\n{OTHER}\n")
    # With region_min_stop_share, a line with fewer stop words is not shielded ("Read the report": one in three).
    worded = with_fields(shielded, stop_words=("the",))
    assert apply_rules(text, with_fields(worded, region_min_stop_share=0.3)).text == \
        f"{PROSE}\nRead the report\n{NEWS}\n{OTHER}\n"
    assert apply_rules(text, with_fields(worded, region_min_stop_share=0.4)).text == f"{PROSE}\n{NEWS}\n{OTHER}\n"
    assert second_stage.kept_region([0.9, 0.1, 0.99, 0.4, 0.1], [False, False, True, False, False]) == [
        False, True, False, True, True]  # the removed line is skipped: one region across it


def test_headline_threshold_keeps_the_articles_headline(tmp_path):
    """`headline_threshold`: the line `headline.find` picks (above the main run of prose, shaped as a
    headline, with the article's words) goes only from that score; a short line without the article's
    words, and the headline below that score, go as before. The trainer's threshold search shields the
    same line (`_headlines`, `_shielded`)."""
    rules = model_rules(tmp_path)
    text = f"Home\nBudget approved\nBy Jane Doe\n{PROSE}\n{NEWS}\nShare\n"
    shielded = shield_case(rules, text, "headline_threshold", f"{PROSE}\n{NEWS}\n",
                           f"Budget approved\n{PROSE}\n{NEWS}\n")
    assert apply_rules(text.replace("Budget approved", "Weather today"), shielded).text == f"{PROSE}\n{NEWS}\n"
    rule = shielded.rule("lm-rule")
    texts = text.splitlines()
    feats = extract(texts, [None] * len(texts), rule.spec)
    example = train_line_model.Example(feats.rows, [0] * len(texts), [None] * len(texts), texts)
    assert train_line_model._own_thresholds(rule, example) == [0.0, 2.0, 0.0, 0.0, 0.0, 0.0]
    assert train_line_model._shielded(rule, feats.rows[1], 0.88, own_threshold=2.0)
    assert not train_line_model._shielded(rules.rule("lm-rule"), feats.rows[1], 0.88)


def trainer_own_thresholds(rules: RuleSet, text: str) -> list[float]:
    """The trainer's own thresholds (`train_line_model._own_thresholds`) of `text`'s lines, none removed."""
    rule = rules.rule("lm-rule")
    texts = text.splitlines()
    feats = extract(texts, [None] * len(texts), rule.spec)
    return train_line_model._own_thresholds(rule, train_line_model.Example(feats.rows, [0] * len(texts),
                                                                             [None] * len(texts), texts))


def test_lead_threshold_keeps_the_lead_under_the_opening_headline(tmp_path):
    """`lead_threshold`: the prose line right under the document's opening headline (`headline.lead`: every line
    above the headline removed, none between) goes only from that score, however doubtful the furniture right
    under it makes it; under a line that opens the document but is no headline of the article, it goes as
    before. The trainer's threshold search shields the same line (`_own_thresholds`)."""
    # every line but the short ones scores > 0.8; the headline stays, as the shield finds the lead under it in
    # every pass of the engine's fixpoint (a lead whose headline goes is judged again without the shield)
    rules = with_fields(model_rules(tmp_path), weights={"bias": 2.0, "prose": -0.5, "short": -6.0})
    text = f"Budget approved\n{PROSE}\n{NEWS}\nShare\n"
    shielded = shield_case(rules, text, "lead_threshold", "Budget approved\nShare\n",
                           f"Budget approved\n{PROSE}\nShare\n")
    assert apply_rules(text.replace("Budget approved", "Weather today"), shielded).text == "Weather today\nShare\n"
    assert trainer_own_thresholds(shielded, text) == [0.0, 2.0, 0.0, 0.0]


def test_bio_threshold_keeps_the_authors_bio_line(tmp_path):
    """`bio_threshold`: a sentence opening with the name the byline gave (`author_bio.find`) goes only from
    that score; the same sentence about someone the byline did not name goes as before. The trainer's
    threshold search shields the same line (`_own_thresholds`)."""
    # every line but the short ones scores > 0.8; the byline stays, as the shield reads the name off it in
    # every pass of the engine's fixpoint (without the byline a second cleaning would take the bio line)
    rules = with_fields(model_rules(tmp_path), weights={"bias": 2.0, "prose": -0.5, "short": -6.0})
    bio = "Jane Doe is a reporter covering the city council."
    text = f"Home\nBy Jane Doe\n{PROSE}\n{NEWS}\n{bio}\nShare\n"
    shielded = shield_case(rules, text, "bio_threshold", "Home\nBy Jane Doe\nShare\n",
                           f"Home\nBy Jane Doe\n{bio}\nShare\n")
    assert apply_rules(text.replace("By Jane Doe", "By John Roe"), shielded).text == "Home\nBy John Roe\nShare\n"
    assert trainer_own_thresholds(shielded, text) == [0.0, 0.0, 0.0, 0.0, 2.0, 0.0]


def test_never_empty_leaves_a_document_the_model_doubts_throughout(tmp_path):
    """`never_empty`: when the model's removals would leave a document without a line (a table layout
    whose every row it doubts), it removes none of its own; the rules' removals stand. A document it
    leaves a line of is cleaned as before."""
    doubting = with_fields(model_rules(tmp_path, with_line_rule=True), weights={"bias": 2.0, "prose": -0.5})
    text = f"Home\n{OTHER}\nThe budget\n{NEWS}\nShare\n"  # every line scores > 0.8; the rule removes "The budget"
    assert apply_rules(text, doubting).text == ""
    assert apply_rules(text, with_fields(doubting, never_empty=True)).text == f"Home\n{OTHER}\n{NEWS}\nShare\n"
    rules = model_rules(tmp_path, with_line_rule=True)  # short lines 0.88, prose lines 0.007
    assert apply_rules(text, with_fields(rules, never_empty=True)).text == apply_rules(text, rules).text == \
        f"{OTHER}\n{NEWS}\n"


def test_the_threshold_search_counts_never_empty_as_the_model_does():
    """The trainer's per-line decision (`_kept`) keeps a document's unremoved lines when a pair would
    remove them all, with `never_empty`, as the kind does."""
    import numpy as np

    def lines(never_empty: bool) -> train_line_model._Lines:
        flags = np.array([False, True, False, False])
        return train_line_model._Lines(
            doc=np.array([0, 0, 1, 1]), p=np.array([0.9, 0.8, 0.9, 0.1]), removed=flags, vetoable=flags,
            rule=np.array([-1, 0, -1, -1]), n=np.ones(4, int), hits=np.ones(4, int), gold_total=np.ones(2),
            page_like=np.ones(2, bool), removed_share=np.zeros(2), lead=np.zeros(2, int), page_p=np.zeros(2),
            rule_ids=["r"], shielded=np.zeros(4, bool), never_empty=never_empty)

    assert train_line_model._kept(lines(False), 0.5, 0.0).tolist() == [False, False, False, True]
    assert train_line_model._kept(lines(True), 0.5, 0.0).tolist() == [True, False, False, True]


def test_a_page_needs_furniture_the_rules_removed(tmp_path):
    """`page_removed_share`: short lines alone (a clean body's headings and list items) make an extract,
    where the model removes only at `extract_threshold`."""
    text = f"Home\nNews\nThe budget\n{OTHER}\n{NEWS}\nShare\n"  # the rules remove 1 line of 6
    rules = model_rules(tmp_path, with_line_rule=True)
    extract = with_fields(rules, page_removed_share=0.5, extract_threshold=2.0, extract_veto_below=0.0)
    assert apply_rules(text, extract).text == f"Home\nNews\n{OTHER}\n{NEWS}\nShare\n"
    page = with_fields(rules, page_removed_share=0.1, extract_threshold=2.0, extract_veto_below=0.0)
    assert apply_rules(text, page).text == f"{OTHER}\n{NEWS}\n"


def test_with_page_weights_a_classifier_decides_the_regime(tmp_path):
    """`page_weights`: a logistic classifier over the document's shape replaces the boundary fields."""
    text = f"Home\nNews\nThe budget\n{OTHER}\n{NEWS}\nShare\n"
    rules = model_rules(tmp_path, with_line_rule=True)
    boundary_page = with_fields(rules, page_removed_share=0.1, extract_threshold=2.0, extract_veto_below=0.0)
    extract_by_shape = with_fields(boundary_page, page_weights={"bias": 1.0, "doc_head_short": -3.0})
    assert apply_rules(text, extract_by_shape).text == f"Home\nNews\n{OTHER}\n{NEWS}\nShare\n"
    page_by_shape = with_fields(boundary_page, page_removed_share=0.9,
                                page_weights={"bias": -1.0, "doc_head_short": 3.0})  # p = 0.73
    assert apply_rules(text, page_by_shape).text == f"{OTHER}\n{NEWS}\n"
    surer = with_fields(page_by_shape, page_above=0.8)  # ... and an extract when a page must score 0.8
    assert apply_rules(text, surer).text == f"Home\nNews\n{OTHER}\n{NEWS}\nShare\n"
    with pytest.raises(ValueError, match=r"unknown document feature\(s\) \['doc_menus'\]"):
        with_fields(rules, page_weights={"bias": 0.0, "doc_menus": 1.0})


def test_with_extract_below_only_the_surest_extracts_get_rules_released(tmp_path):
    """`extract_below`: the boundary decides the regime, except that a document the classifier scores
    below this as a page is an extract; only such documents get `extract_release_rules` given back."""
    text = f"Home\nNews\nThe budget\n{OTHER}\n{NEWS}\nShare\n"
    rules = model_rules(tmp_path, with_line_rule=True)
    page = with_fields(rules, page_removed_share=0.1, extract_threshold=2.0, extract_veto_below=0.0,
                       page_weights={"bias": 1.0, "doc_head_short": -3.0},  # p = 0.27 of a page
                       extract_release_rules=("budget-word",))
    assert apply_rules(text, with_fields(page, extract_below=0.2)).text == f"{OTHER}\n{NEWS}\n"
    overruled = apply_rules(text, with_fields(page, extract_below=0.5))  # a page by the boundary, surely an extract
    assert overruled.text == text and overruled.removals == ()
    extract = with_fields(page, page_removed_share=0.9)  # an extract by the boundary: no model removals
    unsure = apply_rules(text, with_fields(extract, extract_below=0.2))
    assert unsure.text == f"Home\nNews\n{OTHER}\n{NEWS}\nShare\n"  # ... and no release below 0.27
    sure = apply_rules(text, with_fields(extract, extract_below=0.5))
    assert sure.text == text and sure.removals == ()


def test_on_an_extract_the_rules_it_was_trained_to_release_are_given_back(tmp_path):
    text = f"{OTHER}\nThe budget\n{NEWS}\n"
    rules = with_fields(model_rules(tmp_path, with_line_rule=True), page_short_share=0.9, extract_threshold=2.0,
                        extract_veto_below=0.0)
    assert apply_rules(text, rules).text == f"{OTHER}\n{NEWS}\n"
    released = with_fields(rules, extract_release_rules=("budget-word",))
    result = apply_rules(text, released)
    assert result.text == text and result.removals == ()
    on_page = with_fields(released, page_short_share=0.0)  # a page: the rule's removal stands
    assert apply_rules(text, on_page).text == f"{OTHER}\n{NEWS}\n"


def test_edge_threshold_takes_the_rest_of_a_block_beside_a_rules_removal(tmp_path):
    """`edge_threshold`: on an extract (and on a document shorter than `min_lines`) the model removes the
    lines outside the best body region that score at least it and join a removal by a rule of
    `edge_categories` (any, when empty), next to it or through other such lines, each recorded with its
    reason; a like line apart from any removal stays, and a document without a main run of prose (no
    article to stand outside of) gets none."""
    extract = with_fields(model_rules(tmp_path, with_line_rule=True), page_short_share=0.9, extract_threshold=2.0,
                          extract_veto_below=0.0)  # an extract: short lines score 0.88, prose 0.007
    text = f"Home\n{OTHER}\n{NEWS}\n\nThe budget\nShare\nAbout\n"
    assert apply_rules(text, extract).text == f"Home\n{OTHER}\n{NEWS}\n\nShare\nAbout\n"  # the rule's line goes ...
    edged = with_fields(extract, edge_threshold=0.5)
    result = cleaner.clean(text, rules=edged)
    assert result.text == f"Home\n{OTHER}\n{NEWS}\n"  # ... with the block's other lines; "Home" stays
    by_model = [r for r in result.removals if r.rule_id == "lm-rule"]
    assert [why["line"] for r in by_model for why in r.reasons] == [6, 7]
    assert all(why["p"] >= 0.5 and why["model"].startswith("lm-rule@") for r in by_model for why in r.reasons)
    assert cleaner.restore(result.text, result.provenance) == text
    assert apply_rules(text, with_fields(edged, edge_threshold=0.9)).text == \
        f"Home\n{OTHER}\n{NEWS}\n\nShare\nAbout\n"  # below the edge threshold
    short = with_fields(edged, min_lines=20, page_short_share=0.0)  # a page by shape, but too short for the rest
    assert apply_rules(text, short).text == f"Home\n{OTHER}\n{NEWS}\n"
    other_kind = with_fields(edged, edge_categories=("jobs",))  # budget-word is of category "other": no seed
    assert apply_rules(text, other_kind).text == f"Home\n{OTHER}\n{NEWS}\n\nShare\nAbout\n"
    with pytest.raises(ValueError, match=r"edge_categories: unknown category \['job'\]"):
        with_fields(edged, edge_categories=("job",))
    never_a_page = with_fields(edged, page_short_share=1.1)
    assert apply_rules("The budget\nShare\nAbout\n", never_a_page).text == "Share\nAbout\n"  # no prose: no edge


def test_an_html_model_waits_for_page_hints(tmp_path):
    rules = model_rules(tmp_path, extra='input = "html"\n')
    text = f"Home\n{PROSE}\n"
    assert apply_rules(text, rules).text == text
    assert apply_rules(text, rules, hints={}).text == f"{PROSE}\n"


def test_a_short_note_is_left_to_the_rules():
    rule = next(r for r in cleaner.load_rules().rules() if r.id == "line-model")
    assert rule.min_lines > 1
    assert cleaner.clean("Café\n").text == "Café\n"
    assert cleaner.clean("Dear Ana,\nSee you at six.\nTom\n").text == "Dear Ana,\nSee you at six.\nTom\n"


def test_bad_weights_fail_naming_the_file(tmp_path):
    path = tmp_path / "lm.toml"
    path.write_text(MODEL_PACK.format(extra="", prose=PROSE).replace("short = 4.0", "shortness = 4.0"), "utf-8")
    with pytest.raises(RuleError, match=r"lm\.toml.*unknown feature\(s\) \['shortness'\]"):
        load_pack(path)


def test_the_bundled_model_has_examples_and_trained_weights():
    rule = next(r for r in cleaner.load_rules().rules() if r.kind == "line_model")
    assert rule.examples_remove and rule.examples_keep
    assert len(dict(rule.weights)) > 20


def test_pack_writer_round_trips():
    data = tomllib.loads((ROOT / "rules" / "line_model.toml").read_text("utf-8"))
    assert tomllib.loads(dump_pack(data, "comment")) == data


def synthetic_corpus(folder: Path, pages: int = 6) -> Path:
    """Pages with a menu, an article and a footer; the gold is the article. Returns its folds file."""
    for n in range(pages):
        body = [f"Paragraph {k} of story {n} tells how the river town rebuilt its bridge after the flood."
                for k in range(4)]
        menu = ["Home", "World", f"Section {n}", "Contact us"]
        footer = ["Share this", "Subscribe to our newsletter", f"Copyright {2000 + n}"]
        (folder / f"{n:04d}.full.txt").write_text("\n".join(menu + body + footer) + "\n", "utf-8")
        (folder / f"{n:04d}.recall.txt").write_text("\n".join(body + footer[:1]) + "\n", "utf-8")
        (folder / f"{n:04d}.gold.txt").write_text("\n\n".join(body) + "\n", "utf-8")
        (folder / f"{n:04d}.url").write_text(f"https://site{n}.example/story\n", "utf-8")
    folds = folder / "folds.json"
    folds.write_text(json.dumps({"fold": {f"{n:04d}": n % 2 for n in range(pages)},
                                 "domains": {f"{n:04d}": f"site{n}.example" for n in range(pages)}}), "utf-8")
    return folds


def test_the_threshold_search_chooses_the_shields_score():
    """A rule that declares the prose shield gets its score searched with the pair: lowered when the
    shielded lines it is sure of are furniture, kept whole (NEVER) when they are the body; a rule that
    declares no shield keeps its own (none)."""
    import types

    import numpy as np

    def lines(hits: list[int]) -> train_line_model._Lines:
        # one page: a shielded prose line at p 0.75, two body lines, one furniture line at p 0.95
        p = np.array([0.75, 0.1, 0.1, 0.95])
        return train_line_model._Lines(
            doc=np.zeros(4, int), p=p, removed=np.zeros(4, bool), vetoable=np.zeros(4, bool),
            rule=np.full(4, -1), n=np.full(4, 10), hits=np.array(hits), gold_total=np.array([float(sum(hits))]),
            page_like=np.ones(1, bool), removed_share=np.zeros(1), lead=np.zeros(1, int), page_p=np.zeros(1),
            rule_ids=[], shielded=np.array([True, False, False, False]),
            in_run_prose=np.array([True, False, False, False]), in_region=np.zeros(4, bool),
            own_kept=np.zeros(4, bool))

    shielding = types.SimpleNamespace(id="x", run_prose_threshold=train_line_model.NEVER, region_threshold=0.0)
    page = np.ones(1, bool)
    _, threshold, _, fields, shielded = train_line_model._best_on_pages(shielding, lines([0, 10, 10, 0]), page)
    assert fields == {"run_prose_threshold": 0.7} and threshold <= 0.7 and shielded.tolist() == [False] * 4
    _, _, _, fields, _ = train_line_model._best_on_pages(shielding, lines([10, 10, 10, 0]), page)
    assert fields == {"run_prose_threshold": train_line_model.NEVER}
    unshielded = types.SimpleNamespace(id="x", run_prose_threshold=0.0, region_threshold=0.0)
    assert train_line_model._best_on_pages(unshielded, lines([0, 10, 10, 0]), page)[3] == {}


def test_the_shields_score_is_chosen_by_the_benchmarks_metric():
    """`_shields_by_metric` scores each shields' score by the shingles of each document's kept lines
    joined (a shingle may span two lines, which the per-line count leaves out), and takes the best,
    a tie going to the higher score."""
    import types

    import numpy as np
    from evaluate import shingles

    texts = ["The harbour ferry carried its first passengers", "Subscribe now for more news every morning",
             "in two years on Monday after a costly repair"]
    page = types.SimpleNamespace(gold_shingles=shingles(f"{texts[0]}\n{texts[2]}"))
    lines = train_line_model._Lines(
        doc=np.zeros(3, int), p=np.array([0.1, 0.75, 0.1]), removed=np.zeros(3, bool),
        vetoable=np.zeros(3, bool), rule=np.full(3, -1), n=np.array([4, 4, 6]), hits=np.array([4, 0, 6]),
        gold_total=np.array([10.0]), page_like=np.ones(1, bool), removed_share=np.zeros(1), lead=np.zeros(1, int),
        page_p=np.zeros(1), rule_ids=[], shielded=np.array([False, True, False]), texts=texts, pages=[page],
        in_run_prose=np.array([False, True, False]), in_region=np.zeros(3, bool), own_kept=np.zeros(3, bool))
    # joined without the furniture line, the body's shingles across the line break count too
    assert train_line_model._metric_f1(lines, np.array([True, False, True])) == 1.0
    assert train_line_model._metric_f1(lines, np.array([True, True, True])) < 1.0
    shielding = types.SimpleNamespace(id="x", run_prose_threshold=train_line_model.NEVER, region_threshold=0.0)
    chosen = {"extract_threshold": train_line_model.NEVER, "extract_veto_below": 0.5}
    page_mask = np.ones(1, bool)
    candidates = train_line_model._on_pages(shielding, lines, page_mask)
    picked = train_line_model._shields_by_metric(lines, candidates, page_mask, chosen)
    assert picked["run_prose_threshold"] == 0.7 and picked["threshold"] <= 0.7


def test_training_is_reproducible_and_writes_a_loadable_rule_file(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    folds = synthetic_corpus(corpus)
    params = ROOT / "rules" / "line_model.toml"
    outputs = []
    for name in ("a.toml", "b.toml"):
        out = tmp_path / name
        assert train_line_model.main(["--devset", str(corpus), "--folds", str(folds), "-o", str(out),
                                      "--params", str(params), "--rule", "line-model"]) == 0
        outputs.append(out.read_text("utf-8"))
    assert outputs[0] == outputs[1]
    rule = next(r for r in load_pack(tmp_path / "a.toml").rules if r.input == "text")
    weights = dict(rule.weights)
    assert set(weights) - {"bias"} and weights != dict(next(r for r in load_pack(params).rules).weights)
    # The rule file declares a second stage: the trainer fits its weights too (by nested folds).
    assert rule.second_features and set(dict(rule.second_weights)) - {"bias"} <= set(rule.second_features)
    assert "bias" in dict(rule.second_weights)
    # ... unless told to fit the first stage alone (as the shipped file is): declared, unweighted.
    first_only = tmp_path / "first.toml"
    assert train_line_model.main(["--devset", str(corpus), "--folds", str(folds), "-o", str(first_only),
                                  "--params", str(params), "--rule", "line-model", "--first-stage-only"]) == 0
    alone = next(r for r in load_pack(first_only).rules if r.input == "text")
    assert alone.second_features and not alone.second_weights and dict(alone.weights) == weights
    assert "--first-stage-only" in first_only.read_text("utf-8").splitlines()[0]
    # With --inside-weight it also trains on the gold bodies with a page's own furniture inside (not shipped).
    inside = tmp_path / "inside.toml"
    assert train_line_model.main(["--devset", str(corpus), "--folds", str(folds), "-o", str(inside), "--params",
                                  str(params), "--rule", "line-model", "--first-stage-only",
                                  "--inside-weight", "0.5"]) == 0
    assert dict(next(r for r in load_pack(inside).rules if r.input == "text").weights) != weights
    assert "--inside-weight 0.5" in inside.read_text("utf-8").splitlines()[0]
    # Trained on menus and footers around prose, it removes them from a page it has not seen.
    page = "Home\nWorld\nMarkets\nContact us\n" + "\n".join(
        f"Line {k} of a new report says the harbour reopened after the storm damage was repaired." for k in range(4)
    ) + "\nShare this\nSubscribe to our newsletter\nCopyright 2030\n"
    # The shipped regime: the boundary fields (and a classifier only when `extract_below` asks for one).
    assert rule.extract_below > 0 or not rule.page_weights
    classified = tmp_path / "c.toml"
    assert train_line_model.main(["--devset", str(corpus), "--folds", str(folds), "-o", str(classified),
                                  "--params", str(params), "--rule", "line-model", "--page-classifier"]) == 0
    load_pack(classified)  # loads (the synthetic corpus's documents are too short for a classifier to be fitted)
    # The model runs alone here, so no rule removes a line: the boundary's share of rule removals (held at
    # 0.02 by the trainer, TEXT_BOUNDARY) is set aside for this page to count as one.
    assert rule.page_removed_share == train_line_model.TEXT_BOUNDARY["page_removed_share"]
    alone_on_page = dataclasses.replace(rule, threshold=0.5, page_removed_share=0.0)
    pack = dataclasses.replace(load_pack(tmp_path / "a.toml"), rules=(alone_on_page,))
    clean = apply_rules(page, RuleSet((pack,))).text
    assert "Home" not in clean and "Subscribe" not in clean and clean.count("harbour") == 4


PAGE = """<html><head><title>Ferry returns</title></head><body>
<nav class="site-menu"><ul><li><a href="/">Home</a></li><li><a href="/local">Local news</a></li></ul></nav>
<main><article><h1>Harbour ferry returns after two-year repair</h1>
<p>The harbour ferry carried its first passengers in two years on Monday, after a costly repair.</p>
<p>Commuters queued from six o'clock, and the first crossing left ten minutes late to let the last of them on board.</p>
<p>The authority will run the ferry every half hour until nine at night, and has promised a weekend timetable soon.</p>
</article></main>
<aside class="related-stories"><ul><li><a href="/x">Bridge closure extended into the summer months</a></li></ul></aside>
</body></html>"""


class _by_line(dict):
    """Page hints looked up by a line's text (they are keyed by `hint_key`)."""

    def __getitem__(self, line):
        from cleaner.rules.features import hint_key

        return super().__getitem__(hint_key(line))


def test_html_hints_come_from_the_page_trafilatura_parsed():
    from cleaner.io.html import extract_tree, parse_html
    from cleaner.io.html_lines import page_hints

    tree = parse_html(PAGE.encode(), "page.html")
    text, _ = extract_tree(tree, "page.html")
    hints = _by_line(page_hints(tree, text + "\nBridge closure extended into the summer months\n"))
    prose = hints["Commuters queued from six o'clock, and the first crossing left ten minutes late to let the "
                  "last of them on board."]
    assert prose["found"] == prose["tag_p"] == prose["in_article"] == 1.0
    assert prose["link_density"] == prose["class_furniture"] == prose["teaser"] == prose["precision_discard"] == 0.0
    assert "one_link" not in prose
    assert hints["Harbour ferry returns after two-year repair"]["tag_h"] == 1.0
    teaser = hints["Bridge closure extended into the summer months"]
    assert teaser["link_density"] == 1.0 and teaser["class_furniture"] == 1.0 and "in_article" in teaser
    assert teaser["in_article"] == 0.0


def test_html_hints_say_what_trafilaturas_stricter_settings_prune():
    from cleaner.io.html import parse_html
    from cleaner.io.html_lines import page_hints

    lines = {"teaser": "Read also: the new harbour timetable explained in full",
             "bottom": "Sponsored content from partners across the region",
             "header": "The news organisation and its mission statement",
             "link": "A link that holds the whole paragraph of text here",
             "comments": "I commented on this story and so should you",
             "plain": "The ferry leaves every half hour from the north quay."}
    page = f"""<html><body><div class="Teaser-box"><p>{lines['teaser']}</p></div>
<div class="page bottom"><p>{lines['bottom']}</p></div><header><p>{lines['header']}</p></header>
<p><a href="/y">{lines['link']}</a></p><div id="comments"><p>{lines['comments']}</p></div>
<article><p>{lines['plain']}</p></article></body></html>"""
    hints = _by_line(page_hints(parse_html(page.encode(), "page.html"), "\n".join(lines.values())))
    shown = {name: {k for k in ("teaser", "precision_discard", "one_link") if hints[text].get(k)}
             for name, text in lines.items()}
    assert shown == {"teaser": {"teaser"}, "bottom": {"precision_discard"}, "header": {"precision_discard"},
                     "link": {"one_link"}, "comments": {"precision_discard"}, "plain": set()}


def test_html_hints_of_a_heading_repeated_as_a_link_elsewhere_come_from_the_heading():
    """A line's text met in two elements apart (an article's heading, and the same words as a table of contents'
    link before or after the article): the one less inside links gives its hints; an inner element with the
    container's text still overrides the container."""
    from cleaner.io.html import parse_html
    from cleaner.io.html_lines import page_hints

    heading, other = "Why build a home gym at all?", "A lone note inside two nested blocks"
    article = f"<article><h2>{heading}</h2><p>Prose of the article.</p><div><p>{other}</p></div></article>"
    contents = f'<ul class="toc"><li><a href="#why">{heading}</a></li></ul>'
    for page in (f"<html><body>{article}{contents}</body></html>", f"<html><body>{contents}{article}</body></html>"):
        hints = _by_line(page_hints(parse_html(page.encode(), "page.html"), f"{heading}\n{other}"))
        assert hints[heading]["tag_h"] == 1.0 and hints[heading]["link_density"] == 0.0
        assert hints[other]["tag_p"] == 1.0  # the inner p, not the div holding it


def test_html_hints_meet_list_items_table_rows_and_code_lines_and_place_them_against_the_main_block():
    from cleaner.io.html import extract_tree, parse_html
    from cleaner.io.html_lines import page_hints

    body = "".join(f"<p>The harbour ferry ran again on day {n}, and commuters filled it from the first "
                   f"crossing to the last one at night.</p>" for n in range(6))
    page = f"""<html><body><div class="top"><p>Welcome to the harbour news desk for today</p></div>
<main><div class="story"><h1>Harbour ferry returns</h1>{body}
<ul><li>Crossings every half hour</li><li>Tickets at the quay</li></ul>
<table><tr><td>Monday</td><td>6 am</td></tr><tr><td>Sunday</td><td>8 am</td></tr></table>
<pre>ferry.start()
ferry.stop()</pre></div>
<div class="bio"><p>Jane Doe writes about transport for the paper and lives by the harbour.</p></div></main>
</body></html>"""
    tree = parse_html(page.encode(), "page.html")
    text, _ = extract_tree(tree, "page.html")
    lines = ["- Crossings every half hour", "| Monday | 6 am |", "ferry.start()",
             "Welcome to the harbour news desk for today",
             "Jane Doe writes about transport for the paper and lives by the harbour."]
    hints = _by_line(page_hints(tree, text + "\n" + "\n".join(lines)))
    assert hints["- Crossings every half hour"]["tag_li"] == 1.0
    assert hints["| Monday | 6 am |"]["tag_cell"] == 1.0
    assert hints["ferry.start()"]["in_code"] == 1.0
    assert hints["Harbour ferry returns"]["tag_h1"] == 1.0
    inside = hints["- Crossings every half hour"]
    assert "outside_main" not in inside and inside["in_article"] == 1.0
    before = hints["Welcome to the harbour news desk for today"]
    assert before["outside_main"] == before["before_main"] == 1.0 and "after_main" not in before
    after = hints["Jane Doe writes about transport for the paper and lives by the harbour."]
    assert after["outside_main"] == after["after_main"] == 1.0


def test_html_hints_place_an_articles_later_sections_inside_the_wide_block_and_the_footer_outside():
    """A product list holds most of the article, so it is the main block; the buying guide after it is
    outside the main block but inside the wide one (the article), and the footer outside both."""
    from cleaner.io.html import parse_html
    from cleaner.io.html_lines import page_hints

    picks = "".join(f"<p>Pick {n}: the kettle heats a litre of water in under four minutes and pours "
                    f"with a steady, thin stream for coffee.</p>" for n in range(5))
    guide = ("Choose an electric kettle when you brew every morning; a stovetop one suits a camping trip. "
             "A thermometer in the lid helps with green tea, which wants water well below the boil. "
             "Look for a handle that stays cool and a spout that does not drip after the pour.")
    footer = "Copyright the Kettle Review, all rights reserved."
    page = f"""<html><body><article><div class="picks">{picks}</div>
<div class="guide"><h2>Buying guide</h2><p>{guide}</p></div></article>
<footer><p>{footer}</p></footer></body></html>"""
    lines = [f"Pick {n}: the kettle heats a litre of water in under four minutes and pours with a steady, "
             f"thin stream for coffee." for n in range(5)] + ["Buying guide", guide, footer]
    hints = _by_line(page_hints(parse_html(page.encode(), "page.html"), "\n".join(lines)))
    assert not {"outside_main", "outside_wide"} & set(hints[lines[0]])
    assert hints[guide]["after_main"] == 1.0 and "outside_wide" not in hints[guide]
    assert hints[footer]["outside_wide"] == hints[footer]["after_wide"] == hints[footer]["after_main"] == 1.0


def test_inside_blocks_put_the_pages_own_longest_furniture_run_between_the_gold_paragraphs():
    """The trainer's `--inside-weight` documents (tests/bench/inside_blocks.py): the longest run of rows rules of
    the in-article packs removed and the gold leaves out, placed after a gold paragraph the page's id chooses."""
    import inside_blocks

    texts = ["Menu", "Share", "Facebook", "Article text.", "Follow us", "X", "Instagram", "Copyright"]
    removed = ["nav-rule", "share-rule", "share-rule", None, "share-rule", "share-rule", "share-rule", "legal-rule"]
    labels = [1, 1, 1, 0, 1, 1, 1, 1]
    pack_of = {"nav-rule": "navigation", "share-rule": "social", "legal-rule": "legal"}
    assert inside_blocks.page_block(texts, removed, labels, pack_of) == ["Follow us", "X", "Instagram"]
    # a line the gold holds breaks a run; a pack that ends pages gives none
    assert inside_blocks.page_block(texts, removed, [1, 1, 0, 0, 1, 0, 1, 1], pack_of) == ["Share"]
    assert inside_blocks.page_block(texts[-1:], removed[-1:], labels[-1:], pack_of) == []
    gold = "First paragraph.\n\nSecond paragraph.\n\nThird paragraph.\n"
    doc = inside_blocks.with_block("0042", "Title", gold, ["Share", "Facebook"])
    assert doc == inside_blocks.with_block("0042", "Title", gold, ["Share", "Facebook"])  # deterministic
    lines = doc.splitlines()
    assert lines[:2] == ["Title", ""] and [x for x in lines if x.endswith("paragraph.")] == [
        "First paragraph.", "Second paragraph.", "Third paragraph."]
    at = lines.index("Share")
    assert lines[at:at + 2] == ["Share", "Facebook"] and 2 < at < len(lines) - 3  # between two paragraphs
    assert inside_blocks.with_block("0042", "Title", gold, []) is None
    assert inside_blocks.with_block("0042", "Title", "One paragraph only.\n", ["Share"]) is None
