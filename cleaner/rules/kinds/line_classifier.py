"""The `line_classifier` kind: a line whose words a logistic model over its terms scores as one kind of
furniture, at the edges of the article's prose.

Pattern rules catch the wordings their authors foresaw; a sign-up prompt, a partner label or a job
listing worded some other way goes by them. This kind scores a line by its words instead: a weight per
term (its words, word pairs and first two tokens, as the line model's lexicon reads them:
`cleaner/rules/lexicon.py`) and per shape (`#w1` ... `#w16`: its word count's band; `#end`: it ends in
sentence punctuation; `#cells`: a table row) and per stem (`~adver`: a longer word's first letters, so
"Advertorial" weighs as "advertisement" did in training), learned from labelled lines by
`tests/bench/train_line_classifier.py` and stored in the rule file as data. A rule file holds one rule per
category of furniture, each with its own weights.

Where it acts: only on lines no rule removed, of at most `max_words` words, that lie **outside the
article's prose**: before its first prose line or after its last, where a prose line is a sentence
(`kinds/context.py`) that no rule removed and this rule does not score as furniture. A line's bar is
`threshold`, or for a label (at most `label_words` words, not ending in `.`, `!` or `?`) `label_threshold`
when that is lower: a label's few words are less evidence either way, and the sentences the trained models
scored just under 0.99 on the dev set's gold bodies were an author's calls to action and sign-offs, while
the labels they left at 0.9-0.97 were furniture ("SHARE:", "Sponsored by ..."). A line under its bar still
goes when it scores at least `neighbour_threshold` and the nearest non-blank line above or below it was removed
by the same rule (again down a run): a sign-up block's pitch under its removed heading, a job list's items.
Not by any rule: a line another category's rule removed would carry this one off even when a user ignores
its own category or keeps it from its own rule (seed 001's appeal under the sign-up masthead). Wording
that names furniture also occurs in articles that report on it ("Readers can subscribe to the print edition
for £5 a month, the publisher said"); between two of the article's paragraphs such a sentence stays
whatever it scores. A page's furniture sits around the article: a sign-up block after it, a sponsor's
label between the headline and the first paragraph. With `inside_threshold` a line inside the prose scoring
that much goes too when it is neither a sentence nor a list item: a share bar between the article and its
disclaimer, a "Buy now at ..." under a product's paragraph. With `box_lines` a block of its own inside the prose
(2 to that many lines between two blank lines, no list item) goes whole when each line standing scores at least
`neighbour_threshold` and one its bar, sentences included: where blank lines part the blocks, an article's
paragraph is a block of one line, and a paywall's two lines or a hiring notice over its button is a box. The
article's headline (`headline_line`: the first line standing, headline-shaped, just above the first paragraph, its
words the prose's) is never this kind's to remove: the guide keeps it, and its topic words are a related list's
("How to grow tomatoes" scored 0.91 once).

No I/O; each text's terms are read once for all the kind's rules sharing a vocabulary, kept (bounded) per process.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from itertools import repeat

from cleaner.rules.kinds.base import Claim, Document, Rule, option
from cleaner.rules.kinds.classifier_places import (
    SENTENCE_END,
    box_blocks,
    boxes,
    headline_line,
    inside_candidates,
    sentence_lines,
)
from cleaner.rules.kinds.context import neighbour
from cleaner.rules.lexicon import terms

# Each text's known terms (`known_terms`), by vocabulary, for the process: a pure function of the text, kept
# as the lexicon keeps its values (`lexicon._CACHE_LIMIT`): a site's menus and footers recur page after page.
_KNOWN: dict[str, dict[str, tuple[str, ...] | None]] = {}
_KNOWN_LIMIT = 50_000  # texts remembered per vocabulary (emptied beyond)
_UNREAD = object()
_WORD = re.compile(r"\w+")  # a word, as the lexicon counts them
_BANDS = ((1, "#w1"), (3, "#w2"), (7, "#w4"), (15, "#w8"))  # word-count bands, the last "#w16"
STEM_CHARS = 5  # a stem term: "~" and a longer word's first letters ("~adver": advertorial, advertisement)
NEAR_MISS = 0.1  # how far under `threshold` a score is still a near miss worth naming (`declines`)


def forget_texts() -> None:
    """Empty the process cache of the texts' known terms (`_KNOWN`): a benchmark that cleans the same texts
    again times what a fresh process (a CLI run, a worker) pays."""
    _KNOWN.clear()


def stem(word: str) -> str | None:
    """The stem term of a lower-case word: `~` and its first STEM_CHARS letters, for a word of letters longer
    than that (None otherwise). A stem carries what the training learned of "advertisement" and "sponsored" to
    "Advertorial" and "SPONSORSHIP", which no training line held."""
    return f"~{word[:STEM_CHARS]}" if len(word) > STEM_CHARS and word.isalpha() else None


def line_terms(key: str) -> frozenset[str]:
    """The terms the model weighs in a stripped line: its lexicon terms and lead term, its words' stems
    (`stem`) and its shape (word-count band, `#end`, `#cells`). The trainer reads lines through this same
    function."""
    found, lead = terms(key)
    found += filter(None, map(stem, _WORD.findall(key.lower())))
    words = len(key.split())
    band = next((name for most, name in _BANDS if words <= most), "#w16")
    shape = [band]
    if key[-1:] in SENTENCE_END:
        shape.append("#end")
    if "\t" in key or key.count("|") >= 2:
        shape.append("#cells")
    return frozenset([*found, *([lead] if lead else []), *shape])


def probability(bias: float, weights: dict[str, float], line: Iterable[str]) -> float:
    """The logistic model's probability for a line's terms (`line_terms`)."""
    z = bias + sum(map(weights.get, line, repeat(0.0)))  # (a map of the bound method: no Python frame a term)
    return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0


@dataclass(frozen=True, kw_only=True)
class LineClassifierRule(Rule):
    """A line no rule removed, outside the article's prose, that the rule's term model scores at least
    its bar (`bar`: `threshold`, or `label_threshold` for a short label) is removed; its record names the
    probability and the terms that weighed most.

    Example: trained on sign-up blocks, "Don't miss a dispatch — get Sarah's column emailed every Friday."
    after an article's last paragraph goes, and the same words between two paragraphs stay.
    """

    kind = "line_classifier"
    SEEDS_EDGE_ROWS = False  # a guess: the line model does not grow edge rows from it
    REMOVES = ("each line outside the article's prose whose terms a logistic model scores as furniture "
               "(`threshold`; `label_threshold` for a short label), and one scoring `neighbour_threshold` next "
               "to a line it removed")
    weights: dict = option(dict, (("bias", 0.0),), "the model: `bias` and a weight per term (words, word pairs, "
                           "`^` and the first two tokens, `#`-shapes; written by the trainer)")
    threshold: float = option(float, 2.0, "remove a line scoring at least this (above 1: never)")
    label_threshold: float = option(float, 2.0, "remove a label (`label_words`) scoring at least this, when it is "
                                    "lower than `threshold` (a label's few words carry less evidence, and "
                                    "removing one costs an article little)")
    label_words: int = option(int, 4, "the most words of a label: a line not ending as a sentence (.!?)")
    neighbour_threshold: float = option(float, 2.0, "remove a line outside the prose scoring at least this (under its "
                                        "bar) when the nearest non-blank line above or below it was removed by this "
                                        "rule: a sign-up block's pitch or a job list's items under a heading that went")
    inside_threshold: float = option(float, 2.0, "remove a line inside the prose scoring at least this (above 1: "
                                     "never) when it is no sentence (.!?) and no list item (a bullet first)")
    box_lines: int = option(int, 0, "remove a box inside the prose: a block (lines between two blank lines) of 2 to "
                            "this many lines, every line standing scoring at least `neighbour_threshold` and one its "
                            "bar (0: never)")
    max_words: int = option(int, 40, "the longest line (words) the rule scores")
    min_known_share: float = option(float, 0.5, "the least share of a line's words the model has weights for, for "
                                    "the rule to score it (a line in a language it never saw scores 0)")
    top_terms: int = option(int, 3, "how many terms a removal's record names")

    @cached_property
    def model(self) -> tuple[float, dict[str, float]]:
        weights = dict(self.weights)
        return weights.pop("bias", 0.0), weights

    @cached_property
    def _memo_keys(self) -> tuple[str, str]:
        """The keys of this rule's probabilities in `Document.memo`, and of the texts' terms read against its
        vocabulary in `_KNOWN`, which the rules of one trained pack share (the same terms: read once for all)."""
        vocabulary = frozenset(self.model[1])
        shared = f"line_classifier.terms.{hash(vocabulary)}.{len(vocabulary)}.{self.max_words}.{self.min_known_share}"
        return f"line_classifier.p.{self.pack_id}.{self.id}", shared

    def score(self, doc: Document, index: int) -> float:
        """The probability of line `index` of `doc` (0 for a blank line, one over `max_words` or one of
        mostly unknown words; words are `\\w+` tokens), computed once per text, rule and document
        (`Document.memo`: the fixpoint's passes ask again)."""
        key = doc.keys[index]
        mine, shared = self._memo_keys
        scored = doc.memo.setdefault(mine, {})
        p = scored.get(key)
        if p is None:
            read = _KNOWN.setdefault(shared, {})
            known = read.get(key, _UNREAD)
            if known is _UNREAD:
                if len(read) > _KNOWN_LIMIT:
                    read.clear()
                known = read[key] = self.known_terms(key)
            bias, weights = self.model
            p = scored[key] = 0.0 if known is None else probability(bias, weights, known)
        return p

    def bar(self, key: str) -> float:
        """The least score that removes the stripped line `key`: `label_threshold` for a label (at most
        `label_words` words, not ending as a sentence) when lower, else `threshold`."""
        if self.label_threshold < self.threshold and key[-1:] not in SENTENCE_END \
                and len(key.split()) <= self.label_words:
            return self.label_threshold
        return self.threshold

    @cached_property
    def _never(self) -> bool:
        return min(self.threshold, self.label_threshold) > 1

    def known_terms(self, key: str) -> tuple[str, ...] | None:
        """The terms of a stripped line that the model weighs, or None when it is not to be scored: blank,
        over `max_words` words, or under `min_known_share` of its words known."""
        words = _WORD.findall(key.lower())
        if not words or len(words) > self.max_words:
            return None
        weights = self.model[1]
        known = sum(word in weights or stem(word) in weights for word in words)  # a word, or its stem
        if known < self.min_known_share * len(words):
            return None  # its words are mostly unknown to the model: no evidence either way
        return tuple(filter(weights.__contains__, line_terms(key)))

    def find(self, doc: Document) -> Iterator[Claim]:
        if self._never:
            return
        near = []  # under their bar, but over `neighbour_threshold`
        head = None  # the headline's line, found when a line first scores high enough to go
        for i in self.outside_prose(doc):
            p = self.score(doc, i)
            if p >= min(self.neighbour_threshold, self.bar(doc.keys[i])):
                head = headline_line(doc) if head is None else head
                if i == head:
                    continue
            if p >= self.bar(doc.keys[i]):
                doc.reasons[i] = self.reason(doc, i, p)
                yield (i, i)  # (the engine notes the claim in doc.claimed before the loop goes on)
            elif p >= self.neighbour_threshold:
                near.append(i)
        yield from self._beside_removed(doc, near)
        if self.inside_threshold <= 1:
            yield from self._inside(doc)
        if self.box_lines >= 2:
            yield from self._boxes(doc)

    def _inside(self, doc: Document) -> Iterator[Claim]:
        """Lines inside the prose scoring `inside_threshold`, no sentence or list item ("• Send an email" stays)."""
        bounds, head = self.prose_bounds(doc), None
        for i in inside_candidates(doc) if bounds else ():
            if bounds[0] < i < bounds[1] and doc.claimed[i] is None \
                    and (p := self.score(doc, i)) >= self.inside_threshold:
                head = headline_line(doc) if head is None else head
                if i != head:
                    doc.reasons[i] = {**self.reason(doc, i, p), "inside_prose": True}
                    yield (i, i)

    def _boxes(self, doc: Document) -> Iterator[Claim]:
        """The lines standing in a box inside the prose (`box_lines`; `classifier_places.boxes`)."""
        bounds = self.prose_bounds(doc) if box_blocks(doc, self.box_lines) else None
        for i, p in boxes(doc, self.box_lines, bounds, self.score, self.bar, self.neighbour_threshold):
            doc.reasons[i] = {**self.reason(doc, i, p), "box": True}
            yield (i, i)

    def _beside_removed(self, doc: Document, near: list[int]) -> Iterator[Claim]:
        """Those of `near` whose nearest non-blank line above or below this rule removed, again and again, so a
        block's items follow its heading down a run of them."""
        claimed = doc.claimed
        while near:
            beside = [i for i in near if claimed[i] is None and any(
                j is not None and claimed[j] is self for j in (neighbour(doc, i, -1), neighbour(doc, i, 1)))]
            if not beside:
                return
            for i in beside:
                doc.reasons[i] = {**self.reason(doc, i, self.score(doc, i)), "beside_removed": True}
                yield (i, i)
            near = [i for i in near if claimed[i] is None and i not in beside]

    def outside_prose(self, doc: Document) -> list[int]:
        """The lines no rule removed before the first prose line and after the last (module docstring)."""
        bounds, keys, claimed = self.prose_bounds(doc), doc.keys, doc.claimed
        if bounds is None:
            return []  # no prose: nothing to stand outside of (a list, a table, a text the rule cannot read)
        first, last = bounds
        return [i for i in (*range(first), *range(last + 1, len(keys))) if keys[i] and claimed[i] is None]

    def prose_bounds(self, doc: Document) -> tuple[int, int] | None:
        """The first and the last prose line: a sentence line no rule removed, scoring under its bar (None: none)."""
        keys, claimed = doc.keys, doc.claimed

        def is_prose(i: int) -> bool:
            return claimed[i] is None and self.score(doc, i) < self.bar(keys[i])

        sentences = sentence_lines(doc)
        first = next(filter(is_prose, sentences), None)
        return None if first is None else (first, next(filter(is_prose, reversed(sentences))))

    def declines(self, doc: Document) -> Iterator[tuple[int, str]]:
        """Lines that score at least their bar (`bar`) but sit inside the article's prose, and lines outside
        it that score within `NEAR_MISS` under it: what a reviewer asks about (`cleaner explain -v`)."""
        if self._never:
            return
        outside = set(self.outside_prose(doc))
        head = headline_line(doc)
        for i, key in enumerate(doc.keys):
            if not key or doc.claimed[i] is not None:
                continue
            p, bar = self.score(doc, i), self.bar(key)
            if i == head and i in outside and p >= min(self.neighbour_threshold, bar):
                yield i, f"scored {p:.3f}, but it is the article's headline"
            elif p >= bar and i not in outside:
                yield i, f"scored {p:.3f}, but sits inside the article's prose"
            elif i in outside and bar - NEAR_MISS <= p < bar:
                yield i, f"outside the prose, but scored {p:.3f}, under the threshold {bar}"

    def reason(self, doc: Document, index: int, p: float) -> dict:
        """The provenance record of removing line `index` at probability `p`: the terms that weighed most."""
        _, weights = self.model
        found = _KNOWN[self._memo_keys[1]].get(doc.keys[index]) or self.known_terms(doc.keys[index]) or ()
        top = sorted(((weights.get(t, 0.0), t) for t in found), reverse=True)[: self.top_terms]
        return {"model": self.id, "p": round(p, 3), "terms": [[t, round(w, 3)] for w, t in top if w > 0]}
