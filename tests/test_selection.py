"""Categories, profiles, and --select / --ignore by rule id, pack id or category (as ruff has them)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import cleaner
from cleaner.cli.main import main
from cleaner.errors import CleanerError, RuleError
from cleaner.rules.select import CATEGORIES

from .conftest import EXPECTED, SEEDS

PACK = """
id = "mine"
version = "1"
category = "share"

[[rules]]
id = "mine-share"
kind = "line"
pattern = '^SHARE THIS$'
rationale = "share button"
examples.remove = ["SHARE THIS"]

[[rules]]
id = "mine-ad"
kind = "line"
category = "ads"
pattern = '^ADVERTISEMENT$'
rationale = "ad label"
examples.remove = ["ADVERTISEMENT"]
"""
TEXT = "A headline\n\nSHARE THIS\n\nThe body of the article, long enough to be prose.\n\nADVERTISEMENT\n"


@pytest.fixture()
def pack(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(PACK, "utf-8")
    return path


def removed(rules, text=TEXT):
    return [r.rule_id for r in cleaner.clean(text, rules=rules).removals if r.pack_id != "layout"]


def test_every_bundled_rule_has_a_known_category():
    body = cleaner.load_rules(profile="body")  # every bundled pack, the profile-gated ones too
    assert {"headline-line", "standfirst", "byline-line"} <= {r.id for r in body.rules()}
    for rule in body.rules():
        assert rule.category in CATEGORIES and rule.category != "other", rule.id


def test_rule_category_overrides_pack_default(pack):
    rules = cleaner.load_rules([pack], defaults=False)
    assert {r.id: r.category for r in rules.rules()} == {"mine-share": "share", "mine-ad": "ads"}


def test_unknown_category_is_refused_listing_the_known_ones(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(PACK.replace('category = "ads"', 'category = "adverts"'), "utf-8")
    with pytest.raises(RuleError) as info:
        cleaner.load_rules([path], defaults=False)
    assert "adverts" in str(info.value) and "newsletter" in str(info.value) and "mine-ad" in str(info.value)


@pytest.mark.parametrize(("select", "ignore", "expected"), [
    (None, (), ["mine-share", "mine-ad"]),
    (None, ("share",), ["mine-ad"]),                          # a category
    (None, ("mine",), []),                                    # a pack id
    (None, ("mine-ad",), ["mine-share"]),                     # a rule id
    (("ads",), (), ["mine-ad"]),
    (("mine",), ("mine-ad",), ["mine-share"]),                # more specific ignore wins
    (("mine-ad",), ("mine",), ["mine-ad"]),                   # more specific select wins
    (("mine-ad",), ("mine-ad",), []),                         # same item: ignore wins
    (("ALL",), ("ads",), ["mine-share"]),
])
def test_select_and_ignore(pack, select, ignore, expected):
    rules = cleaner.load_rules([pack], defaults=False, select=select, ignore=ignore)
    assert removed(rules) == expected


def test_selection_changes_the_rule_set_hash(pack):
    full = cleaner.load_rules([pack], defaults=False)
    narrowed = cleaner.load_rules([pack], defaults=False, ignore=["ads"])
    assert full.hash != narrowed.hash
    assert narrowed.describe()["packs"][0]["excluded"] == ["mine-ad"]


def test_unknown_name_is_an_error(pack):
    with pytest.raises(CleanerError, match="'nope'"):
        cleaner.load_rules([pack], defaults=False, ignore=["nope"])
    with pytest.raises(CleanerError, match="profile"):
        cleaner.load_rules([pack], defaults=False, profile="nope")


def test_cli_ignore_a_pack_and_a_category(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["clean", str(SEEDS), "-o", str(out), "--ignore", "newsletter",
                                       "--ignore", "appeal"])
    assert result.exit_code == 0, result.output
    body = (out / "001_22eb14aad1dde7e7.txt").read_text("utf-8")
    assert "Select and enter your email address" in body  # the newsletter pack is off
    assert "Support 110 years of independent journalism." in body  # the appeal category is off
    record = json.loads((out / "001_22eb14aad1dde7e7.provenance.json").read_text("utf-8"))
    assert not {r["pack_id"] for r in record["removals"]} & {"newsletter", "appeals"}
    # with no selection the seeds come out as expected
    full = tmp_path / "full"
    assert CliRunner().invoke(main, ["clean", str(SEEDS), "-o", str(full)]).exit_code == 0
    assert (full / "001_22eb14aad1dde7e7.txt").read_bytes() == (EXPECTED / "001_22eb14aad1dde7e7.txt").read_bytes()


def test_cli_unknown_select_name_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["clean", str(SEEDS), "-o", str(tmp_path / "o"), "--select", "social-media"])
    assert result.exit_code == 2
    assert "social-media" in result.output and not (tmp_path / "o").exists()


def test_rules_list_shows_categories():
    result = CliRunner().invoke(main, ["rules", "list"])
    assert result.exit_code == 0
    line = next(x for x in result.output.splitlines() if x.strip().startswith("copyright-line"))
    assert "legal" in line
    assert "captions" in next(x for x in result.output.splitlines() if x.strip().startswith("image-credit "))


def test_body_profile_drops_headline_and_byline_article_keeps_them():
    text = ("Mayor wins second term in landslide\n\nBy Jane Doe\n\n"
            + "The mayor won a second term on Tuesday with a majority of the votes cast in every ward. " * 2
            + "\n\n" + "Turnout was the highest in twenty years, officials said after the count ended. " * 2 + "\n")
    article = cleaner.clean(text, rules=cleaner.load_rules())
    body = cleaner.clean(text, rules=cleaner.load_rules(profile="body"))
    assert article.text.startswith("Mayor wins second term")
    assert "By Jane Doe" in article.text
    assert not body.text.startswith("Mayor") and "By Jane Doe" not in body.text
    assert {r.rule_id for r in body.removals} >= {"headline-line", "byline-line"}
    assert cleaner.restore(body.text, body.provenance) == text
