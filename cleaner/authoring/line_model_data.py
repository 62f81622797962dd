"""Training data for the line model: each non-blank line's features and its gold label.

A line is labelled against the gold body of its page by its 4-token shingles (the benchmark's
metric, `cleaner/evaluate.py`): body when at least `min_share` of its shingles occur in the gold
(a line of fewer than 4 tokens: when its tokens occur there in order), furniture otherwise. With
`min_share` just above 0 a line is furniture only when none of its shingles is in the gold; 0.5
counts a line that merely overlaps the gold as furniture. A line that repeats the page's title is
body: the guide the cleaner follows keeps headlines, although the gold bodies leave them out.

A document gives two views, both labelled the same way: the whole text with what the other rules
removed (the model's first pass), and the lines they left (what a later pass, or a second cleaning
of the clean text, shows the model), so that the model learns to leave a clean body alone.

Lines are taken as they are, not through the engine's `markdown_view`: the dev set's texts are plain
(551 of their lines, in 66 documents, change under the view), and a model trained on their views
scored lower on `tests/bench/mining.py` (recall.txt 0.9456 -> 0.9449, under its 0.945 floor).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate

from cleaner.engine.decide import LAYOUT_PACK, apply_rules
from cleaner.lines import split_lines
from cleaner.rules.features import FeatureSpec, extract
from cleaner.rules.ruleset import RuleSet

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


@dataclass
class Gold:
    """A gold body prepared for labelling lines: its shingle set and its token string."""

    shingles: set[tuple[str, ...]]
    joined: str
    title: str

    @classmethod
    def of(cls, gold: str, title: str = "") -> Gold:
        tokens = _TOKEN.findall(gold)
        shingles = {tuple(tokens[i:i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}
        return cls(shingles, " " + " ".join(tokens) + " ", " ".join(_TOKEN.findall(title.lower())))


def gold_share(text: str, gold: Gold) -> float:
    """The share of the line's shingles found in the gold (1 or 0 for a line under 4 tokens)."""
    tokens = _TOKEN.findall(text)
    if not tokens:
        return 0.0
    if len(tokens) < SHINGLE:
        return float(" " + " ".join(tokens) + " " in gold.joined)
    shingles = [tuple(tokens[i:i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)]
    return sum(s in gold.shingles for s in shingles) / len(shingles)


def is_furniture(text: str, gold: Gold, min_share: float) -> bool:
    """The label: furniture unless at least `min_share` of the line's shingles are in the gold, or the
    line is the title."""
    if gold.title and " ".join(_TOKEN.findall(text.lower())) == gold.title:
        return False
    share = gold_share(text, gold)
    return share < min_share if min_share > 0 else share == 0


@dataclass
class Example:
    """One document's non-blank lines: feature vectors, labels (1 = furniture), the id of the rule that
    removed each (None: kept) and their texts."""

    rows: list[list[float]]
    labels: list[int]
    removed: list[str | None]
    texts: list[str]
    page: tuple[float, ...] = ()  # the document's PAGE_FEATURES values (what the regime classifier reads)
    blocks: list[int] = field(default_factory=list)  # each row's block: rows between the same two blank lines


def removed_by_rules(text: str, rules: RuleSet, domain: str | None) -> tuple[list[str], list, str]:
    """The document's lines, the rule (id, pack id) that removed each (None: kept), and the clean text."""
    lines = split_lines(text)
    owners: list = [None] * len(lines)
    outcome = apply_rules(text, rules, domain)
    for removal in outcome.removals:
        if removal.pack_id == LAYOUT_PACK:
            continue
        for n in range(removal.first_line - 1, removal.last_line):
            owners[n] = (removal.rule_id, removal.pack_id)
    return [line.text for line in lines], owners, outcome.text


def examples(text: str, gold: Gold, rules: RuleSet, spec: FeatureSpec, min_share: float,
             domain: str | None = None, hints: Mapping | None = None) -> tuple[Example, Example]:
    """The two views of one document (see the module docstring): first pass, and after the rules."""
    texts, owners, clean = removed_by_rules(text, rules, domain)
    first = _example(texts, [o[1] if o else None for o in owners], [o[0] if o else None for o in owners],
                     gold, spec, min_share, hints)
    kept = [line.text for line in split_lines(clean)]
    later = _example(kept, [None] * len(kept), [None] * len(kept), gold, spec, min_share, hints)
    return first, later


def _example(texts: Sequence[str], packs: Sequence[str | None], rule_ids: Sequence[str | None], gold: Gold,
             spec: FeatureSpec, min_share: float, hints: Mapping | None) -> Example:
    features = extract(texts, packs, spec, hints)
    labels = [int(is_furniture(texts[i], gold, min_share)) for i in features.lines]
    blank_before = list(accumulate(not text.strip() for text in texts))
    return Example(features.rows, labels, [rule_ids[i] for i in features.lines],
                   [texts[i] for i in features.lines], features.page, [blank_before[i] for i in features.lines])
