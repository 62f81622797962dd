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
    document's edge) counts as removed, for an edge is no body."""
    return {k for k in rows if not has_words(keys[k])
            and _side_gone(keys, gone, k, -1) and _side_gone(keys, gone, k, 1)}


def _side_gone(keys: Sequence[str], gone: Collection[int], k: int, step: int) -> bool:
    k += step
    while 0 <= k < len(keys) and not has_words(keys[k]):
        k += step
    return not 0 <= k < len(keys) or k in gone
