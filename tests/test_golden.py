"""The seeds, cleaned with the default rules, equal the expected bodies byte for byte."""

from __future__ import annotations

import pytest

import cleaner

from .conftest import EXPECTED, SEEDS, SHARED


@pytest.mark.parametrize("name", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_seed_matches_expected_body(name, rules):
    result = cleaner.clean_file(SEEDS / name, rules=rules)
    assert result.text.encode("utf-8") == (EXPECTED / name).read_bytes()


def test_project_copies_match_the_shared_originals():
    shared = SHARED / "seeds"
    if not shared.is_dir():
        pytest.skip("shared/seeds is not beside this checkout")
    for path in SEEDS.glob("*.txt"):
        assert path.read_bytes() == (shared / path.name).read_bytes()
        assert (EXPECTED / path.name).read_bytes() == (shared / "expected" / path.name).read_bytes()


def test_seed_removals_name_the_furniture_rules(rules):
    result = cleaner.clean_file(SEEDS / "001_22eb14aad1dde7e7.txt", rules=rules)
    counts = result.provenance["counts"]["by_rule"]
    assert counts["newsletter-signup-block"]["spans"] == 2  # the block occurs twice
    assert "partner-content-tail" in counts
