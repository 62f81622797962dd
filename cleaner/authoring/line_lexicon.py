"""Learning the line model's lexicon (`lexicon` in its rule file, read by `cleaner/rules/lexicon.py`)
from labelled lines: each term's smoothed log-odds of furniture against body.

A term's weight is log((f + a·π) / (b + a·(1 − π))) − log(π / (1 − π)), where f and b count the
furniture and body lines holding it, π is the furniture lines' share and a the smoothing: a term
seen on few lines weighs near 0. Only terms found on at least `min_sites` sites are kept (one site's
menu or sentence must not become a weight), weights are capped at ±`cap`, and the `top` terms with
the most evidence (|weight| × log(1 + lines)) make the table.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cleaner.rules.lexicon import terms


@dataclass(frozen=True)
class LexiconParams:
    """How the table is learned (see the module docstring)."""

    min_sites: int = 20
    smoothing: float = 20.0
    cap: float = 3.0
    top: int = 3000
    lead: bool = True  # learn `^a b` line heads too
    bigrams: bool = True


def learn(documents: Iterable[tuple[str, Sequence[str], Sequence[int]]],
          params: LexiconParams = LexiconParams()) -> dict[str, float]:
    """The table from `documents`: (site, line texts, labels: 1 furniture, 0 body)."""
    furniture, body, sites, lines = Counter(), Counter(), {}, Counter()
    for site, texts, labels in documents:
        for text, label in zip(texts, labels, strict=True):
            lines[bool(label)] += 1
            found, lead = terms(text.strip())
            if not params.bigrams:
                found = [t for t in found if " " not in t]
            seen = set(found) | ({lead} if lead and params.lead else set())
            (furniture if label else body).update(seen)
            for term in seen:
                sites.setdefault(term, set()).add(site)
    return _weights(furniture, body, sites, lines[True], lines[False], params)


def _weights(furniture: Counter, body: Counter, sites: dict, total_f: int, total_b: int,
             params: LexiconParams) -> dict[str, float]:
    if not total_f or not total_b:
        return {}
    prior = total_f / (total_f + total_b)
    a = params.smoothing
    scored = []
    for term, where in sites.items():
        if len(where) < params.min_sites:
            continue
        f, b = furniture[term], body[term]
        w = math.log((f + a * prior) / (b + a * (1 - prior))) - math.log(prior / (1 - prior))
        w = max(-params.cap, min(params.cap, w))
        scored.append((abs(w) * math.log1p(f + b), term, round(w, 4)))
    scored.sort(key=lambda s: (-s[0], s[1]))
    return {term: w for _, term, w in scored[:params.top] if w}
