"""The line model's cache of line facts (cleaner/rules/line_facts.py): bounded, keeps recurring lines,
and never changes a result."""

from __future__ import annotations

import sys

import pytest

import cleaner.rules.line_facts as line_facts
from cleaner.rules.features import FeatureSpec, extract

MENU = ["Home", "World", "Sport", "Subscribe to our newsletter"]


def document(n: int) -> list[str]:
    return [*MENU, f"Story number {n} tells of the river and the {n} farmers who crossed it in the spring."]


def rows(spec: FeatureSpec, texts: list[str]) -> list[list[float]]:
    found = extract(texts, [None] * len(texts), spec)
    return [list(found.row(k)) for k in range(len(found.lines))]


def test_the_cache_stays_bounded_keeps_recurring_lines_and_changes_no_result(monkeypatch):
    monkeypatch.setattr(line_facts, "_CACHE_LIMIT", 20)
    bounded, unbounded = FeatureSpec(), FeatureSpec()
    for n in range(60):
        got = rows(bounded, document(n))
        assert len(bounded.cache) <= 20 + len(document(n))  # the limit, and room for the document looked up
        monkeypatch.setattr(line_facts, "_CACHE_LIMIT", 10_000)
        assert got == rows(unbounded, document(n))
        monkeypatch.setattr(line_facts, "_CACHE_LIMIT", 20)
    assert {key for key, _ in line_facts.cached(bounded)} >= set(MENU)  # looked up on every page: never swept
    assert len(unbounded.cache) == len(MENU) + 60


def test_a_document_of_more_lines_than_the_limit_keeps_them_all_for_its_later_passes(monkeypatch):
    monkeypatch.setattr(line_facts, "_CACHE_LIMIT", 20)
    spec = FeatureSpec()
    texts = [f"Line {n} of a long document." for n in range(50)]
    keys = [text.strip() for text in texts]
    line_facts.facts_of_lines(texts, list(range(50)), keys, spec)
    assert {key for key, _ in line_facts.cached(spec)} == set(keys)  # none swept: a second pass computes none
    line_facts.facts_of_lines(["Home"], [0], ["Home"], spec)  # the next document: the limit is back, a sweep
    assert {key for key, _ in line_facts.cached(spec)} == {"Home"}


@pytest.mark.parametrize(("reused", "kept"), [(5, 5), (10, 10), (11, 0)])
def test_a_sweep_keeps_the_reused_lines_unless_they_fill_half_the_cache(monkeypatch, reused, kept):
    monkeypatch.setattr(line_facts, "_CACHE_LIMIT", 20)
    spec = FeatureSpec()
    for n in range(20):
        line_facts.facts_of(f"line {n}", f"line {n}", spec)
    for n in range(reused):
        line_facts.facts_of(f"line {n}", f"line {n}", spec)  # looked up again
    line_facts.facts_of("one more", "one more", spec)  # the cache is full: a sweep first
    assert {key for key, _ in line_facts.cached(spec)} == {f"line {n}" for n in range(kept)} | {"one more"}
    assert not any(reused for _, reused in line_facts.cached(spec).values())


def test_a_sweep_after_a_long_document_gives_back_the_room_it_took(monkeypatch):
    """The compiled cache grows its room for a long document's lines; the next document's sweep gives it
    back, so one 10 MB page does not hold a worker's memory for the rest of its run."""
    monkeypatch.setattr(line_facts, "_CACHE_LIMIT", 20)
    spec = FeatureSpec()
    if type(spec.cache) is dict:
        pytest.skip("the compiled cache is not built: the reference's dict gives its memory back on clear()")
    empty = sys.getsizeof(spec.cache)
    texts = [f"Line {n} of a long document." for n in range(5_000)]
    line_facts.facts_of_lines(texts, list(range(5_000)), [text.strip() for text in texts], spec)
    full = sys.getsizeof(spec.cache)
    assert full > 100 * empty
    line_facts.facts_of_lines(["Home"], [0], ["Home"], spec)  # the next document: a sweep
    assert sys.getsizeof(spec.cache) < full / 20
    spec.cache.clear()
    assert sys.getsizeof(spec.cache) <= empty
