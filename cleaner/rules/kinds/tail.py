"""The `tail` kind: a marker line and the furniture after it."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import regex

from cleaner.rules.kinds.base import Claim, Document, Rule, option, required
from cleaner.rules.kinds.prose_window import _CLOSERS


@dataclass(frozen=True, kw_only=True)
class TailRule(Rule):
    """A `marker` line after which the rest of the document is removed, if the rest is furniture.

    "The rest" is every line after the marker not already removed by another rule; it counts as
    furniture when it has between `min_items` and `max_items` non-blank lines, each at most
    `max_item_chars` long and matching `item` when set (headline-like lines). So "More from X" in
    the middle of a real body, followed by paragraphs, cuts nothing.

    With `min_signs`, the signs decide instead of the shape: the rest is furniture when at least
    that many of the first `signs_within` non-blank lines after the marker (removed or not) match
    `sign`, and `min_items`, `max_items`, `max_item_chars` and `item` do not apply. A comment
    thread's lines are long prose, so its length says nothing; its attributions ("Ana says:", a
    time of day, "Reply") do, and a count heading ("12 Comments") followed by the article's own
    paragraphs has none of them. (The signs are read near the marker only, so a marker costs at
    most `signs_within` lines, not the rest of the document.)

    With `prose_before` (the default), a rest that holds a sentence (`prose_words` words or more,
    ending in a full stop or an exclamation mark: a headline may end in a question mark) is
    furniture only when a kept line before the marker is such a sentence too: a short article under
    a menu's "More from X" or a "Sponsored" label is all short lines, and without the guard the tail
    took the whole of it.
    """

    kind = "tail"
    REMOVES = ("a marker line and everything after it, only if what follows (lines not removed by other "
               "rules) is `min_items`..`max_items` short lines or, with `min_signs`, shows enough `sign` lines")
    NEEDS_CANDIDATES = True
    CANDIDATE_PATTERN = "marker"
    marker: regex.Pattern = required(str, "the regex of the line the tail starts at", pattern=True)
    item: regex.Pattern | None = option(str, None, "the regex every line after the marker matches "
                                        "(unset: any)", pattern=True)
    min_items: int = option(int, 1, "the fewest non-blank lines after the marker")
    max_items: int = option(int, 15, "the most non-blank lines after the marker")
    max_item_chars: int = option(int, 120, "the longest line (characters) after the marker")
    sign: regex.Pattern | None = option(str, None, "the regex of a line that shows what the rest is "
                                        "(with `min_signs`, which then replaces the shape limits)", pattern=True)
    min_signs: int = option(int, 0, "the fewest lines matching `sign` among the first `signs_within` "
                            "non-blank lines after the marker")
    signs_within: int = option(int, 60, "how many non-blank lines after the marker `sign` is looked for in")
    prose_before: bool = option(bool, True, "a rest holding a sentence is furniture only when a kept line "
                                "before the marker is a sentence too (the article comes first)")
    prose_words: int = option(int, 8, "the fewest words of a sentence, for `prose_before`", minimum=1)

    def __post_init__(self) -> None:
        if self.min_signs and self.sign is None:
            raise ValueError("min_signs needs a sign pattern")

    def find(self, doc: Document) -> Iterator[Claim]:
        last, kept = len(doc.lines) - 1, None
        for i in doc.candidates(self):
            if doc.search(self, self.marker, i):
                near = None if self.min_signs else _kept_near(doc, i + 1, self.max_items + 1)
                if near is None:  # the rest's kept rows, once (nothing is claimed before the yield)
                    kept = self._rows(doc) if kept is None else kept
                if self._rest_problem(doc, i + 1, kept if near is None else near) is None:
                    yield (i, last)
                    return

    def _rest_problem(self, doc: Document, start: int, kept: Sequence[int]) -> str | None:
        """None when the lines after the marker are furniture; else why not (the first reason found).
        `kept`: the document's non-blank lines no rule removed (`_kept_rows`), so that a marker costs
        at most `max_items` lines however much of the rest is blank or removed."""
        if self.min_signs:
            return self._signs_problem(doc, start)
        first = bisect_left(kept, start)
        items = len(kept) - first
        for j in kept[first:first + self.max_items]:
            line = doc.lines[j]
            if len(line.text) > self.max_item_chars:
                return f"line {line.number} is {len(line.text)} chars > max_item_chars {self.max_item_chars}"
            if self.item is not None and not doc.search(self, self.item, j):
                return f"line {line.number} does not match item"
        if items > self.max_items:
            return f"{items} items > max_items {self.max_items}"
        if items < self.min_items:
            return f"{items} items < min_items {self.min_items}"
        return self._prose_problem(doc, start, kept[first:])

    def _prose_problem(self, doc: Document, start: int, rest: Sequence[int]) -> str | None:
        """With `prose_before`: why a rest holding a sentence is not the article's tail (no kept line
        before the marker is a sentence), else None. The walk back stops at the first sentence."""
        if not self.prose_before:
            return None
        keys, words = doc.keys, self.prose_words
        sentence = next((j for j in rest if _is_sentence(keys[j], words)), None)
        if sentence is None:
            return None
        claimed = doc.claimed
        if any(keys[j] and claimed[j] is None and _is_sentence(keys[j], words) for j in range(start - 2, -1, -1)):
            return None
        return (f"line {doc.lines[sentence].number} is a sentence and no kept line before the marker is "
                "(prose_before): the rest is the article")

    def _rows(self, doc: Document) -> Sequence[int]:
        """What `_rest_problem` reads: the kept rows, or nothing when the signs decide (read near the marker)."""
        return () if self.min_signs else _kept_rows(doc)

    def _signs_problem(self, doc: Document, start: int) -> str | None:
        seen = found = 0
        for j in range(start, len(doc.lines)):
            if seen == self.signs_within or found == self.min_signs:
                break
            if not doc.lines[j].is_blank:
                seen += 1
                found += doc.search(self, self.sign, j)  # type: ignore[arg-type]
        if found < self.min_signs:
            return f"{found} sign lines in the next {seen} < min_signs {self.min_signs}"
        return None

    def declines(self, doc: Document) -> Iterator[tuple[int, str]]:
        kept = None
        for i in doc.candidates(self):
            if doc.is_removed(i) or not doc.search(self, self.marker, i):
                continue
            kept = self._rows(doc) if kept is None else kept
            problem = self._rest_problem(doc, i + 1, kept)
            if problem is not None:
                yield i, f"marker matched, but {problem}"


def _is_sentence(key: str, min_words: int) -> bool:
    """A stripped line of at least `min_words` words that ends as a sentence does: a full stop or an
    exclamation mark, then closing quotes or brackets. (`is_sentence_like` also ends one at ? : ; or
    …, but a teaser's headline may end in a question mark.)"""
    return key.rstrip(_CLOSERS)[-1:] in (".", "!") and len(key.split(None, min_words - 1)) >= min_words


def _kept_rows(doc: Document) -> list[int]:
    """The indices of the document's non-blank lines no rule removed, in order."""
    claimed = doc.claimed
    return [j for j, key in enumerate(doc.keys) if key and claimed[j] is None]


NEAR_LINES = 200  # how far `_kept_near` looks before the whole document's kept rows are cheaper


def _kept_near(doc: Document, start: int, enough: int) -> list[int] | None:
    """The kept rows (as `_kept_rows`) from `start` on, when they end or `enough` of them are found
    within NEAR_LINES lines; else None. What `_rest_problem` needs of a marker's rest, which is read
    no further than `max_items` + 1 kept rows: a marker near the end of a long document then costs
    its rest, not the whole document (a 10 MB document has a candidate for most tail rules)."""
    keys, claimed, found = doc.keys, doc.claimed, []
    for j in range(start, min(len(keys), start + NEAR_LINES)):
        if keys[j] and claimed[j] is None:
            found.append(j)
            if len(found) == enough:
                return found
    return found if start + NEAR_LINES >= len(keys) else None
