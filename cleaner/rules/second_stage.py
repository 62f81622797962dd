"""The line model's second stage: features of each line from the first model's probabilities around it.

The first model (`features.py`, `context_features.py`) judges each line from its own shape and a few
windows of flags. Its probabilities are themselves evidence about the neighbours: furniture comes in
regions, and a body line the first model doubts sits among lines it trusts. The second stage is a
logistic model over these values (`second_features` in the rule file; all in 0..1 unless `_log`):

- `p`: the line's own first-stage probability of furniture; `logit`: its log-odds, clipped to ±`CLIP`;
- `p_mean_1`, `p_mean_3`, `p_mean_10`: the mean probability within ±1, ±3 and ±10 non-blank lines
  (the line included);
- `p_max_3`, `p_min_3`: the highest and lowest probability within ±3 (the line included);
- `p_decay`: the mean weighted by `DECAY` to the power of the distance (over the whole document);
- `in_region`: the line lies in the document's best body region, the stretch of lines with the most
  body log-odds in all (maximum subarray of the first stage's clipped log-odds of body, one pass);
- `before_region_log`, `after_region_log`: log(1 + the lines between it and that region), outside it;
- `region_edge_log`: inside the region, log(1 + the lines to its nearer edge);
- `removed`, `prose`: the line's own flags, a rule removed it, it is a prose line (features.py);
- `kept_mean_3`, `kept_decay`, `kept_in_region`, `kept_before_region_log`, `kept_after_region_log`: the
  same as `p_mean_3`, `p_decay` and the region columns, over the lines no rule removed only, as if the
  rules' removals were already gone (what a second cleaning of the output sees). A block the rules
  removed inside an article (a sign-up box between two paragraphs) then does not make the paragraphs
  after it look like a page's tail. A removed line takes its own `p` for the two means and 0 for the
  region columns.

A few passes over one float per non-blank line, linear in the lines (the window extremes cost their
width). `reference_probabilities` is the reference in Python; `probabilities` runs the compiled copy
(`cleaner/search/_linefast.c`) when the install built it, the same floats bit for bit
(tests/test_linefast.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from cleaner.rules.windows import best_region, window_mean
from cleaner.search import linefast

CLIP = 8.0  # log-odds beyond this say nothing more (a probability of 0.9997)
DECAY = 0.7  # `p_decay`: a line's weight falls by this factor per line of distance


def _logit(p: float) -> float:
    if p <= 0.0:
        return -CLIP
    if p >= 1.0:
        return CLIP
    return max(-CLIP, min(CLIP, math.log(p / (1.0 - p))))


def _window_extreme(values: Sequence[float], radius: int, pick: Callable) -> list[float]:
    n = len(values)
    return [pick(values[max(0, k - radius):k + radius + 1]) for k in range(n)]


def _decayed_mean(values: Sequence[float]) -> list[float]:
    """For each position k, sum(DECAY**|k-j| * values[j]) / sum(DECAY**|k-j|): a forward and a backward pass."""
    n = len(values)
    ahead_sum, ahead_weight = [0.0] * n, [0.0] * n  # over j <= k
    s = w = 0.0
    for k, v in enumerate(values):
        s, w = s * DECAY + v, w * DECAY + 1.0
        ahead_sum[k], ahead_weight[k] = s, w
    out = [0.0] * n
    s = w = 0.0
    for k in range(n - 1, -1, -1):
        # over j > k, then add the side j <= k
        out[k] = (ahead_sum[k] + s) / (ahead_weight[k] + w)
        s, w = (s + values[k]) * DECAY, (w + 1.0) * DECAY
    return out


def _region_columns(n: int, span: tuple[int, int]) -> dict[str, list[float]]:
    """The REGION columns of `n` lines whose best body region is `span` (`best_region`'s answer)."""
    first, last = span
    log1p = math.log1p
    return {
        "in_region": [float(first <= k <= last) for k in range(n)],
        "before_region_log": [log1p(first - k) if k < first else 0.0 for k in range(n)],
        "after_region_log": [log1p(k - last) if k > last >= 0 else 0.0 for k in range(n)],
        "region_edge_log": [log1p(min(k - first, last - k)) if first <= k <= last else 0.0 for k in range(n)],
    }


COLUMNS: dict[str, Callable[[list[float], list[float]], list[float]]] = {
    "p": lambda p, z: p,
    "logit": lambda p, z: z,
    "p_mean_1": lambda p, z: window_mean(p, 1),
    "p_mean_3": lambda p, z: window_mean(p, 3),
    "p_mean_10": lambda p, z: window_mean(p, 10),
    "p_max_3": lambda p, z: _window_extreme(p, 3, max),
    "p_min_3": lambda p, z: _window_extreme(p, 3, min),
    "p_decay": lambda p, z: _decayed_mean(p),
}
REGION = ("in_region", "before_region_log", "after_region_log", "region_edge_log")
# The line's own flags, and the same windows over the lines no rule removed
FLAGS = ("removed", "prose")
KEPT = ("kept_mean_3", "kept_decay", "kept_in_region", "kept_before_region_log", "kept_after_region_log")
NAMES = (*COLUMNS, *REGION, *FLAGS, *KEPT)


def check_names(names: Sequence[str]) -> None:
    """Raise ValueError naming any second-stage feature that is not in the catalogue."""
    unknown = sorted(set(names) - set(NAMES))
    if unknown:
        raise ValueError(f"second_features: unknown feature(s) {unknown}")


def _kept_columns(p: list[float], removed: Sequence[bool]) -> dict[str, list[float]]:
    """The KEPT columns: computed over the lines `removed` leaves, then spread back to every line."""
    kept, span = _kept_span(p, removed)
    sub = [p[k] for k in kept]
    region = _region_columns(len(kept), span)
    values = {"kept_mean_3": window_mean(sub, 3) if sub else [], "kept_decay": _decayed_mean(sub),
              **{f"kept_{name}": region[name] for name in ("in_region", "before_region_log", "after_region_log")}}
    out = {}
    for name, column in values.items():
        full = list(p) if name in ("kept_mean_3", "kept_decay") else [0.0] * len(p)
        for k, v in zip(kept, column, strict=True):
            full[k] = v
        out[name] = full
    return out


def _kept_span(probabilities: Sequence[float], removed: Sequence[bool]) -> tuple[list[int], tuple[int, int]]:
    """The indices of the lines no rule removed, and their best body region among them (`best_region`
    over their first-stage log-odds of body): what the KEPT columns and `kept_region` both stand on."""
    kept = [k for k, r in enumerate(removed) if not r]
    return kept, best_region([-_logit(probabilities[k]) for k in kept])


def kept_region(probabilities: Sequence[float], removed: Sequence[bool]) -> list[bool]:
    """Whether each line lies in the best body region of the lines no rule removed (`kept_in_region`),
    by the first stage's `probabilities`."""
    kept, (first, last) = _kept_span(probabilities, removed)
    inside = [False] * len(removed)
    for k in kept[first:last + 1] if first >= 0 else ():
        inside[k] = True
    return inside


def columns(names: Sequence[str], probabilities: Sequence[float], removed: Sequence[bool] | None = None,
            prose: Sequence[bool] | None = None) -> list[list[float]]:
    """One column per name (a value per line) from the first stage's `probabilities`, in order;
    `removed` and `prose` are the lines' flags (default: none removed, none prose)."""
    p = list(probabilities)
    z = [_logit(x) for x in p]
    region = _region_columns(len(z), best_region([-v for v in z])) if any(name in REGION for name in names) else {}
    removed = list(removed) if removed is not None else [False] * len(p)
    if any(name in KEPT for name in names):
        region.update(_kept_columns(p, removed))
    region["removed"] = [float(r) for r in removed]
    region["prose"] = [float(x) for x in prose] if prose is not None else [0.0] * len(p)
    return [region[name] if name in region else COLUMNS[name](p, z) for name in names]


def probabilities(bias: float, weights: Sequence[float], names: Sequence[str], first: list[float],
                  use_compiled: bool = True, removed: Sequence[bool] | None = None,
                  prose: Sequence[bool] | None = None) -> list[float]:
    """The second stage's probability of furniture per line: sigmoid(bias + sum of weight x value)
    over `names`' columns of the first stage's probabilities `first` and the lines' flags (computed in
    C when built)."""
    if use_compiled and linefast.second_matches(NAMES, CLIP, DECAY):
        return linefast.second_probabilities(first, tuple(map(NAMES.index, names)), tuple(weights), bias,
                                             None if removed is None else list(removed),
                                             None if prose is None else list(prose))
    return reference_probabilities(bias, weights, names, first, removed, prose)


def reference_probabilities(bias: float, weights: Sequence[float], names: Sequence[str],
                            first: Sequence[float], removed: Sequence[bool] | None = None,
                            prose: Sequence[bool] | None = None) -> list[float]:
    """`probabilities` in Python: the reference. Columns of zero weight are left out."""
    z = [bias] * len(first)
    for weight, column in zip(weights, columns(names, first, removed, prose), strict=True):
        if weight:
            z = [a + weight * b for a, b in zip(z, column, strict=True)]
    return [1.0 / (1.0 + math.exp(-v)) if v >= 0 else math.exp(v) / (1.0 + math.exp(v)) for v in z]
