"""Rule kinds: each class finds the line ranges its rule claims in one document.

A kind only *proposes* claims (first and last line index, inclusive); `engine.py` decides which
rule each line is attributed to. Every regex call goes through `Document.search`, which applies the
rule set's timeout, so a pathological pattern fails one document instead of hanging the run.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

import regex

from .errors import RuleTimeout
from .text import Line

Claim = tuple[int, int]  # first and last line index, inclusive


@dataclass(frozen=True)
class Field:
    """One field a kind accepts in a rule file: its TOML type, and whether it is a regex to compile.

    A field is required when the kind's dataclass gives it no default.
    """

    type: type
    pattern: bool = False


class Document:
    """What a rule sees of a document: its lines, the lines already claimed, keyword hits."""

    def __init__(self, lines: Sequence[Line], candidates: dict[str, list[int]], timeout: float) -> None:
        self.lines = lines
        self.claimed: list[Rule | None] = [None] * len(lines)
        self._candidates = candidates
        self.timeout = timeout

    def candidates(self, rule: Rule) -> Sequence[int] | range:
        """Indices of the lines the rule can match, by its keyword prefilter."""
        if rule.keywords:
            return self._candidates.get(rule.id, ())
        return range(len(self.lines))

    def search(self, rule: Rule, pattern: regex.Pattern, index: int) -> bool:
        """Whether `pattern` matches line `index`, under the timeout."""
        try:
            return pattern.search(self.lines[index].text, timeout=self.timeout) is not None
        except TimeoutError:
            raise RuleTimeout(rule.id, rule.pack_id, self.timeout) from None

    def is_removed(self, index: int) -> bool:
        return self.claimed[index] is not None


@dataclass(frozen=True, kw_only=True)
class Rule:
    """Fields every rule has; subclasses add the fields in their FIELDS and implement `find`."""

    kind: ClassVar[str] = ""
    FIELDS: ClassVar[dict[str, Field]] = {}

    id: str
    pack_id: str
    rationale: str
    keywords: tuple[str, ...] = ()
    examples_remove: tuple[tuple[str, str], ...] = ()  # (snippet, what must remain)
    examples_keep: tuple[str, ...] = ()
    line: int | None = None  # where the rule is declared in its file

    def find(self, doc: Document) -> Iterator[Claim]:
        raise NotImplementedError

    def depends_on(self) -> tuple[str, ...]:
        """Ids of rules whose removals this rule looks at (needed to test its examples)."""
        return ()


@dataclass(frozen=True, kw_only=True)
class LineRule(Rule):
    """A line matching `pattern` (and at most `max_chars` long, when set) is removed.

    Example: pattern = '(?i)^view all newsletters$' removes the masthead line "View all newsletters".
    """

    kind = "line"
    FIELDS = {
        "pattern": Field(str, pattern=True),
        "max_chars": Field(int),
    }
    pattern: regex.Pattern
    max_chars: int = 0

    def find(self, doc: Document) -> Iterator[Claim]:
        limit = self.max_chars
        for i in doc.candidates(self):
            if limit and len(doc.lines[i].text) > limit:
                continue
            if doc.search(self, self.pattern, i):
                yield (i, i)


@dataclass(frozen=True, kw_only=True)
class BlockRule(Rule):
    """From a line matching `start` through the next line matching `end`, within `max_lines` lines.

    No `end` within the bound means no removal, so a stray start line never eats the body.
    Keywords filter the start line only.
    """

    kind = "block"
    FIELDS = {
        "start": Field(str, pattern=True),
        "end": Field(str, pattern=True),
        "max_lines": Field(int),
    }
    start: regex.Pattern
    end: regex.Pattern
    max_lines: int = 50

    def find(self, doc: Document) -> Iterator[Claim]:
        covered_until = -1
        n = len(doc.lines)
        for i in doc.candidates(self):
            if i <= covered_until or not doc.search(self, self.start, i):
                continue
            for j in range(i, min(n, i + self.max_lines)):
                if doc.search(self, self.end, j):
                    yield (i, j)
                    covered_until = j
                    break


@dataclass(frozen=True, kw_only=True)
class ListRunRule(Rule):
    """A run of at least `min_items` consecutive lines matching `item`, each at most `max_chars`.

    With `requires = "adjacent_removal"` the run must touch a line already removed by another rule
    (directly, or across blank lines), or lie between two removed lines: a list that follows a
    sign-up prompt is furniture, the same list in an article may not be. `after_rules` narrows
    which rules' removals count (default: any).
    """

    kind = "list_run"
    FIELDS = {
        "item": Field(str, pattern=True),
        "min_items": Field(int),
        "max_chars": Field(int),
        "requires": Field(str),
        "after_rules": Field(list),
    }
    item: regex.Pattern
    min_items: int = 3
    max_chars: int = 80
    requires: str = "none"
    after_rules: tuple[str, ...] = ()

    def depends_on(self) -> tuple[str, ...]:
        return self.after_rules

    def find(self, doc: Document) -> Iterator[Claim]:
        for first, last in self._runs(doc):
            if last - first + 1 >= self.min_items and self._context_ok(doc, first, last):
                yield (first, last)

    def _runs(self, doc: Document) -> Iterator[Claim]:
        first = previous = -2
        for i in doc.candidates(self):
            if len(doc.lines[i].text) > self.max_chars or not doc.search(self, self.item, i):
                continue
            if i != previous + 1:
                if first >= 0:
                    yield (first, previous)
                first = i
            previous = i
        if first >= 0:
            yield (first, previous)

    def _context_ok(self, doc: Document, first: int, last: int) -> bool:
        if self.requires == "none":
            return True
        return self._removed_near(doc, first, -1) or self._removed_near(doc, last, +1)

    def _removed_near(self, doc: Document, index: int, step: int) -> bool:
        i = index + step
        while 0 <= i < len(doc.lines) and doc.lines[i].is_blank and not doc.is_removed(i):
            i += step
        if not 0 <= i < len(doc.lines):
            return False
        owner = doc.claimed[i]
        return owner is not None and (not self.after_rules or owner.id in self.after_rules)


@dataclass(frozen=True, kw_only=True)
class TailRule(Rule):
    """A `marker` line after which the rest of the document is removed, if the rest is furniture.

    "The rest" is every line after the marker not already removed by another rule; it counts as
    furniture when it has between `min_items` and `max_items` non-blank lines, each at most
    `max_item_chars` long and matching `item` when set (headline-like lines). So "More from X" in
    the middle of a real body, followed by paragraphs, cuts nothing.
    """

    kind = "tail"
    FIELDS = {
        "marker": Field(str, pattern=True),
        "item": Field(str, pattern=True),
        "min_items": Field(int),
        "max_items": Field(int),
        "max_item_chars": Field(int),
    }
    marker: regex.Pattern
    item: regex.Pattern | None = None
    min_items: int = 1
    max_items: int = 15
    max_item_chars: int = 120

    def find(self, doc: Document) -> Iterator[Claim]:
        last = len(doc.lines) - 1
        for i in doc.candidates(self):
            if doc.search(self, self.marker, i) and self._rest_is_furniture(doc, i + 1):
                yield (i, last)
                return

    def _rest_is_furniture(self, doc: Document, start: int) -> bool:
        items = 0
        for j in range(start, len(doc.lines)):
            line = doc.lines[j]
            if line.is_blank or doc.is_removed(j):
                continue
            items += 1
            if items > self.max_items or len(line.text) > self.max_item_chars:
                return False
            if self.item is not None and not doc.search(self, self.item, j):
                return False
        return items >= self.min_items


@dataclass(frozen=True, kw_only=True)
class RepeatRule(Rule):
    """A block of `min_lines` or more non-blank lines (`min_chars` in all) seen earlier in the document.

    The later copy is removed; the earlier one stays unless another rule removes it. Lines are
    compared exactly (after stripping surrounding whitespace); detection is one pass with a hash
    of each window, so it stays linear in the document.
    """

    kind = "repeat"
    FIELDS = {
        "min_lines": Field(int),
        "min_chars": Field(int),
    }
    min_lines: int = 3
    min_chars: int = 120

    def find(self, doc: Document) -> Iterator[Claim]:
        rows = [i for i, line in enumerate(doc.lines) if not line.is_blank]
        keys = [doc.lines[i].text.strip() for i in rows]
        k = self.min_lines
        first_seen: dict[tuple[str, ...], int] = {}
        p = 0
        while p + k <= len(rows):
            window = tuple(keys[p : p + k])
            seen = first_seen.setdefault(window, p)
            if seen + k <= p and sum(map(len, window)) >= self.min_chars:
                q = p + k  # extend the copy as far as it keeps matching the earlier one
                while q < len(rows) and seen + (q - p) < p and keys[q] == keys[seen + (q - p)]:
                    q += 1
                yield (rows[p], rows[q - 1])
                p = q
            else:
                p += 1


KINDS: dict[str, type[Rule]] = {cls.kind: cls for cls in (LineRule, BlockRule, ListRunRule, TailRule, RepeatRule)}

# The order in which kinds run; a line claimed by an earlier rule keeps that attribution.
# Blocks first (the widest explicit structures), then single lines; list runs and tails look at
# what those removed; repeats last, so a copy already caught by a named rule is credited to it.
PHASES: tuple[str, ...] = ("block", "line", "list_run", "tail", "repeat")
