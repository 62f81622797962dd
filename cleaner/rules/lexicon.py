"""Learned lexical features of each line, for the line model (`lexical_features` and `lexicon` in its
rule file).

The other features read a line's shape and place and a fixed list of furniture words; these read
which words it holds, by a table learned from labelled lines (`cleaner/authoring/line_lexicon.py`):
each term's smoothed log-odds of furniture against body, kept only when it occurs on many sites (so
that no one site's sentence becomes a weight). A line's terms are its lower-case tokens (runs of word
characters, and single other non-space characters such as `©` or `|`), its word bigrams (`a b`) and
its first two tokens (`^a b`: "posted in", "share on" at a line's head). Each name in
`lexical_features` adds one value per non-blank line:

- `lex_mean`: the mean weight of the line's unigrams and bigrams that the table holds (0: none);
- `lex_max`, `lex_min`: the largest and smallest of them (0: none);
- `lex_sum`: their sum (a naive-Bayes line score), clipped to ±`SUM_CAP`;
- `lex_lead`: the weight of the line's first two tokens as a lead term (0: not in the table);
- `lex_near`: the mean `lex_mean` within ±`NEAR` lines (the line itself included);
- `lex_dense`: the density of furniture terms within ±`DENSE` lines: the mean of max(0, `lex_max`)
  there (the line itself included). A line's mean reads its function words and punctuation, so a
  sentence-like appeal (`DONATE: If you value our work, please …`) reads as prose by its mean and
  its neighbours' means (`lex_near`); its strongest term does not.

No I/O. `columns` is the reference: a line costs one regex pass and a dict lookup per term; a rule's
`Table` computes the same floats in C when the install built it (`_linefast.Lexicon`: the terms found
by code point in a table hashed once, no string built).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from cleaner.rules.windows import window_mean
from cleaner.search import linefast

LEXICAL_FEATURES = ("lex_mean", "lex_max", "lex_min", "lex_sum", "lex_lead", "lex_near", "lex_dense")
SUM_CAP = 8.0
NEAR = 2
DENSE = 5
_TERM = re.compile(r"\w+|[^\w\s]")
_WORD = re.compile(r"\w+")


def check_names(names: Sequence[str]) -> None:
    """Raise ValueError naming any lexical feature not in the catalogue."""
    unknown = sorted(set(names) - set(LEXICAL_FEATURES))
    if unknown:
        raise ValueError(f"lexical_features: unknown feature(s) {unknown}")


def terms(key: str) -> tuple[list[str], str | None]:
    """A stripped line's unigram and bigram terms (bigrams of word tokens only), and its lead term
    (`^` and its first two tokens; None under two tokens)."""
    lower = key.lower()
    tokens = _TERM.findall(lower)
    words = _WORD.findall(lower)  # the word tokens among them, in order
    lead = f"^{tokens[0]} {tokens[1]}" if len(tokens) >= 2 else None
    tokens += map(" ".join, zip(words, words[1:], strict=False))
    return tokens, lead


def line_values(key: str, table: Mapping[str, float]) -> tuple[float, float, float, float, float]:
    """(lex_mean, lex_max, lex_min, lex_sum, lex_lead) of one stripped line."""
    body, lead = terms(key)
    found = [w for w in map(table.get, body) if w is not None]
    lead_weight = table.get(lead, 0.0) if lead else 0.0
    if not found:
        return 0.0, 0.0, 0.0, 0.0, lead_weight
    total = sum(found)
    return (total / len(found), max(found), min(found), max(-SUM_CAP, min(SUM_CAP, total)), lead_weight)


_CACHE_LIMIT = 20_000  # distinct lines remembered per table (a document's later passes, a site's menus)


def _full(cache: dict, keys: Sequence[str]) -> bool:
    """Whether `cache` is to be emptied before `keys` are looked up: it holds more than _CACHE_LIMIT lines
    beyond room for them. A document of more lines than the limit keeps its own for its later passes
    (emptied at every pass, a 10 MB page computed its lines' values again each time)."""
    return len(cache) > _CACHE_LIMIT + len(keys)


def columns(keys: Sequence[str], table: Mapping[str, float], names: Sequence[str],
            cache: dict | None = None) -> list[tuple[float, ...]]:
    """Per non-blank line (its stripped text in `keys`), the values of `names`, in that order; `cache`
    (key -> line_values, for this table only) spares a line seen before its terms."""
    if cache is None:
        per_line = [line_values(key, table) for key in keys]
    else:
        if _full(cache, keys):
            cache.clear()
        per_line = []
        for key in keys:
            values = cache.get(key)
            if values is None:
                values = cache[key] = line_values(key, table)
            per_line.append(values)
    windows = {}
    if "lex_near" in names:
        windows["lex_near"] = window_mean([v[0] for v in per_line], NEAR)
    if "lex_dense" in names:
        windows["lex_dense"] = window_mean([max(0.0, v[1]) for v in per_line], DENSE)
    at = {name: k for k, name in enumerate(LEXICAL_FEATURES[:5])}
    return [tuple(windows[name][k] if name in windows else values[at[name]] for name in names)
            for k, values in enumerate(per_line)]


class Table:
    """A rule's lexicon: its weights by term (hashed for the compiled `columns` when there is one), and
    the values of the lines it has scored (bounded; the compiled code's values as bytes)."""

    def __init__(self, pairs: Sequence[tuple[str, float]], compiled: bool = True) -> None:
        self.weights, self.cache = dict(pairs), {}
        self.compiled = linefast.lexicon(self.weights, SUM_CAP, NEAR, DENSE) if compiled else None

    def __reduce__(self) -> tuple:
        return Table, (tuple(self.weights.items()), self.compiled is not None)

    def held_with(self, cache: object, compiled_spec: object, texts: list[str], lines: list[int], keys: list[str],
                  limit: int, names: Sequence[str]) -> tuple[bytes, bytes] | None:
        """(`cache.packed(...)`'s facts of the lines, `columns(keys, names, packed=True)`) in one lookup per line,
        each line's values held in the facts cache with its facts (`_linefast.FactsCache`, `line_facts`'s
        compiled cache, `limit` its _CACHE_LIMIT): the same bytes; None when this table is not compiled."""
        if self.compiled is None:
            return None
        return cache.packed(compiled_spec, texts, lines, keys, limit, self.compiled,  # type: ignore[attr-defined]
                            tuple(map(LEXICAL_FEATURES.index, names)))

    def columns(self, keys: Sequence[str], names: Sequence[str], before: list[tuple[float, ...]] | None = None,
                packed: bool = False) -> list[tuple[float, ...]] | bytes:
        """`columns(keys, self.weights, names)`, each row after `before`'s (when given): in C when
        compiled (the same floats, tests/test_lexicon.py), else through the cache. `packed` (compiled
        only): the rows as the bytes of their doubles, as `linefast.score_document` takes its hints."""
        if self.compiled is not None:
            if _full(self.cache, keys):
                self.cache.clear()
            return self.compiled.columns(keys if type(keys) is list else list(keys),
                                         tuple(map(LEXICAL_FEATURES.index, names)), before, self.cache, packed)
        rows = columns(keys, self.weights, names, self.cache)
        return rows if before is None else [(*b, *r) for b, r in zip(before, rows, strict=True)]
