"""Lines with no word of their own: a lone dash, a row of asterisks, a bullet left by the layout.

A line model cannot judge such a line by what it says, and a trainer that scores words never sees
it; its probability is its neighbours' in disguise. So it takes the side of the lines with words
around it: between two lines that stay removed it is part of their furniture; next to a kept line
(a section break inside the article) it stays with the article.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

_WORD = re.compile(r"\w")


def has_words(text: str) -> bool:
    """Whether `text` holds a word character."""
    return _WORD.search(text) is not None


def between_removed(keys: Sequence[str], rows: Sequence[int], gone: Collection[int]) -> set[int]:
    """Those of `rows` (indices into `keys`, the rows' stripped texts) with no word whose nearest rows
    with words on both sides are in `gone` (removed for good); a side with no such row (the
    document's edge) counts as removed, for an edge is no body. Linear in the rows: a run of
    thousands of dashes is walked once, not once per dash."""
    wordy = [has_words(text) for text in keys]
    n = len(keys)
    above, below = _nearest(wordy, range(n)), _nearest(wordy, range(n - 1, -1, -1))
    return {k for k in rows if not wordy[k] and (above[k] < 0 or above[k] in gone)
            and (below[k] < 0 or below[k] in gone)}


def _nearest(wordy: Sequence[bool], order: range) -> list[int]:
    """Per row, the nearest row with words before it in `order`'s direction (-1: none)."""
    nearest = [-1] * len(wordy)
    last = -1
    for k in order:
        nearest[k] = last
        if wordy[k]:
            last = k
    return nearest
