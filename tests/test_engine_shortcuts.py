"""The engine's and the kinds' shortcuts (issue 6) change no result: each is checked against the plain way."""

from __future__ import annotations

from collections import Counter

import pytest

import cleaner
from cleaner.engine.decide import apply_rules
from cleaner.engine.provenance import count_removals
from cleaner.lines import split_lines
from cleaner.rules.kinds import KINDS, Document

from .conftest import SEEDS


def _examples(rule) -> list[str]:
    return [text for text, _ in rule.examples_remove] + list(rule.examples_keep)


def test_kinds_that_need_candidates_claim_nothing_without_one(rules):
    """NEEDS_CANDIDATES lets the engine skip `find`: on every bundled example, no candidate line, no claim."""
    checked = 0
    for rule in rules.rules():
        if not rule.NEEDS_CANDIDATES:
            continue
        for text in _examples(rule):
            doc = Document(split_lines(text), {rule.id: []}, timeout=1.0)
            assert list(rule.find(doc)) == [], rule.id
            checked += 1
    assert checked > 0


def test_skipping_rules_without_candidates_changes_no_outcome(rules, monkeypatch):
    texts = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    texts += [text for rule in rules.rules() for text in _examples(rule)]
    skipping = [apply_rules(text, rules) for text in texts]
    for kind in KINDS.values():
        monkeypatch.setattr(kind, "NEEDS_CANDIDATES", False)
    assert [apply_rules(text, rules) for text in texts] == skipping


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_removal_counts_add_up(seed, rules):
    removals = cleaner.clean_file(SEEDS / seed, rules=rules).removals
    expected: dict[str, Counter] = {}
    for r in removals:
        expected.setdefault(r.rule_id, Counter()).update(
            spans=1, lines=r.last_line - r.first_line + 1, chars=len(r.text))
    counts = count_removals(removals)
    assert counts["by_rule"] == {rule: dict(c) for rule, c in expected.items()}
    assert list(counts["by_rule"]) == sorted(expected)
    assert all(list(c) == ["spans", "lines", "chars"] for c in counts["by_rule"].values())  # the record's order
    assert counts["lines_removed"] == sum(c["lines"] for c in expected.values())
    assert counts["chars_removed"] == sum(len(r.text) for r in removals)
