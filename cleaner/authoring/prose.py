"""Flag rule patterns that match ordinary prose (`cleaner rules lint`, beside the backtracking checks).

A furniture pattern that also matches a plain article sentence removes body text wherever such a
sentence occurs. The check runs each pattern whose match alone removes the line it matched (a `line`
rule's `pattern`, a `list_run`'s `item`, within the rule's `max_chars`) on a built-in sample of
article sentences (`data/prose_sentences.txt`: news, features, reviews, science, sport, business,
opinion, using on purpose the words furniture rules look for, in their ordinary sense). Patterns
that only open a structure the rule still checks (a `block` start needs its end, a `tail` marker a
short rest) are left out: matching prose there removes nothing by itself. So is a `list_run`'s item
under `requires = "enclosed"`: a line goes only between two lines other rules removed; and one with a
`block_heading`: a line goes only in a short block of its own, under a heading, beside a removed line.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import regex

from cleaner.authoring.lint import Finding
from cleaner.rules.ruleset import RuleSet

# (kind, pattern field, the field bounding the matched line's length)
LINE_REMOVING_FIELDS = (("line", "pattern", "max_chars"), ("list_run", "item", "max_chars"))
PROBE_TIMEOUT = 0.25


@lru_cache(maxsize=1)
def prose_sample() -> tuple[str, ...]:
    """The built-in sample of ordinary article sentences."""
    text = resources.files("cleaner.authoring").joinpath("data/prose_sentences.txt").read_text("utf-8")
    return tuple(line for line in text.splitlines() if line.strip() and not line.startswith("#"))


def prose_findings(ruleset: RuleSet, sample: tuple[str, ...] | None = None) -> list[Finding]:
    """A finding per line-removing pattern that matches a sentence of `sample` (default: the built-in one)."""
    sentences = prose_sample() if sample is None else sample
    findings = []
    for pack in ruleset.packs:
        for rule in pack.rules:
            for kind, name, bound in LINE_REMOVING_FIELDS:
                if rule.kind != kind or getattr(rule, "requires", None) == "enclosed" \
                        or getattr(rule, "block_heading", None) is not None:
                    continue
                limit = getattr(rule, bound, 0) or None
                hits = _matches(getattr(rule, name), sentences, limit)
                if hits:
                    findings.append(Finding(pack.path, rule.line, rule.id, name, _message(hits, len(sentences))))
    return findings


def _matches(pattern: regex.Pattern, sentences: tuple[str, ...], limit: int | None) -> list[str]:
    hits = []
    for sentence in sentences:
        if limit is not None and len(sentence) > limit:
            continue
        try:
            if pattern.search(sentence, timeout=PROBE_TIMEOUT) is not None:
                hits.append(sentence)
        except TimeoutError:
            continue  # the backtracking checks report this pattern
    return hits


def _message(hits: list[str], total: int) -> str:
    first = hits[0] if len(hits[0]) <= 70 else hits[0][:69] + "…"
    return f"matches ordinary prose ({len(hits)} of {total} sample sentences), e.g. {first!r}"
