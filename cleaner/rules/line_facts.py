"""What the line model needs of one distinct line text: its facts (`LineFacts`, the line features of
`features.LINE_FEATURES` but `repeat_log`), computed once per FeatureSpec and cached, by the compiled
code (`cleaner/search/linefast.py`) when it is built and computes these features, else by
`reference_facts`, the pure-Python reference it is tested against.

The cache (`spec.cache`, `new_cache`) is a dict, (key, indented) -> [facts, looked up again], or, compiled,
a `_linefast.FactsCache` holding the same entries as doubles in C (and each line's lexicon values), looked
up, added and swept alike (`cached` shows it as that dict); `packed_facts` and `packed_lexical` give
`linefast.score_document` a document's facts (and lexical columns) from it with no Python object per line."""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import compress
from operator import itemgetter
from typing import Any, NamedTuple, Protocol

from cleaner.search import linefast
from cleaner.search.any_word import AnyWord


class FeatureSpec(Protocol):
    """What the facts read of `features.FeatureSpec`."""

    stop_words: frozenset[str]
    furniture_search: AnyWord | None
    hint_features: tuple[str, ...]
    lexical_features: tuple[str, ...]
    lexicon_table: Any
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
# Lines remembered per spec, about 1 KB each in the dict, about 200-250 bytes and the key's str in the compiled
# cache (200,000 dict entries held most of a mining worker's memory); _sweep. A document's lines looked up together
# may come on top (`_limit`).
_CACHE_LIMIT = 20_000


def _limit(lines: int) -> int:
    """The sweep limit for `lines` lines looked up together: room for all of them on top of `_CACHE_LIMIT`.
    A document's later passes look its lines up again; with the bare limit, a document of more distinct lines
    swept its own early lines before those passes, which then computed every line's facts again (a 10 MB
    document: 2.6 against 1.9 CPU s, its time per MB 1.4x that of the same text in 100 KB documents)."""
    return _CACHE_LIMIT + lines


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


def new_cache(compiled: object | None) -> dict | object:
    """An empty cache of line facts for a spec (`compiled`: its compiled side, or None): the compiled
    `FactsCache` (the lines' values held in C, looked up and swept as the dict) when there is one, else a
    dict, (key, indented) -> [facts, looked up again]."""
    held = linefast.facts_cache(LineFacts) if compiled is not None else None
    return {} if held is None else held


def cached(spec: FeatureSpec) -> dict:
    """The spec's cache as a dict, (key, indented) -> [facts, looked up again], in the order it holds them."""
    return spec.cache if type(spec.cache) is dict else dict(spec.cache.items())


def facts_of(text: str, key: str, spec: FeatureSpec, limit: int | None = None) -> LineFacts:
    """A line's facts, from the spec's cache (`spec.cache`: (key, indented) -> [facts, looked up again]),
    swept first when it holds `limit` lines (None: `_CACHE_LIMIT`)."""
    limit = _CACHE_LIMIT if limit is None else limit
    if type(spec.cache) is not dict:
        return spec.cache.facts(spec.compiled, [text], [0], [key], limit)[0]
    cache, slot = spec.cache, (key, text[:1].isspace())
    entry = cache.get(slot)
    if entry is None:
        if len(cache) >= limit:
            _sweep(cache, limit)
        entry = cache[slot] = [make_facts(text, key, spec), False]
    else:
        entry[1] = True
    return entry[0]


def facts_of_lines(texts: Sequence[str], lines: Sequence[int], keys: Sequence[str], spec: FeatureSpec) -> list:
    """`facts_of(texts[i], key, spec)` for each line i and its key, in order (in one C call when the cache is
    held in C), the cache's limit raised by their number (`_limit`)."""
    limit = _limit(len(lines))
    if type(spec.cache) is not dict:
        return spec.cache.facts(spec.compiled, texts, lines, keys, limit)
    return [facts_of(texts[i], key, spec, limit) for i, key in zip(lines, keys, strict=True)]


def packed_facts(texts: Sequence[str], lines: Sequence[int], keys: Sequence[str], spec: FeatureSpec) -> bytes | None:
    """The values of `facts_of_lines`' facts as the bytes of one row of doubles per line (what
    `linefast.score_document` takes), looked up and added alike, with no Python object per line; None when
    the spec's cache is not held in C."""
    if type(spec.cache) is dict:
        return None
    return spec.cache.packed(spec.compiled, texts, lines, keys, _limit(len(lines)))


def packed_lexical(texts: list[str], lines: list[int], keys: list[str],
                   spec: FeatureSpec) -> tuple[bytes, bytes] | None:
    """(`packed_facts`, the lines' lexical columns packed as `spec.lexicon_table.columns(keys,
    spec.lexical_features, packed=True)` gives them) in one lookup per line, the lexicon's values of a line held
    in the facts cache with its facts; None when the cache or the table is not compiled, or the spec has no
    lexical features or has hint features (the lexical columns then follow the hints in a row)."""
    if type(spec.cache) is dict or not spec.lexical_features or spec.hint_features:
        return None
    return spec.lexicon_table.held_with(spec.cache, spec.compiled, texts, lines, keys, _limit(len(lines)),
                                        spec.lexical_features)


# A packed row: the compiled side's line values in its order, without repeat_log (its last).
_PACKED_WIDTH = len(linefast.LINE_FEATURES) - 1
_PROSE_AT = linefast.LINE_FEATURES.index("prose")


def prose_flags(facts: Sequence[LineFacts] | bytes) -> list[bool]:
    """Whether each line is prose, of `facts_of_lines`' facts or of `packed_facts`' bytes."""
    if isinstance(facts, bytes):
        return [v != 0.0 for v in memoryview(facts).cast("d")[_PROSE_AT::_PACKED_WIDTH]]
    return [bool(f.prose) for f in facts]


def _sweep(cache: dict, limit: int) -> None:
    """Keep the lines looked up again since the last sweep (a page's own text goes, menus stay), all
    go when those fill half of `limit`. Facts do not depend on what is cached, nor do results."""
    kept = list(compress(cache.items(), map(itemgetter(1), cache.values())))
    cache.clear()
    for slot, entry in kept if len(kept) <= limit // 2 else ():
        entry[1] = False
        cache[slot] = entry
