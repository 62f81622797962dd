"""What the line model needs of one distinct line text: its facts (`LineFacts`, the line features of
`features.LINE_FEATURES` but `repeat_log`), computed once per FeatureSpec and cached, by the compiled
code (`cleaner/search/linefast.py`) when it is built and computes these features, else by
`reference_facts`, the pure-Python reference it is tested against."""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import compress
from operator import itemgetter
from typing import NamedTuple, Protocol

from cleaner.search import linefast
from cleaner.search.any_word import AnyWord


class FeatureSpec(Protocol):
    """What the facts read of `features.FeatureSpec`."""

    stop_words: frozenset[str]
    furniture_search: AnyWord | None
    prose_min_words: int
    prose_min_chars: int
    short_chars: int
    compiled: object | None
    cache: dict

_BULLETS = frozenset("*+•·▪◦‣-–—►▸")
_CLOSERS = "\"'”’»)]*"
_SENTENCE_END = frozenset(".!?…")
_LINK_TOKENS = ("http", "www.", ".com", ".org", ".net", "@", "|", "»", "›", "→")


def log(n: float) -> float:
    return math.log1p(n)


def ends_sentence(key: str) -> bool:
    """Whether a stripped line ends in sentence punctuation (a closing quote or bracket may follow)."""
    return key.rstrip(_CLOSERS)[-1:] in _SENTENCE_END


_STRIP = ".,;:!?\"'()"
# What the compiled features assume of the reference's (search/linefast.py): any change runs Python.
CONSTANTS = {"bullets": _BULLETS, "closers": _CLOSERS, "sentence_end": _SENTENCE_END, "strip": _STRIP,
             "link_tokens": _LINK_TOKENS}
# Lines remembered per spec, about 1 KB each (200,000 held most of a mining worker's memory); _sweep.
_CACHE_LIMIT = 20_000


class LineFacts(NamedTuple):
    """What the extractor needs of one distinct line text (and indentation), computed once per spec:
    a document's later passes, and its menu lines across documents, reuse it."""

    values: tuple[float, ...]  # the LINE_FEATURES values but repeat_log
    prose: bool
    short: bool
    furniture: bool


def make_facts(text: str, key: str, spec: FeatureSpec) -> LineFacts:
    if spec.compiled:
        return LineFacts(*linefast.facts(spec.compiled, text, key))
    return LineFacts(*reference_facts(text, key, spec))


def reference_facts(text: str, key: str, spec: FeatureSpec) -> tuple[tuple[float, ...], bool, bool, bool]:
    """A line's (values, prose, short, furniture): the reference `search/_linefast.c` computes alike."""
    words = key.split()
    n_words = len(words)
    lower = key.lower()
    letters = sum(map(str.isalpha, key))
    firsts = [w[0] for w in words]
    alpha_words = sum(map(str.isalpha, firsts))
    sentence = ends_sentence(key)
    prose = sentence and n_words >= spec.prose_min_words and len(key) >= spec.prose_min_chars \
        and key[:1] not in _BULLETS
    short = len(key) < spec.short_chars
    furniture = spec.furniture_search is not None and spec.furniture_search.found_in(lower)
    stop = spec.stop_words
    return (
        log(len(key)),
        log(n_words),
        sum(map(stop.__contains__, [w.strip(_STRIP) for w in lower.split()])) / n_words if n_words else 0.0,
        float(sentence),
        float(key.endswith(":")),
        sum(map(str.isupper, firsts)) / alpha_words if alpha_words else 0.0,
        sum(map(str.isupper, key)) / letters if letters else 0.0,
        sum(map(str.isdigit, key)) / len(key),
        float(key[:1] in _BULLETS),
        float(min(3, sum(lower.count(t) for t in _LINK_TOKENS))),
        float(furniture),
        float(prose),
        float(short),
        float(text[:1].isspace()),
    ), prose, short, furniture


def facts_of(text: str, key: str, spec: FeatureSpec) -> LineFacts:
    """A line's facts, from the spec's cache (`spec.cache`: (key, indented) -> [facts, looked up again])."""
    cache, slot = spec.cache, (key, text[:1].isspace())
    entry = cache.get(slot)
    if entry is None:
        if len(cache) >= _CACHE_LIMIT:
            _sweep(cache)
        entry = cache[slot] = [make_facts(text, key, spec), False]
    else:
        entry[1] = True
    return entry[0]


def facts_of_lines(texts: Sequence[str], lines: Sequence[int], keys: Sequence[str], spec: FeatureSpec) -> list:
    """`facts_of(texts[i], key, spec)` for each line i and its key, in order (in one C call when compiled)."""
    if spec.compiled:
        sweep = linefast.sweeper(_CACHE_LIMIT) or _sweep
        return linefast.cached_facts(spec.compiled, spec.cache, texts, lines, keys, _CACHE_LIMIT, sweep, LineFacts)
    return [facts_of(texts[i], key, spec) for i, key in zip(lines, keys, strict=True)]


def _sweep(cache: dict) -> None:
    """Keep the lines looked up again since the last sweep (a page's own text goes, menus stay), all
    go when those fill half the cache. Facts do not depend on what is cached, nor do results. (An
    entry's second item is only ever a bool: the compiled cache's entries are not tracked by the
    cycle collector, as they can hold no cycle.)"""
    kept = list(compress(cache.items(), map(itemgetter(1), cache.values())))  # (in C: a sweep reads 20,000)
    cache.clear()
    for slot, entry in kept if len(kept) <= _CACHE_LIMIT // 2 else ():
        entry[1] = False
        cache[slot] = entry
