"""What the line model (`kinds/line_model.py`) does with a document's scores beyond a line's probability:
the regime (a whole page or an extract), the removals it gives back (its veto), the rows it removes by
its thresholds and shields, and the edge rows beside a rule's removal on an extract. A mixin of
`LineModelRule`, whose fields (declared there) these methods read. No I/O.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import compress
from typing import Any

from cleaner.rules import author_bio, headline, wordless
from cleaner.rules.features import DOC_FEATURES, PAGE_FEATURES, Features
from cleaner.rules.kinds.base import Document, Rule
from cleaner.rules.kinds.context import is_sentence
from cleaner.rules.line_scores import Scores

NEVER = 2.0  # a threshold no probability reaches


def veto_spares_box(categories: Sequence[str | None], keys: Sequence[str], limit: int,
                    box_categories: Sequence[str]) -> bool:
    """Whether a block's lines (their stripped `keys`, and per line the category of the rule that removed it,
    None: kept) stand as a box the veto spares (`veto_spares_blocks`): 2 to `limit` lines, a rule of
    `box_categories` removed the first, every removed line is of those categories and at least half of them
    are removed, the rest being no sentences: a "Read next" label over the headline its box rule takes in a
    later pass, a share bar. Between two paragraphs the model, trained on pages whose furniture stands
    outside the article, reads such lines as the prose around them; the block is the evidence, as for
    `never_vetoed`. The trainer asks the same of its rows (`train_line_model._spared`)."""
    if not 2 <= len(keys) <= limit or categories[0] is None:
        return False
    taken = [c for c in categories if c is not None]
    if 2 * len(taken) < len(keys) or any(c not in box_categories for c in taken):
        return False
    return not any(is_sentence(key) for key, c in zip(keys, categories, strict=True) if c is None)


class LineDecisions:
    """The line model's decisions over a document's `Scores` (see `LineModelRule`'s fields)."""

    # the fields of LineModelRule these methods read (declared and documented there)
    threshold: float
    extract_threshold: float
    edge_threshold: float
    edge_categories: tuple[str, ...]
    run_prose_threshold: float
    region_threshold: float
    region_min_stop_share: float
    headline_threshold: float
    lead_threshold: float
    bio_threshold: float
    never_empty: bool
    veto_below: float
    extract_veto_below: float
    veto_rules: tuple[str, ...]
    never_vetoed: tuple[str, ...]
    veto_spares_blocks: int
    extract_release_rules: tuple[str, ...]
    packs: tuple[str, ...]
    page_weights: Any
    page_above: float
    extract_below: float
    page_short_share: float
    page_removed_share: float
    page_lead_lines: int
    spec: Any

    def decide(self, doc: Document, scores: Scores) -> tuple[list[int], list[int]]:
        """The rows (non-blank lines) of a document of at least `min_lines` the model removes, and those of
        the rules' removals it gives back: by its regime's threshold and veto, the shields, the edge rows of
        an extract (`edge_rows`) and `never_empty`."""
        page, release = (True, False) if doc.whole_page else self.regime(scores.features)
        threshold = self.threshold if page else self.extract_threshold
        veto_below = self.veto_below if page else self.extract_veto_below
        released = frozenset(self.extract_release_rules) if release else frozenset()
        probabilities = scores.probabilities
        # rows to remove: among the lines no rule removed, by the thresholds and the two shields
        removed = scores.select(threshold, self.run_prose_threshold, self.region_threshold,
                                self.region_min_stop_share)
        own = self.own_thresholds(doc, scores, threshold) if removed else {}
        if own:  # the headline and the author's bio line go only from their own scores
            removed = [k for k in removed if probabilities[k] >= own.get(k, 0.0)]
        given_back = self.given_back(doc, scores, removed, veto_below, released)
        if not page:
            removed = sorted({*removed, *self.edge_rows(doc, scores, given_back)})
        standing = scores.removed.count(False) + len(given_back)  # lines left: no rule's, and those given back
        if self.never_empty and len(removed) == standing:
            # it doubts every line: the body is among them, and no line is surer (wordless lines' sides change)
            removed, given_back = [], self.given_back(doc, scores, [], veto_below, released)
        return removed, given_back

    def edge_rows(self, doc: Document, scores: Scores, given_back: Sequence[int]) -> list[int]:
        """The rows `edge_threshold` takes: rows no rule removed, outside the best body region (`Scores.select`
        with both shields whole) and scoring at least `edge_threshold`, that join a row a rule of
        `edge_categories` removed and the model did not give back (`given_back`), next to it or through other
        such rows; none in a document without a main run of prose, where there is no article to stand outside
        of. Furniture comes in blocks, and a block's other lines are worded in ways no rule foresaw: the rule's
        hit says where a block is, the model which of its neighbours belong to it. A date or a separator is no
        block's sign (a timestamp heads the article's own lines), hence the categories."""
        features = scores.features
        if self.edge_threshold > 1:
            return []
        back = set(given_back)
        seeds = [k for k, i in enumerate(features.lines) if k not in back and self.edge_seed(doc.claimed[i])]
        # (cheapest test first: most documents hold no such removal)
        if not seeds or not any(map(features.run_prose, range(len(features.lines)))):
            return []  # no article found (no main run of prose: a text in Chinese has no sentence the model reads)
        candidates = set(scores.select(self.edge_threshold, NEVER, NEVER, 0.0))
        taken: set[int] = set()
        for seed in seeds:
            for step in (-1, 1):
                k = seed + step
                while k in candidates and k not in taken:
                    taken.add(k)
                    k += step
        return sorted(taken)

    def vetoable(self, rule_id: str, pack_id: str | None) -> bool:
        """Whether the veto (`veto_below`) may give back a line the rule `rule_id` of pack `pack_id` removed:
        a rule of `packs` (never a user's own), in `veto_rules` (empty: any) and not in `never_vetoed`. The
        trainer asks the same (`train_line_model._vetoable`)."""
        return pack_id in self.packs and (not self.veto_rules or rule_id in self.veto_rules) \
            and rule_id not in self.never_vetoed

    def spared_block(self, doc: Document, index: int) -> bool:
        """Whether line `index` lies in a block (the lines between two blank lines, or a text's edge) that
        stands as a box (`veto_spares_box`) of at most `veto_spares_blocks` lines."""
        if self.veto_spares_blocks < 2:
            return False
        keys, claimed, limit = doc.keys, doc.claimed, self.veto_spares_blocks
        first = last = index
        while first > 0 and keys[first - 1]:
            first -= 1
            if index - first >= limit:
                return False
        while last + 1 < len(keys) and keys[last + 1]:
            last += 1
            if last - first >= limit:
                return False
        owners = [o.category if o is not None else None for o in claimed[first:last + 1]]
        return veto_spares_box(owners, keys[first:last + 1], limit, self.edge_categories)

    def edge_seed(self, owner: Rule | None) -> bool:
        """Whether a line `owner` removed may seed edge rows: a rule of `edge_categories` (empty: any rule) of a
        kind that seeds them (`Rule.SEEDS_EDGE_ROWS`: not a `line_classifier`'s guess, which, chained to the
        model's own, lost a dictionary page's entries beside its "Related Words" heading)."""
        return owner is not None and (not self.edge_categories or owner.category in self.edge_categories) \
            and owner.SEEDS_EDGE_ROWS

    def given_back(self, doc: Document, scores: Scores, removed: Sequence[int], veto_below: float,
                   released: frozenset[str]) -> list[int]:
        """The rows (non-blank lines) whose rule removal the model gives back: every row a rule of
        `released` removed, and every row a vetoable rule removed that scores below `veto_below`; only
        rules of `packs` (a user's own rule is never overruled). `removed`: the rows the model itself
        removes.

        A row with no word character (a lone dash) stays removed when the nearest rows with words either
        side stay removed too, or the document ends there (`cleaner/rules/wordless.py`)."""
        claimed, lines = doc.claimed, scores.features.lines
        packs = set(self.packs)
        back = []
        for k in compress(range(len(lines)), scores.removed):
            owner = claimed[lines[k]]
            vetoed = veto_below > 0 and scores.probabilities[k] < veto_below \
                and self.vetoable(owner.id, owner.pack_id) and not self.spared_block(doc, lines[k])
            if owner.pack_id in packs and (owner.id in released or vetoed):
                back.append(k)
        if all(map(wordless.has_words, (doc.keys[lines[k]] for k in back))):
            return back
        back_set = set(back)
        gone = set(removed).union(k for k in compress(range(len(lines)), scores.removed) if k not in back_set)
        stay = wordless.between_removed([doc.keys[i] for i in lines], back, gone)
        return [k for k in back if k not in stay]

    def own_thresholds(self, doc: Document, scores: Scores, threshold: float) -> dict[int, float]:
        """The rows the guide keeps that the model removes only from a score of their own above `threshold`:
        the author's bio lines (`author_bio.find`) from `bio_threshold`, the headline (`headline_row`) from
        `headline_threshold`, the lead under the opening headline (`headline.lead`) from `lead_threshold`. The
        trainer's threshold search shields the same (`_own_thresholds`)."""
        own: dict[int, float] = {}
        if self.bio_threshold > threshold:
            own.update(dict.fromkeys(author_bio.find([doc.keys[i] for i in scores.features.lines]),
                                     self.bio_threshold))
        if self.headline_threshold > threshold:
            head = self.headline_row(doc, scores.features, scores.removed)
            if head >= 0:
                own[head] = self.headline_threshold
        if self.lead_threshold > threshold:
            features = scores.features
            row = headline.lead([doc.keys[i] for i in features.lines], features.prose(), scores.removed,
                                self.spec.stop_words)
            if row >= 0:
                own[row] = self.lead_threshold
        return own

    def headline_row(self, doc: Document, features: Features, removed: Sequence[bool]) -> int:
        """The row of the document's headline (`headline.find` over its non-blank lines; `removed`: per
        row, whether a rule removed it), or -1."""
        return headline.find([doc.keys[i] for i in features.lines], features.prose(), removed,
                             self.spec.stop_words)

    def page_probability(self, page_values: Sequence[float]) -> float:
        """The regime classifier's probability that a document (its PAGE_FEATURES values) is a whole page."""
        weights = dict(self.page_weights)
        z = weights.get("bias", 0.0) + sum(weights.get(name, 0.0) * value
                                           for name, value in zip(PAGE_FEATURES, page_values, strict=True))
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def regime(self, features: Features) -> tuple[bool, bool]:
        """Whether a document is a whole page (thresholds and vetoes), and whether its lines of
        `extract_release_rules` are given back (see the module docstring)."""
        if self.page_weights and self.extract_below > 0:
            sure_extract = self.page_probability(features.page) < self.extract_below
            return self.is_page(features, boundary=True) and not sure_extract, sure_extract
        page = self.is_page(features)
        return page, not page

    def is_page(self, features: Features, boundary: bool = False) -> bool:
        """Whether a document is a whole page, not an extract, by the regime classifier, or by the
        `page_*` boundary when there is none or `boundary` says so (see the module docstring)."""
        if self.page_weights and not boundary:
            return self.page_probability(features.page) >= self.page_above
        values = dict(zip(DOC_FEATURES, features.doc, strict=True))
        return values["doc_short_share"] >= self.page_short_share \
            and values["doc_removed_share"] >= self.page_removed_share \
            and values["doc_lead_log"] >= math.log1p(self.page_lead_lines) - 1e-9
