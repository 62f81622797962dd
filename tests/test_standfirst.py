"""The `body` profile's standfirst rule: on the seeds, on the dev set's gold bodies, and never in `article`."""

from __future__ import annotations

import re
import sys

import pytest

import cleaner
from cleaner.rules.kinds.standfirst import sentence_count

from .conftest import EXPECTED, ROOT, SEEDS, SHARED

sys.path.insert(0, str(ROOT / "tests" / "bench"))
from devset import load_pages  # noqa: E402
from evaluate import score_page  # noqa: E402

DEVSET = SHARED / "devset"
BODY = cleaner.load_rules(profile="body")
BODY_WITHOUT = cleaner.load_rules(profile="body", ignore=["standfirst"])


def test_sentence_count():
    assert sentence_count("One sentence only.") == 1
    assert sentence_count("First one. Second one! Third? “Fourth.”") == 4
    assert sentence_count("Prices rose 3.5 per cent, e.g. in food.") == 1


def test_article_profile_has_no_standfirst_rule_and_seeds_stay_byte_exact():
    article = cleaner.load_rules()
    assert "standfirst" not in {r.id for r in article.rules()}
    for seed in sorted(SEEDS.glob("*.txt")):
        assert cleaner.clean(seed.read_text("utf-8"), rules=article).text == (EXPECTED / seed.name).read_text("utf-8")


def test_body_profile_drops_the_seed_standfirst_headline_and_byline():
    """Seed 001 opens: headline, standfirst, "By Steve Reed", body. The body profile keeps the body only."""
    seed = next(p for p in sorted(SEEDS.glob("*.txt")) if "By Steve Reed" in p.read_text("utf-8"))
    text = seed.read_text("utf-8")
    result = cleaner.clean(text, rules=BODY)
    standfirst = next(r for r in result.removals if r.rule_id == "standfirst")
    assert standfirst.text.startswith("We're the new grouping for everyone in the party")
    assert BODY.rule("standfirst").category == "standfirst"
    assert result.text.startswith("Jeremy Corbyn won Labour")
    assert "By Steve Reed" not in result.text and "What’s Labour Together?" not in result.text
    assert cleaner.restore(result.text, result.provenance) == text
    # without the rule, the standfirst stays and everything else is the same
    without = cleaner.clean(text, rules=BODY_WITHOUT).text
    assert without.replace(standfirst.text, "").lstrip("\n") == result.text.lstrip("\n")


def test_body_profile_leaves_a_first_paragraph_without_a_byline():
    """Seeds 000 and 002 open with their first paragraph (no byline after it): nothing is a standfirst."""
    for seed in sorted(SEEDS.glob("*.txt")):
        if "By Steve Reed" in seed.read_text("utf-8"):
            continue
        removed = {r.rule_id for r in cleaner.clean(seed.read_text("utf-8"), rules=BODY).removals}
        assert "standfirst" not in removed, seed.name


def _words(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


@pytest.mark.skipif(not DEVSET.is_dir(), reason="../shared/devset is not beside this checkout")
def test_standfirst_moves_the_body_profile_toward_the_gold_bodies():
    """On every dev page's full.txt: most lines the rule removes are not in the page's gold body, and on
    the pages where it acts the body profile scores higher with it than without it."""
    removed, outside_gold, gain = 0, 0, 0.0
    for page in load_pages(DEVSET):
        text = page.text("full.txt")
        result = cleaner.clean(text, rules=BODY, url=page.url)
        lines = [r.text for r in result.removals if r.rule_id == "standfirst"]
        if not lines:
            continue
        gold = page.text("gold.txt")
        removed += len(lines)
        outside_gold += sum(_words(line)[:80] not in _words(gold) for line in lines)
        without = cleaner.clean(text, rules=BODY_WITHOUT, url=page.url).text
        with_f1, without_f1 = (_f1(score_page(t, gold)) for t in (result.text, without))
        gain += with_f1 - without_f1
    assert removed >= 15, removed
    assert outside_gold / removed >= 0.6, (outside_gold, removed)
    assert gain > 0, gain


def _f1(score) -> float:
    p, r = score.precision or 0.0, score.recall or 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def test_a_standfirst_that_nearly_matched_says_why_it_declined_and_others_say_nothing():
    from cleaner.authoring.declines import find_declines

    head = "Mayor wins second term\n"
    body = "She thanked her voters at a rally in the town square on Tuesday night.\n"
    long_one = "The mayor won a second term on Tuesday. Turnout was high. Her rivals conceded at once.\n"
    declines = [str(d) for d in find_declines(head + long_one + "By Jane Doe\n" + body, BODY)]
    assert declines == ["line 2: standfirst (body) declined: 3 sentences > max_sentences 2"]
    assert not [d for d in find_declines(head + long_one + body, BODY) if d.rule_id == "standfirst"]
