"""The hand-written cases no rule was tuned on (tests/data/handwritten_unseen.toml, scored by
tests/bench/handwritten.py): every prose sentence keeps its article whole (and so does every prose
sentence of the tuned-on probes, tests/data/handwritten_tuned.toml), and the furniture caught does not
fall below this build's share (a regression bound, not a target: see the README), with the cases as
written and laid out as Markdown or hard-wrapped text (`handwritten.py --layout`). The same for the cases in
German, French, Spanish, Italian, Dutch and Portuguese (tests/data/handwritten_multilingual.toml, held
out; handwritten_multilingual_tuned.toml, the probes `rules/multilingual.toml` was written from) and in
Russian, Chinese and Japanese (handwritten_ru_zh_ja*.toml, for `rules/multilingual_ru_zh_ja.toml`) and in Polish,
Turkish, Swedish, Indonesian, Korean and Arabic (handwritten_world*.toml, for `rules/multilingual_world.toml`), each
put in an article of its own language; and more English files written in sessions 39 and 40
(handwritten_unseen_2.toml, handwritten_unseen_3.toml and handwritten_unseen_4.toml, held out;
handwritten_tuned_2.toml to handwritten_tuned_5.toml, probes)."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

import cleaner

sys.path.insert(0, str(Path(__file__).parent / "bench"))
import handwritten  # noqa: E402 - the bench script, importable once its folder is on the path

CASES = tomllib.loads(handwritten.CASES.read_text("utf-8"))
# The probes rules were written from (tuned on): their prose sentences must stay too.
TUNED = tomllib.loads((handwritten.CASES.parent / "handwritten_tuned.toml").read_text("utf-8"))
# 2026-12-05: as written 81 of 94 caught (session 37; 66 of 94 at its start); laid out as Markdown 79 and
# hard-wrapped 78 (session 38, when rules began to read Markdown and wrapped paragraphs; 22 and 51 before).
# Session 45 (rules/furniture_lines.toml, the line_classifier kind): 92 as written, 90 in Markdown and wrapped.
FURNITURE_FLOOR = {"plain": 0.95, "markdown": 0.95, "wrapped": 0.95}
# 2026-12-05 (session 39): held out 107 of 144 caught (14 before rules/multilingual.toml), tuned-on probes
# 188 of 192 (22 before); Russian, Chinese, Japanese held out 36 of 72 (2 before
# rules/multilingual_ru_zh_ja.toml), probes 88 of 96 (2 before).
# The second English files (held out, and the probes that session's English rules came from): 60 of 96 and
# 95 of 120 (54 and 62 before); 61 and 94 of them with session 40's rules and retrained line model.
# The third English files (session 40; besides jobs, sign-up and share, "more from" lists, appeals and
# partner content): held out 90 of 120, probes 97 of 120 (62 and 51 before); the fourth round's probes
# (appeals, sign-up boxes, job boards) 70 of 90 (41 before). A fourth held-out file, written after that
# session's rule work: 63 of 120 (43 on the session's first build); after a fifth round of rules (share,
# sign-up, partner content; its probes 46 -> 67 of 90) 65, and the third file 94.
# Session 43's probes (share, appeal, partner): 53 of 72 (31 before); held out: the fifth file 65 of 120 and
# the third 97 (61 and 95 before).
# Session 44's probes (related, jobs, appeal): 94 of 108 (28 before); no held-out file moved. A sixth held-out
# file (six kinds, 240 trials): 93; with the line model's edge_threshold 98, and the others 87, 71, 100, 81, 69.
# Session 45: the line_classifier kind, trained on the tuned files (its furniture and prose) and never on a
# held-out one: held out 74 of 96, 105, 92, 91 of 120 and 154 of 240 (from 71, 100, 81, 69 and 98), the
# multilingual files unchanged; the tuned files, now its training data, 112, 112, 79, 76, 84, 68, 61, 98.
# A seventh held-out file, written after the classifiers were built and their threshold chosen: 92 of 120 (76 with
# session 44's rules).
# Session 46: a threshold per shape (sentences 0.99, labels of up to four words 0.9), chosen on the dev set out of
# fold: held out 92, 79, 106, 91, 87, 156, 95 (from 92, 74, 105, 92, 91, 154, 92; the fifth file's 0.98-0.99
# sentences now stay); an eighth file, written before the choice and scored once after it: 91 of 120 (89 before).
# Two more tuned files written by helpers as the classifiers' training data (short labels; furniture worded as
# sentences), scored before training on them: 139 and 96 of 180; after, 162 and 108. Held out 92, 77, 106, 93,
# 85, 163, 95 and 91 (711 of 910 for the first seven, 706 before).
# Session 47: a stem term per longer word (held out, first eight files, 801 -> 812 of 930), then two more
# tuned files as training data (related, appeal, partner; jobs, sign-up, share beyond news sites), 130 and 148
# of 180 once trained on; held out 835 of 930. Then a line under the classifiers' bar, scoring 0.5, goes when
# the line next to it went (`neighbour_threshold`): held out 886 of 930, the tuned files 144 and 150; a stem only
# from furniture lines (no "~refer" from body text alone): 889, 140 and 150; the neighbour step only beside
# the rule's own removals (a user's ignore and keep hold): 866, 135 and 150, the ninth file 100. A ninth
# held-out file, written before all this and scored once before and once after: 97 -> 103 of 120; 101 after
# the stem fix.
# Session 48: a second held-out Russian, Chinese and Japanese file (48 blocks, 24 sentences), written before any
# rule change of the session: 44 of 96 caught (Markdown 44, wrapped 46), prose 48 of 48. Then rules naming frames
# rather than wordings (rows of buttons with one furniture word, a "related" label before a headline, a box's
# other lines), written from a second tuning file (handwritten_ru_zh_ja_tuned_2.toml: 62 -> 144 of 144): held out
# 83 of 96 (Markdown 83, wrapped 83); the first held-out file, whose misses were read this session, 37 -> 62 of 72.
# The same for German, French, Spanish, Italian, Dutch and Portuguese: a second held-out file
# (handwritten_multilingual_2.toml, 48 blocks, 24 sentences) scored 70 of 96 before the session's rules of
# rules/multilingual.toml (Markdown 70, wrapped 68), 84 after (84, 81); their tuning file
# (handwritten_multilingual_tuned_2.toml) 103 -> 143 of 144; the first held-out file 113 -> 118 of 144.
# Polish, Turkish, Swedish, Indonesian, Korean and Arabic (rules/multilingual_world.toml, new): held out
# (handwritten_world.toml, written before the pack) 11 of 96 before it, 57 with a first draft from our own
# knowledge, 83 as committed (Markdown 83, wrapped 69); its tuning file (handwritten_world_tuned.toml) 14 -> 144.
# English again (session 49): a tenth held-out file (handwritten_unseen_10.toml) scored 109 of 120 before the
# session's rule changes (Markdown 109, wrapped 107) and 109 after (109, 107); its tuning file
# (handwritten_tuned_14.toml) 125 -> 132 of 144.
# Session 51: an eleventh held-out file (handwritten_unseen_11.toml) scored 100 of 120 before the session's rule
# changes (Markdown 93, wrapped 97) and 100 after (93, 98); its tuning file (handwritten_tuned_15.toml) 117 -> 143.
# Then the classifiers trained on every tuning file, 14 and 15 included: 102 (93, 100); held out 1,183 -> 1,189 of
# 1,390 in all, while tuning file 12, their training data too, went 135 -> 133 of 180 (its floor 0.74 -> 0.73).
# Session 52: four more tuning files (handwritten_tuned_16..19.toml, 720 blocks) scored 564 of 720 before any use;
# with the classifiers trained on them too, 631, and the held-out English files 1,189 -> 1,216 of 1,390. Four more
# (20..23) scored 533 of 720 on that build; trained on as well, 587 and the held-out English files 1,222, but the
# related classifier learned topic stems from them, so they were held out again. Session 53 fits that classifier
# without stems (train_line_classifier.STEMLESS) and trains on them: 587 of 720 (plain), held out 1,218 of 1,390,
# tuning file 12 133 -> 131 of 180 (its floor 0.73 -> 0.72).
# Session 54: two held-out files by helpers that saw neither rules nor cases, scored on 0968de0 before any rule
# work: handwritten_unseen_12.toml (sites outside news) 107 of 120 (Markdown 101, wrapped 109) and
# handwritten_unseen_13.toml (local and trade press) 94 of 120 (92, 92); every prose sentence kept.
# Four tuning files by four more such helpers (handwritten_tuned_24..27.toml, 720 blocks) scored 529 of 720
# before any use; with the classifiers and the line model trained on them, 603, the older held-out English files
# 1,218 -> 1,233 of 1,390 and files 12 and 13 107 -> 111 and 94 -> 100 of 120.
# A second round (handwritten_tuned_28..31.toml) scored 584 of 720 on that build; trained on as well, 620, the
# older held-out English files 1,247 and files 12 and 13 113 and 103; tuning files 26 and 27 fell (155 -> 149,
# 153 -> 149).
# Session 55: two more held-out files by helpers that saw neither rules nor cases, scored on 779f21e before any
# change: handwritten_unseen_14.toml (English-language outlets outside the Anglosphere, wire services) 107 of 120
# (Markdown 105, wrapped 105) and handwritten_unseen_15.toml (blogs, newsletter pages, podcast notes, universities,
# NGOs, government) 97 of 120 (95, 93); every prose sentence kept.
# Four tuning files (handwritten_tuned_32..35.toml, related headlines and prose on the same subjects) scored 597
# of 720 before use; with the classifiers and the line model trained on them, 635, and held-out files 14 and 15
# 105 and 101. Then `related-box-text` (the headlines under a related label another rule took): 107 and 102,
# the tuning files 638.
# Session 56: boxes standing as blocks of their own (box-block-rest, related-box-block) and rules run after the
# rules they read; no case file written or trained on. Held-out English files 1,676 -> 1,758 of 1,870 (plain),
# files 14 and 15 107 and 102 -> 114 and 116, other-language files 430 -> 454 of 504; the held-out files' floors
# rise to about three blocks under their new figures.
# Session 57: two more held-out files by helpers that saw neither rules nor cases, scored on b206a85 before any
# change: handwritten_unseen_16.toml (consumer magazines and lifestyle sites) 112 of 120 (Markdown 110, wrapped
# 112) and handwritten_unseen_17.toml (business, finance, technology and trade press) 114 of 120 (110, 112);
# every prose sentence kept. Their misses have not been printed.
# The floor of each further case file (tests/data/<name>.toml), which names the files the tests read.
OTHER_FILES_FLOOR = {"handwritten_multilingual": 0.86, "handwritten_multilingual_tuned": 0.95,
                     "handwritten_ru_zh_ja": 0.89, "handwritten_ru_zh_ja_tuned": 0.90,
                     "handwritten_unseen_2": 0.92, "handwritten_tuned_2": 0.90,
                     "handwritten_unseen_3": 0.95, "handwritten_tuned_3": 0.90, "handwritten_tuned_4": 0.85,
                     "handwritten_unseen_4": 0.88, "handwritten_tuned_5": 0.81,
                     "handwritten_unseen_5": 0.91, "handwritten_tuned_6": 0.90, "handwritten_tuned_7": 0.73,
                     "handwritten_tuned_8": 0.82, "handwritten_tuned_9": 0.88,
                     "handwritten_unseen_6": 0.86, "handwritten_unseen_7": 0.88,
                     "handwritten_unseen_8": 0.92,
                     "handwritten_tuned_10": 0.88, "handwritten_tuned_11": 0.58,
                     "handwritten_tuned_12": 0.72, "handwritten_tuned_13": 0.81,
                     "handwritten_unseen_9": 0.90, "handwritten_ru_zh_ja_2": 0.87,
                     "handwritten_ru_zh_ja_tuned_2": 0.97,
                     "handwritten_multilingual_2": 0.88, "handwritten_multilingual_tuned_2": 0.97,
                     "handwritten_world": 0.88, "handwritten_world_tuned": 0.97,
                     "handwritten_unseen_10": 0.95, "handwritten_tuned_14": 0.91,
                     "handwritten_unseen_11": 0.89, "handwritten_tuned_15": 0.97,
                     "handwritten_unseen_12": 0.96, "handwritten_unseen_13": 0.88,
                     "handwritten_unseen_14": 0.92, "handwritten_unseen_15": 0.94,
                     "handwritten_unseen_16": 0.90, "handwritten_unseen_17": 0.92,
                     "handwritten_tuned_16": 0.80, "handwritten_tuned_17": 0.87, "handwritten_tuned_18": 0.88,
                     "handwritten_tuned_19": 0.84, "handwritten_tuned_20": 0.78, "handwritten_tuned_21": 0.81,
                     "handwritten_tuned_22": 0.81, "handwritten_tuned_23": 0.78,
                     "handwritten_tuned_24": 0.85, "handwritten_tuned_25": 0.84, "handwritten_tuned_26": 0.82,
                     "handwritten_tuned_27": 0.82, "handwritten_tuned_28": 0.83, "handwritten_tuned_29": 0.87,
                     "handwritten_tuned_30": 0.86, "handwritten_tuned_31": 0.87,
                     "handwritten_tuned_32": 0.93, "handwritten_tuned_33": 0.82, "handwritten_tuned_34": 0.87,
                     "handwritten_tuned_35": 0.90}
OTHER_FILES = {name: tomllib.loads((handwritten.CASES.parent / f"{name}.toml").read_text("utf-8"))
               for name in OTHER_FILES_FLOOR}


@pytest.fixture(scope="module")
def rules() -> cleaner.RuleSet:
    return cleaner.default_rules()


@pytest.mark.parametrize("case", CASES["prose"] + TUNED["prose"], ids=lambda c: c["text"][:40])
def test_prose_using_furniture_words_keeps_its_article_whole(rules, case):
    for at, miss in handwritten.prose_trials(rules, case):
        assert miss is None, (at, miss)


@pytest.fixture(params=sorted(FURNITURE_FLOOR))
def layout(request, monkeypatch) -> str:
    monkeypatch.setattr(handwritten, "LAYOUT", request.param)
    return request.param


def test_furniture_caught_stays_above_the_floor(rules, layout):
    misses, total = [], 0
    for case in CASES["furniture"]:
        for where, block, miss in handwritten.furniture_trials(rules, case):
            total += 1
            if miss:
                assert "paragraphs lost" not in miss, (block[0], where, miss)  # never the article
                misses.append((block[0], where, miss))
    assert 1 - len(misses) / total >= FURNITURE_FLOOR[layout], misses


# Session 57: each held-out English file's furniture as a block between the article's first two paragraphs
# (`handwritten.py --places inside`): 309 of 935 blocks of files 1-15 caught at the session's start, 611 with
# `apart_lines`; files 16 and 17 44 and then 85 of 120. Session 57 allowed one trial to lose a paragraph: file
# 9's six-line share bar ("Share / Facebook / WhatsApp / ...") under the first paragraph of this three-paragraph
# article, which the line model then took (p 0.52: `removed_wide`, `furniture_near`). Session 58's lead shield
# (`lead_threshold`, `headline.lead`) keeps it: none may be lost. Session 60: 697 -> 774 of 1,055 (the veto's
# spared boxes, `veto_spares_blocks`, and the classifiers' `box_lines`).
INSIDE_FLOOR = 0.71
INSIDE_PARAGRAPHS_LOST = 0
HELD_OUT_ENGLISH = ["handwritten_unseen", *(f"handwritten_unseen_{n}" for n in range(2, 18))]


def test_furniture_between_the_paragraphs_caught_stays_above_the_floor(rules, monkeypatch):
    monkeypatch.setattr(handwritten, "PLACES", ("inside",))
    caught = total = lost = 0
    for name in HELD_OUT_ENGLISH:
        cases = tomllib.loads((handwritten.CASES.parent / f"{name}.toml").read_text("utf-8"))
        for case in cases["furniture"]:
            for _where, _block, miss in handwritten.furniture_trials(rules, case):
                total += 1
                caught += miss is None
                lost += bool(miss) and "paragraphs lost" in miss
    assert lost <= INSIDE_PARAGRAPHS_LOST
    assert caught / total >= INSIDE_FLOOR, (caught, total)


def test_prose_keeps_its_article_whole_in_every_layout(rules, layout):
    trials = [(case["text"][:40], *trial) for case in CASES["prose"] for trial in handwritten.prose_trials(rules, case)]
    assert [trial for trial in trials if trial[2]] == []


@pytest.mark.parametrize("name", sorted(OTHER_FILES))
def test_prose_of_the_other_files_keeps_its_article_whole(rules, name):
    cases = OTHER_FILES[name]
    trials = [(case.get("lang", "en"), case["text"][:40], *trial) for case in cases["prose"]
              for trial in handwritten.prose_trials(rules, case, handwritten.case_article(cases, case))]
    assert [trial for trial in trials if trial[3]] == []


@pytest.mark.parametrize("name", sorted(OTHER_FILES))
def test_furniture_of_the_other_files_caught_stays_above_the_floor(rules, name):
    cases, misses, total = OTHER_FILES[name], [], 0
    for case in cases["furniture"]:
        for where, _block, miss in handwritten.furniture_trials(rules, case, handwritten.case_article(cases, case)):
            total += 1
            if miss:
                assert "paragraphs lost" not in miss, (case.get("lang", "en"), where, miss)  # never the article
                misses.append(miss)
    assert 1 - len(misses) / total >= OTHER_FILES_FLOOR[name], len(misses)
