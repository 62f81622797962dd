"""A document's rows as the compiled line model takes them (`search/linefast.probabilities` and
`explain`), and the reference's rows computed on demand: the two ways `features._Rows` gives the
model's probabilities. No I/O."""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter
from typing import Any

from cleaner.rules.line_hints import hint_values
from cleaner.rules.linear import LinearModel


def columns(rows: Any, model: LinearModel) -> tuple:
    """The arguments of `linefast.probabilities` for `rows` (a `features._Rows`) and `model`: each row
    laid out as `rows.row` lays it out (its hints and lexical features passed as one tail), its context
    features from `rows.context_plan` when there is one, then
    its derived columns (`spec.derived_plan`)."""
    spec = rows.spec
    flags = {owner: tuple(float(owner == p) for p in spec.packs) for owner in set(rows.owners)}
    repeat = list(map(itemgetter(0), map(rows.repeats.__getitem__, rows.keys)))  # each row's repeat_log
    # the row's tail after the neighbours: its hints, then its context features (as `row` lays it out)
    hints = [tuple(hint_values(rows.hints, key, spec.hint_features)) for key in rows.keys] \
        if spec.hint_features else None
    if spec.lexical_features:  # the lexical features follow the hints
        hints = rows.lexical if hints is None else [(*h, *x) for h, x in zip(hints, rows.lexical, strict=True)]
    if rows.context_plan is None and rows.context is not None:
        hints = rows.context if hints is None else [(*h, *c) for h, c in zip(hints, rows.context, strict=True)]
    return (model.weights, model.bias, rows.facts, repeat, rows.removed, rows.removed_near, rows.density,
            rows.furniture_near, rows.run_first, rows.run_last, list(map(flags.__getitem__, rows.owners)),
            rows.doc, tuple(rows.neighbour_index), hints, rows.context_plan, spec.derived_plan or None)


class OnDemand:
    """A sequence whose item k is computed when read (the reference's probabilities, row by row)."""

    def __init__(self, item: Callable[[int], float]) -> None:
        self._item = item

    def __getitem__(self, k: int) -> float:
        return self._item(k)
