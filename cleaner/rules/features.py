"""Cheap features of each line of a document, for the line model (kind `line_model`).

Pure Python, no I/O, no numpy: a document's features cost one pass over its lines plus a few
sliding windows. `FeatureSpec` holds the parameters a rule file gives (stop words, furniture words,
window sizes, which packs' removals count as evidence, which features the neighbours contribute);
`Features.rows` is one vector per non-blank line, in the order of `spec.names`.

The catalogue (every value is a float; shares are in 0..1, `*_log` are log(1 + n)):

- the line itself: `chars_log`, `words_log`, `stop_share` (stop words among its words),
  `ends_sentence` (., !, ?, … possibly before a closing quote or bracket), `ends_colon`,
  `title_share` (words starting with a capital), `upper_share` (capitals among letters),
  `digit_share` (digits among characters), `list_marker` (starts with a bullet), `link_like`
  (URL-like tokens, `|` and `»` separators), `furniture_word` (holds one of the furniture words),
  `prose` (a sentence of `prose_min_words` words and `prose_min_chars` characters), `short`
  (under `short_chars` characters), `indented`, `repeat_log` (other copies in the document);
- its place: `position` (0 first line .. 1 last), `first`, `last`, `in_run` (inside the main run
  of prose: the best-scoring stretch where prose counts +1 and other lines -0.5), `before_run_log`
  and `after_run_log` (distance to that run, in lines), `density` (share of prose lines within
  ±`density_window` lines), `furniture_near` (share of lines within ±`furniture_window` holding a
  furniture word);
- what the rules said: `removed` (another rule removed it), `removed_<pack>` for each pack in
  `packs`, `removed_near` (share of the two lines each side removed);
- the document: `doc_lines_log`, `doc_prose_share`, `doc_short_share` (a whole page shows many short
  lines, an extract few), `doc_removed_share` (lines the rules removed: a whole page shows furniture
  they recognise, an extract or a clean body little or none), `doc_lead_log` (the lines before the
  first prose line: a page's navigation; an extract opens with its headline and first paragraph);
- the page's shape, not line features: the document features and `PAGE_FEATURES`, which a model's
  regime classifier (`page_weights`) reads to tell a whole page from an extract: the lines after the
  last prose line (`doc_tail_log`: a page's footer), short non-prose lines, furniture words and lines
  the rules removed among the first and last `windows.EDGE_LINES` lines (a page opens with its navigation and
  ends with its footer), and over all lines the shares of link-like tokens, furniture words,
  title-case words, list items, repeated lines and the main run of prose (`Features.page`);
- the neighbours: `prev_<name>` and `next_<name>` for each name in `neighbour_features` (the nearest
  non-blank line; 0 past the ends);
- wider context, each name in `context_features` (windows, prose above and below, landmarks: `context_features.py`);
- derived columns, each name in `derived_features`: hinges (`NAME>KNOT`, `NAME<KNOT`) and products (`A*B`)
  of the features above, so a linear model can bend (`derived.py`);
- HTML input only, from `hints` (what the page says about a line, see `cleaner/io/html_lines.py`):
  each name in `hint_features`, 0 when the page says nothing about that line (hints are keyed by
  `hint_key`: the line's text without its list marker, table bars and whitespace);
- each name in `lexical_features` (`lexicon.py`: the terms' weights in `lexicon`), after the hints.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import compress
from operator import attrgetter, gt, itemgetter

from cleaner.rules import compiled_rows, context_features, derived, lexicon, line_facts
from cleaner.rules.line_facts import CONSTANTS, facts_of_lines, log
from cleaner.rules.line_hints import hint_key as hint_key  # (html_lines reads it here)
from cleaner.rules.line_hints import hint_values
from cleaner.rules.linear import LinearModel
from cleaner.rules.windows import SHAPE_FEATURES, main_run, shape_values, window_share
from cleaner.search import linefast
from cleaner.search.any_word import AnyWord

LINE_FEATURES = ("chars_log", "words_log", "stop_share", "ends_sentence", "ends_colon", "title_share",
                 "upper_share", "digit_share", "list_marker", "link_like", "furniture_word", "prose",
                 "short", "indented", "repeat_log")
PLACE_FEATURES = ("position", "first", "last", "in_run", "before_run_log", "after_run_log", "density",
                  "furniture_near")
RULE_FEATURES = ("removed", "removed_near")
DOC_FEATURES = ("doc_lines_log", "doc_prose_share", "doc_short_share", "doc_removed_share", "doc_lead_log")
PAGE_FEATURES = (*DOC_FEATURES, *SHAPE_FEATURES)  # what the regime classifier reads
_LIST_AT, _CHARS_AT = LINE_FEATURES.index("list_marker"), LINE_FEATURES.index("chars_log")
_ONCE = (log(0),)  # repeat_log of a line the document shows once, most lines: shared, not computed per line


@dataclass(frozen=True)
class FeatureSpec:
    """The parameters of the feature extractor, as a rule file gives them."""

    stop_words: frozenset[str] = frozenset()
    furniture_words: tuple[str, ...] = ()
    packs: tuple[str, ...] = ()
    neighbour_features: tuple[str, ...] = ()
    hint_features: tuple[str, ...] = ()
    context_features: tuple[str, ...] = ()  # see context_features.py
    landmarks_apart: bool = False  # see context_features.py
    derived_features: tuple[str, ...] = ()  # see derived.py: hinges and products of the columns above
    lexical_features: tuple[str, ...] = ()  # see lexicon.py
    lexicon: tuple[tuple[str, float], ...] = ()  # (term, weight) pairs: lexicon.py's table
    prose_min_words: int = 8
    prose_min_chars: int = 60
    short_chars: int = 40
    density_window: int = 15
    furniture_window: int = 5
    use_compiled: bool = field(default=True, compare=False)  # False: the pure-Python reference, always
    names: tuple[str, ...] = field(init=False)
    derived_plan: tuple[tuple[int, int, int, float], ...] = field(init=False, compare=False, repr=False)
    furniture_search: AnyWord | None = field(init=False, compare=False, repr=False)
    lexicon_table: lexicon.Table = field(init=False, compare=False, repr=False, hash=False)
    cache: dict | object = field(init=False, compare=False, repr=False, hash=False)  # line_facts.new_cache
    compiled: object | None = field(init=False, compare=False, repr=False, hash=False)  # search/linefast's spec
    context_plan: tuple | None = field(init=False, compare=False, repr=False)  # context_features.plan's
    neighbour_slots: tuple[tuple[int, int], ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        words = sorted({w.lower() for w in self.furniture_words if w}, key=len, reverse=True)
        object.__setattr__(self, "furniture_search", AnyWord(words) if words else None)
        fast = self.use_compiled and linefast.matches(LINE_FEATURES, PLACE_FEATURES, RULE_FEATURES, CONSTANTS)
        object.__setattr__(self, "compiled", linefast.spec(self.stop_words, words, self.prose_min_words,
                                                           self.prose_min_chars, self.short_chars) if fast else None)
        object.__setattr__(self, "cache", line_facts.new_cache(self.compiled))
        unknown = set(self.neighbour_features) - set(LINE_FEATURES) - set(RULE_FEATURES)
        if unknown:
            raise ValueError(f"neighbour_features: unknown feature(s) {sorted(unknown)}")
        context_features.check_names(self.context_features, self.packs)
        plan = context_features.plan(self.context_features, self.packs, self.landmarks_apart)
        object.__setattr__(self, "context_plan", plan if self.context_features else None)
        object.__setattr__(self, "neighbour_slots", tuple(map(_neighbour_slot, self.neighbour_features)))
        lexicon.check_names(self.lexical_features)
        object.__setattr__(self, "lexicon_table", lexicon.Table(self.lexicon, self.use_compiled))
        names = (*LINE_FEATURES, *PLACE_FEATURES, *RULE_FEATURES, *(f"removed_{p}" for p in self.packs),
                 *DOC_FEATURES, *(f"prev_{n}" for n in self.neighbour_features),
                 *(f"next_{n}" for n in self.neighbour_features), *self.hint_features, *self.lexical_features,
                 *self.context_features)
        object.__setattr__(self, "derived_plan", derived.plan(self.derived_features, names))
        object.__setattr__(self, "names", (*names, *self.derived_features))


@dataclass(frozen=True)
class Features:
    """Feature vectors of a document's non-blank lines: row k is line `lines[k]`'s.

    Rows are built on demand (`row`, `iter_rows`), one at a time: a list of 50-odd floats per line,
    all kept at once, made the model most of the memory a large document takes.
    """

    lines: list[int]
    doc: tuple[float, ...]  # the DOC_FEATURES values
    row: Callable[[int], list[float]] = field(repr=False, compare=False)
    shape: Callable[[], tuple[float, ...]] = field(repr=False, compare=False)  # the SHAPE_FEATURES values
    # probabilities(model)[k]: model.probability(row(k)), all rows at once when compiled, else on demand
    probabilities: Callable[[LinearModel], Sequence[float]] = field(repr=False, compare=False)
    # run_prose(k): row k is a prose line inside the main run of prose (one of the article's own paragraphs)
    run_prose: Callable[[int], bool] = field(default=lambda k: False, repr=False, compare=False)
    # explain(model, ks, top)[j]: model.explain(row(ks[j]), top), all at once when compiled
    explain: Callable[[LinearModel, list[int], int], list[list[tuple[str, float]]]] = field(
        default=lambda model, ks, top: [], repr=False, compare=False)
    # prose(): whether each row is a prose line
    prose: Callable[[], list[bool]] = field(default=lambda: [], repr=False, compare=False)

    @property
    def page(self) -> tuple[float, ...]:
        """The PAGE_FEATURES values (computed on demand: only a regime classifier needs them)."""
        return (*self.doc, *self.shape())

    @property
    def rows(self) -> list[list[float]]:
        """Every row at once (training and tests; cleaning iterates)."""
        return list(self.iter_rows())

    def iter_rows(self) -> Iterator[list[float]]:
        return map(self.row, range(len(self.lines)))


def extract(texts: Sequence[str], removed_by: Sequence[str | None], spec: FeatureSpec,
            hints: Mapping[str, Mapping[str, float]] | None = None) -> Features:
    """Features of every non-blank line of a document.

    `texts` are the lines (without terminators); `removed_by[i]` is the pack id of the rule that
    removed line i so far (None: kept); `hints` maps a stripped line text to what the page says about
    it (HTML input only).
    """
    stripped = list(map(str.strip, texts))
    lines = list(compress(range(len(stripped)), stripped))  # the non-blank lines
    if not lines:
        return Features([], (0.0,) * len(DOC_FEATURES), lambda k: [], lambda: (0.0,) * len(SHAPE_FEATURES),
                        lambda model: [])
    rows = _Rows(texts, lines, list(filter(None, stripped)), list(compress(removed_by, stripped)), spec, hints)
    return Features(lines, rows.doc, rows.row, rows.shape, rows.probabilities, rows.run_prose, rows.explain,
                    lambda: [bool(f.prose) for f in rows.facts])


class _Rows:
    """What a document's rows are built from: per non-blank line k, its facts, whether a rule removed
    it, its window shares; and the document's own features. `row(k)` builds row k."""

    def __init__(self, texts: Sequence[str], lines: list[int], keys: list[str], owners: list[str | None],
                 spec: FeatureSpec, hints: Mapping[str, Mapping[str, float]] | None) -> None:
        """`keys`: the stripped texts of `lines`, the non-blank lines; `owners`: the pack that removed each."""
        self.keys, self.owners = keys, owners
        self.n = n = len(lines)
        self.spec, self.hints = spec, hints
        self.facts = facts = facts_of_lines(texts, lines, keys, spec)
        prose = list(map(attrgetter("prose"), facts))
        self.removed = [owner is not None for owner in owners]
        self.density = window_share(prose, spec.density_window)
        self.furniture_near = window_share(list(map(attrgetter("furniture"), facts)), spec.furniture_window)
        self.removed_near = window_share(self.removed, 2)
        self.run_first, self.run_last = main_run(prose)
        lead = prose.index(True) if True in prose else n  # lines before the first prose line
        short_not_prose = sum(map(gt, map(attrgetter("short"), facts), prose))  # short > prose: short, not prose
        self.doc = (log(n), sum(prose) / n, short_not_prose / n, sum(self.removed) / n, log(lead))
        self.repeats = {key: _ONCE if count == 1 else (log(count - 1),) for key, count in Counter(keys).items()}
        self.neighbour_index = spec.neighbour_slots
        # the compiled code computes the context features itself from the facts (`context` then waits
        # until a row is asked for: training, the reference)
        self.context_plan = spec.context_plan if spec.compiled is not None else None
        self._compiled_for: tuple[LinearModel, tuple] | None = None  # (model, its `_columns`)

    @cached_property
    def context(self) -> list[tuple[float, ...]] | None:
        """Each row's context features (`context_features.columns`), None without any."""
        spec = self.spec
        columns = context_features.columns(spec.context_features, self._series, self.owners, spec.landmarks_apart)
        return list(zip(*columns, strict=True)) if columns else None

    @cached_property
    def lexical(self) -> list[tuple[float, ...]]:  # each row's lexical features
        return self.spec.lexicon_table.columns(self.keys, self.spec.lexical_features)

    def _series(self, kind: str) -> list:
        """A per-line series the context features are computed from (see context_features.columns)."""
        if kind == "removed":
            return self.removed
        if kind in ("prose", "short", "furniture"):
            return list(map(bool, map(attrgetter(kind), self.facts)))
        values = map(attrgetter("values"), self.facts)
        if kind == "list":
            return [v[_LIST_AT] > 0 for v in values]
        return list(map(itemgetter(_CHARS_AT), values))

    def shape(self) -> tuple[float, ...]:
        """The SHAPE_FEATURES values."""
        at = [LINE_FEATURES.index(name) for name in ("link_like", "title_share", "list_marker")]
        return shape_values(self.facts, self.removed, [self.repeats[key][0] > 0 for key in self.keys],
                            (self.run_first, self.run_last), at)

    def base(self, k: int) -> tuple | None:
        """Line k's own features and its rule features (None past either end)."""
        if not 0 <= k < self.n:
            return None
        return self.facts[k].values + self.repeats[self.keys[k]], (float(self.removed[k]), self.removed_near[k])

    def row(self, k: int) -> list[float]:
        n, run_first, run_last, spec = self.n, self.run_first, self.run_last, self.spec
        values, rule_part = self.base(k)
        owner = self.owners[k]
        place = (
            k / (n - 1) if n > 1 else 0.0,
            float(k == 0),
            float(k == n - 1),
            float(run_first <= k <= run_last),
            log(run_first - k) if k < run_first else 0.0,
            log(k - run_last) if k > run_last >= 0 else 0.0,
            self.density[k],
            self.furniture_near[k],
        )
        out = [*values, *place, *rule_part, *(float(owner == p) for p in spec.packs), *self.doc]
        for other in (self.base(k - 1), self.base(k + 1)):
            out += [_slot(other, slot) for slot in self.neighbour_index]
        if spec.hint_features:
            out += hint_values(self.hints, self.keys[k], spec.hint_features)
        if spec.lexical_features:
            out += self.lexical[k]
        if self.context is not None:
            out += self.context[k]
        if spec.derived_plan:
            out += derived.values(spec.derived_plan, out)
        return out

    def run_prose(self, k: int) -> bool:
        return bool(self.facts[k].prose) and self.run_first <= k <= self.run_last

    def probabilities(self, model: LinearModel) -> Sequence[float]:
        """`model.probability(self.row(k))` for each row k: computed at once by the compiled code, or
        row by row when asked for (the reference)."""
        if self.spec.compiled is None:
            return compiled_rows.OnDemand(lambda k: model.probability(self.row(k)))
        return linefast.probabilities(*self._columns(model))

    def explain(self, model: LinearModel, ks: list[int], top: int) -> list[list[tuple[str, float]]]:
        """`model.explain(self.row(k), top)` for each row k of `ks`: in one C call when compiled."""
        if self.spec.compiled is None or not ks:
            return [model.explain(self.row(k), top) for k in ks]
        return linefast.explain(model.names, max(0, top), ks, *self._columns(model))

    def _columns(self, model: LinearModel) -> tuple:
        """The rows as the compiled code takes them (`compiled_rows.columns`), built once per model."""
        if self._compiled_for is None or self._compiled_for[0] is not model:
            self._compiled_for = (model, compiled_rows.columns(self, model))
        return self._compiled_for[1]


def _neighbour_slot(name: str) -> tuple[int, int]:
    if name in LINE_FEATURES:
        return 0, LINE_FEATURES.index(name)
    return 1, RULE_FEATURES.index(name)


def _slot(base: tuple | None, slot: tuple[int, int]) -> float:
    return 0.0 if base is None else base[slot[0]][slot[1]]
