"""The engine's and the kinds' shortcuts (issue 6) change no result: each is checked against the plain way."""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.engine import decide, spans
from cleaner.engine.decide import BLANK_RUN, MANUAL, apply_rules
from cleaner.engine.provenance import count_removals
from cleaner.lines import split_lines
from cleaner.rules.kinds import KINDS, Document
from cleaner.search import linefast

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


class _Owner(NamedTuple):
    id: str
    pack_id: str
    evidence: tuple | None = None


_POOL = [_Owner("a", "p"), _Owner("b", "q", (("pages", 3),)), _Owner("a", "r")]  # two rules may share an id


@pytest.mark.skipif(not linefast.AVAILABLE, reason="the compiled speed-up is not built")
@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([None, MANUAL, BLANK_RUN, 0, 1, 2]), st.sampled_from(["", "x", "ab\u00e9"]),
                          st.sampled_from(["\n", "\r\n", "\r", ""])), max_size=25),
       st.dictionaries(st.integers(0, 30), st.lists(st.sampled_from([0, 1, 2]), max_size=3), max_size=6),
       st.dictionaries(st.integers(0, 30), st.sampled_from([{"p": 0.5}, {"line": 99, "model": "m"}, {}]), max_size=8))
def test_compiled_spans_are_the_reference_spans(lines, others, reasons):
    """spans.spans groups removals in C when compiled; reference_spans is the Python reference."""
    text = "".join(body + end for _, body, end in lines)
    parsed = split_lines(text)
    owners = [_POOL[o] if isinstance(o, int) else o for o, _, _ in lines][:len(parsed)]
    others = {k: [_POOL[r] for r in rs] for k, rs in others.items() if k < len(parsed)}
    reasons = {k: why for k, why in reasons.items() if k < len(parsed)}
    got = spans.spans(text, parsed, owners, others, reasons)
    assert got == spans.reference_spans(text, parsed, owners, others, reasons)
    assert all(type(r) is decide.Removal for r in got)
    # and the record's removals and counts from them, compiled, are Removal.to_dict and count_removals
    removals, counts = linefast.records(got, decide.Removal._fields)
    assert removals == [r.to_dict() for r in got] and counts == count_removals(got)
    assert [list(r) for r in removals] == [list(r.to_dict()) for r in got]  # the keys' order too
    assert list(counts["by_rule"]) == list(count_removals(got)["by_rule"])
