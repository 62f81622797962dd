"""Training documents with furniture inside the article: a page's gold body with one of its own furniture blocks
between two of its paragraphs (the line model's `--inside-weight`).

The dev set's pages hold their share bars, sign-up boxes and "related" blocks above or after the article, seldom
between its paragraphs, so a model trained on them alone learned that what follows such a block is not the
article: put a share bar in the middle of a real article and it took the paragraphs below it
(`tests/bench/paragraph_safety.py --at middle`). These documents show it the other case, with real furniture:
the block is the page's own, a run of its whole-page text's lines that the rules of `INSIDE_PACKS` removed and
that the gold does not hold; it goes after a paragraph chosen by the page's id (not by what the benchmark
measures). Every gold line is body, every block line furniture (labelled as any document, by the gold).
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence

# the packs whose furniture also stands between an article's paragraphs (a share bar, a sign-up box, a "read
# next" teaser, an ad label, a donation appeal)
INSIDE_PACKS = frozenset({"social", "newsletter", "related", "ads", "appeals"})
MAX_BLOCK = 8  # lines of a block taken (the first ones)


def page_block(texts: Sequence[str], removed: Sequence[str | None], labels: Sequence[int],
               pack_of: Mapping[str, str]) -> list[str]:
    """The longest run (the first of equals) of consecutive rows (non-blank lines) that rules of `INSIDE_PACKS`
    removed and that are furniture by the gold (`labels` 1), its first `MAX_BLOCK` lines; [] when the page has
    none. (The longest: the first is most often a single header link, "Subscribe" or "Sign in".)"""
    runs: list[list[str]] = [[]]
    for text, rule_id, label in zip(texts, removed, labels, strict=True):
        if rule_id is not None and label and pack_of.get(rule_id) in INSIDE_PACKS:
            runs[-1].append(text.strip())
        elif runs[-1]:
            runs.append([])
    return max(runs, key=len)[:MAX_BLOCK]


def with_block(page_id: str, title: str, gold: str, block: Sequence[str]) -> str | None:
    """The title, then the gold body's lines with `block` (blank lines around it) after its k-th non-blank line,
    k from 1 to all but the last, chosen by a hash of `page_id`; None without a block or two gold lines."""
    lines = gold.splitlines()
    at = [i for i, line in enumerate(lines) if line.strip()]
    if not block or len(at) < 2:
        return None
    after = at[zlib.crc32(page_id.encode()) % (len(at) - 1)]
    parts = [*([title, ""] if title else []), *lines[:after + 1], "", *block, "", *lines[after + 1:]]
    return "\n".join(parts) + "\n"
