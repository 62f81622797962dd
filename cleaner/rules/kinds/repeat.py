"""The `repeat` kind: a later copy of a block seen earlier in the document."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import compress

from cleaner.rules.kinds.base import Claim, Document, Rule, option


@dataclass(frozen=True, kw_only=True)
class RepeatRule(Rule):
    """A block of `min_lines` or more non-blank lines (`min_chars` in all) seen earlier in the document.

    The later copy is removed; the earlier one stays unless another rule removes it. Lines are
    compared exactly (after stripping surrounding whitespace); detection is one pass with a hash
    of each window, so it stays linear in the document. Repetition that pervades the document is
    its own structure (a meal plan day by day, a song's chorus, a table), not a block the page
    repeats: when there are `structure_copies` or more copies and they cover at least
    `structure_share` of the non-blank lines, nothing is removed (a `structure_share` above 1: never).
    """

    kind = "repeat"
    REMOVES = ("the later copy of a block of ≥ `min_lines` non-blank lines seen earlier in the document, "
               "unless copies pervade it (`structure_copies`, `structure_share`)")
    min_lines: int = option(int, 3, "the fewest non-blank lines in a repeated block", minimum=1)
    min_chars: int = option(int, 120, "the fewest characters in a repeated block")
    structure_copies: int = option(int, 3, "with this many copies or more, the repetition may be structure")
    structure_share: float = option(float, 2.0, "... and is, when the copies cover this share of the "
                                    "non-blank lines (above 1: never)")

    def find(self, doc: Document) -> Iterator[Claim]:
        copies = list(self._copies(doc))
        if len(copies) >= self.structure_copies:
            covered = sum(1 for first, last in copies for key in doc.keys[first : last + 1] if key)
            if covered >= self.structure_share * len(list(filter(None, doc.keys))):
                return
        yield from copies

    def _copies(self, doc: Document) -> Iterator[Claim]:
        """Each later copy (first, last line) in document order, as `reference_copies` finds them.

        Most windows of a page occur once, so each window's earliest place is found for all at once
        (`map` of `dict.setdefault`), and only the windows at least `min_lines` after theirs, the only
        places a copy can start, are walked in order as the reference walks every window, skipping the
        rest of each copy found."""
        keys = list(filter(None, doc.keys))
        rows = list(compress(range(len(doc.keys)), doc.keys))
        k = self.min_lines
        # windows[p] == tuple(keys[p:p + k]), built in C (the shorter slices end the zip)
        windows = list(zip(*(keys[j:] for j in range(k)), strict=False))
        n = len(windows)
        earliest = list(map({}.setdefault, windows, range(n)))  # the first position of each window
        starts = [p for p in range(n) if p - earliest[p] >= k]
        skipped: list[tuple[int, int]] = []  # positions inside a copy, which the reference never visits
        p = 0
        for c in starts:
            if c < p:
                continue
            seen = earliest[c]
            if skipped and any(a <= seen < b for a, b in skipped):  # its first place was skipped
                seen = next(q for q in range(seen + 1, c + 1) if windows[q] == windows[c]
                            and not any(a <= q < b for a, b in skipped))
            if seen + k <= c and sum(map(len, windows[c])) >= self.min_chars:
                q = c + k  # extend the copy as far as it keeps matching the earlier one
                while q < len(rows) and seen + (q - c) < c and keys[q] == keys[seen + (q - c)]:
                    q += 1
                yield (rows[c], rows[q - 1])
                skipped.append((c + 1, q))
                p = q


def reference_copies(rule: RepeatRule, doc: Document) -> Iterator[Claim]:
    """`RepeatRule._copies` walking every window (the reference it is tested against)."""
    keys = [key for key in doc.keys if key]
    rows = [i for i, key in enumerate(doc.keys) if key]
    k = rule.min_lines
    windows = list(zip(*(keys[j:] for j in range(k)), strict=False))
    first_seen: dict[tuple[str, ...], int] = {}
    p = 0
    while p + k <= len(rows):
        window = windows[p]
        seen = first_seen.setdefault(window, p)
        if seen + k <= p and sum(map(len, window)) >= rule.min_chars:
            q = p + k  # extend the copy as far as it keeps matching the earlier one
            while q < len(rows) and seen + (q - p) < p and keys[q] == keys[seen + (q - p)]:
                q += 1
            yield (rows[p], rows[q - 1])
            p = q
        else:
            p += 1
