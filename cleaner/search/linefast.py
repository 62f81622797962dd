"""The line model's per-line work compiled (`_linefast.c`), when the install built it: a speed-up that
never changes a result.

`cleaner/rules/features.py` and `line_facts.py` stay the reference: without a compiler the package
installs and cleans the same, only slower (`python -c "import cleaner.search.linefast as f;
print(f.AVAILABLE)"` says which runs). The compiled code knows the features the reference had when
it was written, listed here; `matches(...)` tells features.py whether its own catalogue is still that
one, and anything else (a feature added, renamed or moved) runs in Python. `tests/test_linefast.py`
checks both give the same floats, bit for bit, and `CLEANER_PURE_PYTHON=1` switches the compiled path
off.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

try:
    from cleaner.search import _linefast
except ImportError:  # no compiler at install time: the reference runs
    _linefast = None

AVAILABLE = _linefast is not None and not os.environ.get("CLEANER_PURE_PYTHON")
# Whether the build has `score_document` (an older build runs the line model's per-document Python)
SCORES = AVAILABLE and hasattr(_linefast, "score_document")
# a build that reads `b` of after_removed and before_removed (1: no landmark inside the prose, context_features.boxed)
LANDMARKS_APART = AVAILABLE and getattr(_linefast, "LANDMARKS_APART", 0) == 1

# What _linefast.c computes, in its order: a line's values, then repeat_log; the place features;
# the rule features; each row laid out as features._Rows.row lays it out.
LINE_FEATURES = ("chars_log", "words_log", "stop_share", "ends_sentence", "ends_colon", "title_share",
                 "upper_share", "digit_share", "list_marker", "link_like", "furniture_word", "prose",
                 "short", "indented", "repeat_log")
PLACE_FEATURES = ("position", "first", "last", "in_run", "before_run_log", "after_run_log", "density",
                  "furniture_near")
RULE_FEATURES = ("removed", "removed_near")
SECOND_FEATURES = ("p", "logit", "p_mean_1", "p_mean_3", "p_mean_10", "p_max_3", "p_min_3", "p_decay", "in_region",
                   "before_region_log", "after_region_log", "region_edge_log", "removed", "prose", "kept_mean_3",
                   "kept_decay", "kept_in_region", "kept_before_region_log",
                   "kept_after_region_log")  # rules/second_stage.NAMES
SECOND_CONSTANTS = (8.0, 0.7)  # its CLIP and DECAY
# The context features it computes (rules/context_features.plan): each as (code, a, b), the codes in
# this order; a window's `a` is its series, in this order, and `b` its radius; after_removed's and
# before_removed's `a` the pack's index among the model's packs (a build without `score_document`
# took a line there: context_features.plan then leaves the context features to Python).
CONTEXT_CODES = ("window", "prose_above", "prose_below", "before_prose", "after_prose", "after_removed",
                 "before_removed")
CONTEXT_SERIES = ("prose", "removed", "list", "short", "furniture", "chars")
CONSTANTS = {"bullets": frozenset("*+•·▪◦‣-–—►▸"), "closers": "\"'”’»)]*", "sentence_end": frozenset(".!?…"),
             "strip": ".,;:!?\"'()", "link_tokens": ("http", "www.", ".com", ".org", ".net", "@", "|", "»", "›", "→")}


def matches(line: Sequence[str], place: Sequence[str], rule: Sequence[str], constants: dict) -> bool:
    """Whether the reference's catalogue is the one the compiled code computes."""
    return AVAILABLE and (tuple(line), tuple(place), tuple(rule)) == (LINE_FEATURES, PLACE_FEATURES, RULE_FEATURES) \
        and constants == CONSTANTS


def second_matches(names: Sequence[str], clip: float, decay: float) -> bool:
    """Whether second_stage's catalogue and constants are the ones the compiled code computes."""
    return AVAILABLE and tuple(names) == SECOND_FEATURES and (clip, decay) == SECOND_CONSTANTS


def second_probabilities(first: list[float], codes: tuple[int, ...], weights: tuple[float, ...], bias: float,
                         removed: list[bool] | None = None, prose: list[bool] | None = None) -> list[float]:
    """second_stage.reference_probabilities, the features given by their indexes in SECOND_FEATURES, the
    lines' flags as lists of bools (None: all false)."""
    return _linefast.second_probabilities(first, codes, weights, bias, *SECOND_CONSTANTS, removed, prose)


def spec(stop_words: frozenset[str], furniture_words: Sequence[str], prose_min_words: int, prose_min_chars: int,
         short_chars: int) -> object:
    """The compiled side's copy of a FeatureSpec's parameters (furniture words lower-case, non-empty)."""
    return _linefast.Spec(frozenset(stop_words), tuple(furniture_words), CONSTANTS["link_tokens"],
                          prose_min_words, prose_min_chars, short_chars)


def facts(compiled_spec: object, text: str, key: str) -> tuple[tuple[float, ...], bool, bool, bool]:
    """(values, prose, short, furniture) of one line, as rules/line_facts.reference_facts computes them."""
    return _linefast.facts(compiled_spec, text, key)


def facts_cache(make: type) -> object | None:
    """An empty `_linefast.FactsCache`: line_facts' cache of line facts held in C (its `facts(spec, texts,
    lines, keys, limit)` is line_facts.facts_of of each line, as `make(values, prose, short, furniture)`,
    its `packed(...)` the same values as the bytes of rows of doubles, `items()` its entries as the dict
    would hold them); None when not compiled, or built before it existed."""
    if not AVAILABLE or not hasattr(_linefast, "FactsCache"):
        return None
    return _linefast.FactsCache(make)


def spans(text: str, starts: list[int], owners: list, others: dict, reasons: dict, manual: str, layout_pack: str,
          make: type) -> list | None:
    """engine/spans.spans of a document whose lines start at `starts`, each removal `make(...)` of its
    fields (None when not compiled, or built before it existed)."""
    if not AVAILABLE or not hasattr(_linefast, "spans"):
        return None
    return _linefast.spans(text, starts, owners, others, reasons, manual, layout_pack, make)


# decide.Removal's fields, in the order `records` reads them
REMOVAL_FIELDS = ("rule_id", "pack_id", "start", "end", "first_line", "last_line", "text", "evidence", "matched",
                  "reasons")


def records(removals: Sequence[tuple], fields: Sequence[str]) -> tuple[list[dict], dict] | None:
    """([r.to_dict() for r in removals], provenance.count_removals(removals)) of decide.Removal tuples whose
    `fields` are REMOVAL_FIELDS (None when they are not, or when not compiled or built before it existed)."""
    if not AVAILABLE or not hasattr(_linefast, "records") or tuple(fields) != REMOVAL_FIELDS:
        return None
    return _linefast.records(removals)


def match_ends(n_patterns: int) -> object | None:
    """A hyperscan match handler noting where each of `n_patterns` patterns' matches end (None when not
    compiled, or built before it existed). Its `lines(data, first)` gives, per pattern, the sorted
    distinct indices (plus `first`) of the lines of `data` (each ending in "\\n") those matches end on,
    as hyperscan_prefilter's Python handler finds them, and forgets the matches."""
    if not AVAILABLE or not hasattr(_linefast, "MatchEnds"):
        return None
    return _linefast.MatchEnds(n_patterns)


def lexicon(weights: dict, sum_cap: float, near: int, dense: int) -> object | None:
    """rules/lexicon.py's table `weights` hashed for `_linefast.Lexicon.columns(keys, codes, before,
    cache)` (lexicon.columns of stripped lines, each row after `before[k]`, the lines' values kept in
    `cache`), or None when not compiled, built before it existed, or a term is not a str or a weight
    not a float (the reference then runs)."""
    if not AVAILABLE or not hasattr(_linefast, "Lexicon") \
            or not all(type(k) is str and type(v) is float for k, v in weights.items()):
        return None
    return _linefast.Lexicon(weights, sum_cap, near, dense)


def window_mean(values: list, radius: int) -> list[float] | None:
    """windows.window_mean of a list of floats, or window_share of a list of bools; None when an item is
    neither."""
    return _linefast.window_mean(values, radius)


def probabilities(*columns: object) -> list[float]:
    """The model's probability of every row (see `_linefast.c`, `probabilities`)."""
    return _linefast.probabilities(*columns)


def explain(names: tuple[str, ...], top: int, ks: list[int], *columns: object) -> list[list[tuple[str, float]]]:
    """LinearModel.explain(row(k), top) of each row k in `ks`, the rows given as `probabilities` takes
    them (`top` >= 0)."""
    return [[(name, round(value, 3)) for name, value in parts] for parts in _linefast.explain(names, top, ks, *columns)]


def score_document(facts: list, keys: list[str], owners: list[str | None], packs: tuple[str, ...],
                   windows: tuple[int, int], weights: tuple[float, ...], bias: float, neighbours: tuple,
                   hints: list[tuple[float, ...]] | bytes | None, context_plan: tuple | None,
                   derived_plan: tuple | None,
                   constants: tuple[float, float], second: tuple | None) -> tuple:
    """A document's line model in one call (rules/features.scores): from its non-blank lines' facts, keys and
    owners (the pack that removed each, or None), with `packs`, the density and furniture windows, the
    model's weights and bias, the neighbour slots, hints (or their rows packed as doubles, the lexicon's
    `columns(..., packed=True)`) and plans as `probabilities` takes them, the second
    stage's (CLIP, DECAY) and its (codes, weights, bias) or None: (DOC_FEATURES values, SHAPE_FEATURES
    values, the probabilities the thresholds meet, the main run (first, last), the scored rows), whose
    `select(threshold, run_prose_threshold, region_threshold, min_stop_share, stop_at)` gives the rows
    to remove (`features.Scores.select`)."""
    return _linefast.score_document(facts, keys, owners, packs, *windows, weights, bias, neighbours, hints,
                                    context_plan, derived_plan, *constants, second)


def explain_scored(scored: object, names: tuple[str, ...], top: int, ks: list[int]) -> list[list[tuple[str, float]]]:
    """`explain` of rows ks of a document `score_document` scored (`top` >= 0)."""
    return [[(name, round(value, 3)) for name, value in parts] for parts in scored.explain(names, top, ks)]


# ---- the text kinds (rules/kinds/*.py keep their Python as the reference) ----

# What the compiled text kinds assume of their Python's constants (rules/kinds/prose_window.py and
# context.py compare theirs at import): any change runs the Python.
PROSE_WINDOW_CONSTANTS = {"bullets": "*+•·▪◦‣-", "closers": "\"'”’»)]*", "terminal": ".!?:;…"}
CONTEXT_CONSTANTS = {"item_marks": frozenset("*+•·▪◦‣-–"), "cut_off": ("...", "…", "[…]", "[...]")}

def prose_possible(keys: list[str], claimed: list, menu_chars: int) -> tuple[int, int] | None:
    """(lines claimed or shorter than `menu_chars`, non-blank lines) among a document's non-blank `keys`, as
    ProseWindowRule._may_show_furniture counts them (None when not compiled, or built before it existed)."""
    if not AVAILABLE or not hasattr(_linefast, "prose_possible"):
        return None
    return _linefast.prose_possible(keys, claimed, menu_chars)


def prose_window(texts: list[str], keys: list[str], claimed: list, stops: set[int], counts: dict,
                 ints: tuple[int, ...], floats: tuple[float, ...], flags: tuple[bool, ...]) -> list[int] | None:
    """The lines ProseWindowRule.find claims once `_may_show_furniture` said it may (`ints`, `floats` and
    `flags`: its options in the order `_linefast.c` lists them); None when not compiled, built before it
    existed, or where the reference raises (the caller then runs the reference)."""
    if not AVAILABLE or not hasattr(_linefast, "prose_window"):
        return None
    return _linefast.prose_window(texts, keys, claimed, stops, counts, ints, floats, flags)


def context_checks() -> tuple[Callable, Callable, Callable] | None:
    """(prose_near, prose_reached, is_sentence): rules/kinds/context.py's _prose_near and _prose_reached of a
    document's stripped lines and owners, and its is_sentence, compiled (None when not, or built before
    they existed). Each takes context's (SENTENCE_WORDS, ARTICLE_LINES, HEADLINE_SHARE) last."""
    if not AVAILABLE or not hasattr(_linefast, "prose_near"):
        return None
    return _linefast.prose_near, _linefast.prose_reached, _linefast.context_sentence

def distinct_owners(claimed: list) -> list | None:
    """The distinct items of `claimed` but None, by identity, in the order they first occur (None when not
    compiled, or built before it existed)."""
    if not AVAILABLE or not hasattr(_linefast, "distinct_owners"):
        return None
    return _linefast.distinct_owners(claimed)

def active_candidates(active: list[int], n_lines: int, hits: dict, ids: list[str]) -> dict | None:
    """engine/positions.reference_candidates: per id of `ids` in `hits`, its hit lines (indices out of `n_lines`)
    as positions among the `active` lines (None when not compiled, or built before it existed)."""
    if not AVAILABLE or not hasattr(_linefast, "active_candidates"):
        return None
    return _linefast.active_candidates(active, n_lines, hits, ids)
