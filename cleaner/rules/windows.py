"""Shares over windows of a document's lines, its main run of prose, and its shape at the edges: what
the line model's place features and its regime classifier's document features are computed from."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from itertools import accumulate

from cleaner.search import linefast

SHAPE_FEATURES = ("doc_tail_log", "doc_head_short", "doc_tail_short", "doc_head_furniture", "doc_tail_furniture",
                  "doc_head_removed", "doc_tail_removed", "doc_link_share", "doc_furniture_share", "doc_title_share",
                  "doc_list_share", "doc_repeat_share", "doc_run_share")
EDGE_LINES = 10  # the head and the tail of a document, in non-blank lines


def shape_values(facts: Sequence, removed: Sequence[bool], repeated: Sequence[bool], run: tuple[int, int],
                 value_at: Sequence[int]) -> tuple[float, ...]:
    """The SHAPE_FEATURES values of a document: `facts` per non-blank line (with `prose`, `short`,
    `furniture` and `values`, whose `value_at` positions are the link-like, title-case and list-marker
    features), whether a rule removed each line, whether its text repeats, and the main run's ends."""
    n = len(facts)
    last_prose = max((k for k, f in enumerate(facts) if f.prose), default=-1)
    odd_short, furniture = [f.short and not f.prose for f in facts], [f.furniture for f in facts]
    link_at, title_at, list_at = value_at
    head, tail = slice(0, EDGE_LINES), slice(max(0, n - EDGE_LINES), n)
    return (
        math.log1p(n - 1 - last_prose),
        share(odd_short[head]), share(odd_short[tail]),
        share(furniture[head]), share(furniture[tail]),
        share(removed[head]), share(removed[tail]),
        sum(f.values[link_at] for f in facts) / (3 * n),
        share(furniture),
        sum(f.values[title_at] for f in facts) / n,
        sum(f.values[list_at] for f in facts) / n,
        share(repeated),
        (run[1] - run[0] + 1) / n if run[1] >= run[0] else 0.0,
    )


def share(flags: Sequence[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0


def window_share(flags: Sequence[bool], radius: int) -> list[float]:
    """For each position, the share of true flags within ±`radius` positions (itself included)."""
    return _compiled_or_reference(flags, radius, reference_window_share)


def reference_window_share(flags: Sequence[bool], radius: int) -> list[float]:
    """`window_share` in Python: the reference, the flags' window mean."""
    return reference_window_mean(flags, radius)


def window_mean(values: Sequence[float], radius: int) -> list[float]:
    """For each position, the mean of `values` within ±`radius` positions (itself included)."""
    return _compiled_or_reference(values, radius, reference_window_mean)


def _compiled_or_reference(
    values: Sequence, radius: int, reference: Callable[[Sequence, int], list[float]]
) -> list[float]:
    """linefast's window_mean (one C helper for shares of bools and means of floats) when compiled and
    given a list of what it takes (it returns None otherwise), else the Python reference: the same
    floats either way (tests/test_linefast.py)."""
    if linefast.AVAILABLE and type(values) is list:
        out = linefast.window_mean(values, radius)
        if out is not None:
            return out
    return reference(values, radius)


def reference_window_mean(values: Sequence[float], radius: int) -> list[float]:
    """`window_mean` in Python: the reference. Over flags the prefix sums are whole numbers, exact as
    floats, so this is the share of true flags."""
    n = len(values)
    prefix = [0.0, *accumulate(values)]
    out = []
    for k in range(n):
        lo, hi = k - radius if k > radius else 0, k + radius + 1 if k + radius + 1 < n else n
        out.append((prefix[hi] - prefix[lo]) / (hi - lo))
    return out


def positive_segments(scores: Sequence[float]) -> list[tuple[float, int, int]]:
    """Kadane's walk (maximum subarray, one pass): each positive segment's best prefix as (total,
    first index, last index), in order; a segment ends where its running total falls to 0 or below."""
    segments = []
    total, start, peak = 0.0, 0, None
    for k, score in enumerate(scores):
        if total <= 0:
            if peak:
                segments.append(peak)
            total, start, peak = 0.0, k, None
        total += score
        if total > 0 and (peak is None or total > peak[0]):
            peak = (total, start, k)
    if peak:
        segments.append(peak)
    return segments


def best_region(scores: Sequence[float]) -> tuple[int, int]:
    """The stretch with the highest sum of `scores` (the earliest, on a tie); (-1, -2) when no score
    is positive."""
    segments = positive_segments(scores)
    if not segments:
        return -1, -2
    _, first, last = max(segments, key=lambda segment: segment[0])  # max keeps the first of equals
    return first, last


def main_run(prose: Sequence[bool], penalty: float = 0.5) -> tuple[int, int]:
    """The best-scoring stretch of lines where prose counts +1 and any other line -`penalty`
    (`best_region` of those scores); (-1, -2) when there is no prose at all."""
    return best_region([1.0 if is_prose else -penalty for is_prose in prose])
