"""A document's line-model scores (`scores`): what `LineModelRule.find` decides from, the rows of
`features.py` scored by the first model (`linear.py`) and the second stage (`second_stage.py`), the rows
to remove by the thresholds and shields (`Scores.select`), and the reasons (`Scores.explain`).

`reference_scores` computes them in Python from `features.extract`; when the install built the compiled
code, `scores` computes them in one call per document (`search/linefast.score_document`: the rows, both
stages, the main run, the body region and the document's values), the same floats bit for bit
(tests/test_linefast.py). No I/O.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import compress, repeat
from operator import is_not

from cleaner.rules import line_facts, second_stage
from cleaner.rules.features import LINE_FEATURES, Features, FeatureSpec, extract
from cleaner.rules.line_facts import facts_of_lines, packed_facts, prose_flags
from cleaner.rules.line_hints import hint_values
from cleaner.rules.linear import LinearModel
from cleaner.search import linefast


@dataclass(frozen=True)
class Scores:
    """A document's line-model scores: what `LineModelRule.find` decides from (`scores`)."""

    features: Features  # the rows: their lines, the document's values (the regime reads them)
    probabilities: Sequence[float]  # per row, the probability the thresholds meet (the second stage's, if any)
    removed: list[bool]  # per row, whether a rule removed its line
    # select(threshold, run_prose_threshold, region_threshold, min_stop_share): the rows to remove among those
    # no rule removed (`select`)
    select: Callable[[float, float, float, float], list[int]] = field(repr=False, compare=False)
    # explain(ks, top)[j]: the first model's `explain(row(ks[j]), top)`
    explain: Callable[[list[int], int], list[list[tuple[str, float]]]] = field(repr=False, compare=False)


_STOP_AT = LINE_FEATURES.index("stop_share")


def scores(texts: Sequence[str], removed_by: Sequence[str | None], spec: FeatureSpec, model: LinearModel,
           second: LinearModel | None = None, hints: Mapping[str, Mapping[str, float]] | None = None,
           stripped: list[str] | None = None) -> Scores:
    """A document's rows (`extract`'s arguments; `stripped`: the texts stripped, when known) scored by
    `model`, and with `second` by the second stage over its probabilities (`second_stage.probabilities`):
    in one C call when compiled (`linefast.score_document`), else by the reference, `reference_scores`."""
    stripped = list(map(str.strip, texts)) if stripped is None else stripped
    lines = list(compress(range(len(stripped)), stripped))
    if lines and _compiles(spec, second):
        return _compiled_scores(texts, removed_by, lines, list(filter(None, stripped)),
                                list(compress(removed_by, stripped)), spec, model, second, hints)
    return reference_scores(extract(texts, removed_by, spec, hints), [o is not None for o in removed_by], model,
                            second)


def _compiles(spec: FeatureSpec, second: LinearModel | None) -> bool:
    """Whether `linefast.score_document` computes the scores of `spec`'s rows and of `second`."""
    return spec.compiled is not None and linefast.SCORES \
        and (spec.context_plan is not None or not spec.context_features) \
        and (second is None or linefast.second_matches(second_stage.NAMES, second_stage.CLIP, second_stage.DECAY))


def reference_scores(features: Features, gone: Sequence[bool], model: LinearModel,
                     second: LinearModel | None = None) -> Scores:
    """`scores` of `features` in Python (with the compiled pieces `extract` may use): the reference.
    `gone[i]`: a rule removed line i."""
    probabilities = features.probabilities(model)
    removed = [gone[i] for i in features.lines]
    first = [probabilities[k] for k in range(len(features.lines))]
    if second is not None:
        probabilities = second_stage.probabilities(second.bias, second.weights, second.names, first,
                                                   removed=removed, prose=features.prose())

    def select(threshold: float, run_prose_threshold: float, region_threshold: float,
               min_stop_share: float) -> list[int]:
        if threshold > 1:
            return []
        region = second_stage.kept_region(first, removed) if region_threshold > threshold else ()
        out = []
        for k, gone in enumerate(removed):
            p = None if gone else probabilities[k]
            if p is None or not p >= threshold:
                continue
            if (p >= run_prose_threshold or not features.run_prose(k)) and (
                    not region or p >= region_threshold or not region[k]
                    or not (min_stop_share <= 0 or features.row(k)[_STOP_AT] >= min_stop_share)):
                out.append(k)
        return out

    return Scores(features, probabilities, removed, select, lambda ks, top: features.explain(model, ks, top))


def _line_values(texts: Sequence[str], lines: list[int], keys: list[str], spec: FeatureSpec,
                 hints: Mapping[str, Mapping[str, float]] | None) -> tuple[list | bytes, list | bytes | None]:
    """What `linefast.score_document` takes of the lines: their facts and their hint and lexical columns (None:
    none), in one lookup per line of the compiled facts cache when it holds both (`line_facts.packed_lexical`)."""
    both = line_facts.packed_lexical(texts, lines, keys, spec)  # type: ignore[arg-type]
    if both is not None:
        return both
    facts = packed_facts(texts, lines, keys, spec) or facts_of_lines(texts, lines, keys, spec)
    hint_rows = [tuple(hint_values(hints, key, spec.hint_features)) for key in keys] if spec.hint_features else None
    if spec.lexical_features:  # they follow the hints in a row (features.py)
        hint_rows = spec.lexicon_table.columns(keys, spec.lexical_features, hint_rows, packed=True)
    return facts, hint_rows


def _compiled_scores(texts: Sequence[str], removed_by: Sequence[str | None], lines: list[int], keys: list[str],
                     owners: list[str | None], spec: FeatureSpec, model: LinearModel, second: LinearModel | None,
                     hints: Mapping[str, Mapping[str, float]] | None) -> Scores:
    """`scores` in one C call (`linefast.score_document`) of the non-blank `lines`, their `keys` (stripped
    texts) and `owners`; the Features' rows are `extract`'s, built when asked for (cleaning does not ask)."""
    facts, hint_rows = _line_values(texts, lines, keys, spec, hints)
    second_args = None if second is None else (tuple(map(second_stage.NAMES.index, second.names)),
                                               tuple(second.weights), second.bias)
    doc, shape, probabilities, (run_first, run_last), scored = linefast.score_document(
        facts, keys, owners, spec.packs, (spec.density_window, spec.furniture_window), model.weights, model.bias,
        spec.neighbour_slots, hint_rows, spec.context_plan, spec.derived_plan or None,
        (second_stage.CLIP, second_stage.DECAY), second_args)
    rows = cache(lambda: extract(texts, removed_by, spec, hints))
    prose = cache(lambda: prose_flags(facts))
    features = Features(lines, doc, lambda k: rows().row(k), lambda: shape, lambda m: rows().probabilities(m),
                        lambda k: prose()[k] and run_first <= k <= run_last,
                        lambda m, ks, top: rows().explain(m, ks, top), lambda: list(prose()))
    return Scores(features, probabilities, list(map(is_not, owners, repeat(None))),
                  lambda *thresholds: scored.select(*thresholds, _STOP_AT),
                  lambda ks, top: linefast.explain_scored(scored, model.names, max(0, top), ks) if ks else [])
