"""The `line_classifier` kind: a line whose words a logistic model over its terms scores as one kind of
furniture, at the edges of the article's prose.

Pattern rules catch the wordings their authors foresaw; a sign-up prompt, a partner label or a job
listing worded some other way goes by them. This kind scores a line by its words instead: a weight per
term (its words, word pairs and first two tokens, as the line model's lexicon reads them:
`cleaner/rules/lexicon.py`) and per shape (`#w1` ... `#w16`: its word count's band; `#end`: it ends in
sentence punctuation; `#cells`: a table row), learned from labelled lines by
`tests/bench/train_line_classifier.py` and stored in the rule file as data. A rule file holds one rule per
category of furniture, each with its own weights.

Where it acts: only on lines no rule removed, of at most `max_words` words, that lie **outside the
article's prose**: before its first prose line or after its last, where a prose line is a sentence
(`kinds/context.py`) that no rule removed and this rule does not score as furniture. Wording that
names furniture also occurs in articles that report on it ("Readers can subscribe to the print edition
for £5 a month, the publisher said"); between two of the article's paragraphs such a sentence stays
whatever it scores. A page's furniture sits around the article: a sign-up block after it, a sponsor's
label between the headline and the first paragraph.

No I/O; the terms of each line are computed once per document (`Document.memo`) for all the kind's rules.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from cleaner.rules.kinds.base import Claim, Document, Rule, option
from cleaner.rules.kinds.context import _sentence_in
from cleaner.rules.lexicon import _WORD, terms

_TERMS_MEMO = "line_classifier.terms"  # Document.memo's key: each stripped line's terms
_BANDS = ((1, "#w1"), (3, "#w2"), (7, "#w4"), (15, "#w8"))  # word-count bands, the last "#w16"
_SENTENCE_END = frozenset(".!?")


def line_terms(key: str) -> frozenset[str]:
    """The terms the model weighs in a stripped line: its lexicon terms and lead term, and its shape
    (word-count band, `#end`, `#cells`). The trainer reads lines through this same function."""
    found, lead = terms(key)
    words = len(key.split())
    band = next((name for most, name in _BANDS if words <= most), "#w16")
    shape = [band]
    if key[-1:] in _SENTENCE_END:
        shape.append("#end")
    if "\t" in key or key.count("|") >= 2:
        shape.append("#cells")
    return frozenset([*found, *([lead] if lead else []), *shape])


def probability(bias: float, weights: dict[str, float], line: frozenset[str]) -> float:
    """The logistic model's probability for a line's terms (`line_terms`)."""
    z = bias + sum(weights.get(term, 0.0) for term in line)
    return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


@dataclass(frozen=True, kw_only=True)
class LineClassifierRule(Rule):
    """A line no rule removed, outside the article's prose, that the rule's term model scores at least
    `threshold` is removed; its record names the probability and the terms that weighed most.

    Example: trained on sign-up blocks, "Don't miss a dispatch — get Sarah's column emailed every Friday."
    after an article's last paragraph goes, and the same words between two paragraphs stay.
    """

    kind = "line_classifier"
    REMOVES = ("each line outside the article's prose whose terms a logistic model scores as furniture "
               "(`threshold`)")
    weights: dict = option(dict, (("bias", 0.0),), "the model: `bias` and a weight per term (words, word pairs, "
                           "`^` and the first two tokens, `#`-shapes; written by the trainer)")
    threshold: float = option(float, 2.0, "remove a line scoring at least this (above 1: never)")
    max_words: int = option(int, 40, "the longest line (words) the rule scores")
    min_known_share: float = option(float, 0.5, "the least share of a line's words the model has weights for, for "
                                    "the rule to score it (a line in a language it never saw scores 0)")
    top_terms: int = option(int, 3, "how many terms a removal's record names")

    @cached_property
    def model(self) -> tuple[float, dict[str, float]]:
        weights = dict(self.weights)
        return weights.pop("bias", 0.0), weights

    def score(self, doc: Document, index: int) -> float:
        """The probability of line `index` of `doc` (0 for a blank line or one over `max_words`)."""
        key = doc.keys[index]
        if not key or len(key.split()) > self.max_words:
            return 0.0
        memo = doc.memo.setdefault(_TERMS_MEMO, {})
        found = memo.get(key)
        if found is None:
            found = memo[key] = line_terms(key)
        bias, weights = self.model
        words = _WORD.findall(key.lower())
        if not words or sum(word in weights for word in words) < self.min_known_share * len(words):
            return 0.0  # its words are mostly unknown to the model: no evidence either way
        return probability(bias, weights, found)

    def find(self, doc: Document) -> Iterator[Claim]:
        if self.threshold > 1:
            return
        for i in self.outside_prose(doc):
            p = self.score(doc, i)
            if p >= self.threshold:
                doc.reasons[i] = self.reason(doc, i, p)
                yield (i, i)

    def outside_prose(self, doc: Document) -> list[int]:
        """The lines no rule removed before the first prose line and after the last (module docstring)."""
        open_lines = [i for i, key in enumerate(doc.keys) if key and doc.claimed[i] is None]
        first = self._first_prose(doc, open_lines)
        if first is None:
            return []  # no prose: nothing to stand outside of (a list, a table, a text the rule cannot read)
        last = self._first_prose(doc, open_lines[::-1])
        return [i for i in open_lines if i < first or i > last]

    def _first_prose(self, doc: Document, lines: Sequence[int]) -> int | None:
        for i in lines:
            if _sentence_in(doc, doc.keys[i]) and self.score(doc, i) < self.threshold:
                return i
        return None

    def reason(self, doc: Document, index: int, p: float) -> dict:
        """The provenance record of removing line `index` at probability `p`: the terms that weighed most."""
        _, weights = self.model
        found = doc.memo[_TERMS_MEMO][doc.keys[index]]
        top = sorted(((weights.get(t, 0.0), t) for t in found), reverse=True)[: self.top_terms]
        return {"model": self.id, "p": round(p, 3), "terms": [[t, round(w, 3)] for w, t in top if w > 0]}
