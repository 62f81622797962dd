"""Quality regression on the dev set: F1 per input may not drop more than the tolerance below the
figures recorded in tests/data/quality_baseline.json. Skips when ../shared/devset is absent."""

from __future__ import annotations

import json

import pytest

import cleaner
from cleaner.evaluate import aggregate, c4_line_filter, score_page, shingles

from .conftest import ROOT, SHARED

PAGES = SHARED / "devset" / "pages"
BASELINE = json.loads((ROOT / "tests" / "data" / "quality_baseline.json").read_text("utf-8"))


def page_ids() -> list[str]:
    return sorted(p.name.removesuffix(".gold.txt") for p in PAGES.glob("*.gold.txt"))


def read(page: str, suffix: str) -> str:
    return (PAGES / f"{page}.{suffix}").read_text("utf-8")


def url(page: str) -> str | None:
    path = PAGES / f"{page}.url"
    if not path.exists():
        return None
    return path.read_text("utf-8").strip() or None


def cleaned(page: str, variant: str) -> str:
    if variant == "html":
        return cleaner.clean_file(PAGES / f"{page}.html", url=url(page)).text
    return cleaner.clean(read(page, variant), url=url(page)).text


needs_devset = pytest.mark.skipif(not PAGES.is_dir(), reason="../shared/devset is not beside this checkout")


@needs_devset
def test_metric_reproduces_the_devset_reference_figures():
    ids = page_ids()
    raw = aggregate(score_page(read(p, "full.txt"), read(p, "gold.txt")) for p in ids)
    extract = aggregate(score_page(read(p, "recall.txt"), read(p, "gold.txt")) for p in ids)
    c4 = aggregate(score_page(c4_line_filter(read(p, "recall.txt")), read(p, "gold.txt")) for p in ids)
    assert (round(raw.precision, 3), round(raw.recall, 3), round(raw.f1, 3)) == (0.539, 0.993, 0.699)
    assert round(extract.f1, 3) == 0.959
    assert (round(c4.precision, 3), round(c4.recall, 3), round(c4.f1, 3)) == (0.951, 0.880, 0.914)


@needs_devset
@pytest.mark.parametrize("variant", ["full.txt", "recall.txt", "html"])
def test_devset_f1_does_not_regress(variant):
    ids = page_ids()
    score = aggregate(score_page(cleaned(p, variant), read(p, "gold.txt")) for p in ids)
    recorded = BASELINE["f1"][variant]
    assert score.f1 >= recorded - BASELINE["tolerance"], (
        f"{variant}: F1 {score.f1:.4f} is more than {BASELINE['tolerance']} below the recorded {recorded}")


def test_page_score_is_normalised_and_counts_multisets():
    gold = "one two three four five"
    score = score_page("one two three four five one two three four", gold)
    assert score.tp + score.fp + score.fn == pytest.approx(1.0)
    # six predicted shingles, two of them gold ("one two three four" twice counts once)
    assert score.precision == pytest.approx(1 / 3) and score.recall == 1.0
    assert shingles("a b") == {("a", "b"): 1}
    empty = score_page("", gold)
    assert empty.precision is None and empty.recall == 0.0


def test_aggregate_averages_pages_and_takes_the_harmonic_mean():
    pages = [score_page("a b c d", "a b c d"), score_page("a b c d", "e f g h")]
    score = aggregate(pages)
    assert (score.precision, score.recall) == (0.5, 0.5)
    assert score.f1 == 0.5


def test_c4_keeps_punctuated_lines_of_three_words_without_policy_wording():
    text = "Home\nThe council voted on Tuesday.\nWe use cookies on this site.\nShort one.\n"
    assert c4_line_filter(text) == "The council voted on Tuesday.\n"


HTML_SEED = ROOT / "tests" / "data" / "html" / "share_footer_page.html"


def test_html_seed_loses_its_newsletter_box_and_share_footer_and_keeps_metadata():
    result = cleaner.clean_file(HTML_SEED)
    assert "Commuters queued from six o'clock" in result.text and "summer festival." in result.text
    assert "By Tomasz Wieczorek" in result.text
    for furniture in ("inbox", "Enter your email", "signing up", "Share this article", "Follow Northport"):
        assert furniture not in result.text
    rules = {r.rule_id for r in result.removals}
    assert {"inbox-promo", "newsletter-email-prompt", "social-button", "follow-us-line"} <= rules
    extraction = result.provenance["input"]["extraction"]
    assert extraction["settings"]["favor_recall"] is True
    metadata = extraction["metadata"]
    assert metadata["title"] == "Harbour ferry returns after two-year repair"
    assert metadata["author"] == "Tomasz Wieczorek" and metadata["date"] == "2025-06-02"
    assert metadata["source"] == "https://news.northport.example/local/ferry-returns"
    assert metadata["source-hostname"] == "Northport Daily"


def test_text_input_records_the_title_and_byline_it_shows():
    body = "Harbour ferry returns\n\nBy Ana Ribeiro\n\nThe ferry carried its first passengers on Monday.\n"
    result = cleaner.clean(body)
    assert result.text == body  # described, not removed
    assert result.provenance["input"]["metadata"] == {"title": "Harbour ferry returns", "byline": "Ana Ribeiro"}
    assert cleaner.clean("The ferry carried its first passengers on Monday.\n").provenance["input"]["metadata"] == {}


def test_a_url_sidecar_selects_site_packs_for_a_text_file(tmp_path):
    pack = tmp_path / "site.toml"
    pack.write_text('id = "site"\nversion = "1"\nscope = ["northport.example"]\n[[rules]]\nid = "crew-promo"\n'
                    "kind = \"line\"\npattern = '^Join our crew'\nrationale = \"r\"\n"
                    'examples.remove = ["Join our crew"]\n', "utf-8")
    rules = cleaner.load_rules([pack])
    page = tmp_path / "page.txt"
    page.write_text("The ferry carried its first passengers on Monday.\nJoin our crew today\n", "utf-8")
    assert "Join our crew" in cleaner.clean_file(page, rules=rules).text
    (tmp_path / "page.url").write_text("https://news.northport.example/local/ferry\n", "utf-8")
    assert "Join our crew" not in cleaner.clean_file(page, rules=rules).text
