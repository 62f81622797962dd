"""Rule kinds: each class finds the line ranges its rule claims in one document.

A kind only *proposes* claims (first and last line index, inclusive); `engine.py` decides which
rule each line is attributed to. Every regex call applies the rule set's timeout (`Document.search`,
or `Document.matching` for many lines at once), so a pathological pattern fails one document
instead of hanging the run.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

import regex

from cleaner.errors import RuleTimeout
from cleaner.lines import Line
from cleaner.search.joined import matching_texts

Claim = tuple[int, int]  # first and last line index, inclusive


@dataclass(frozen=True)
class Field:
    """One field a kind accepts in a rule file: its TOML type, whether it is a regex to compile, and
    the least value a number may take (None: any).

    A field is required when the kind's dataclass gives it no default.
    """

    type: type
    pattern: bool = False
    minimum: int | None = None


class Document:
    """What a rule sees of a document: its lines, the lines already claimed, keyword hits."""

    def __init__(self, lines: Sequence[Line], candidates: dict[str, list[int]], timeout: float) -> None:
        self.lines = lines
        self.claimed: list[Rule | None] = [None] * len(lines)
        self._candidates = candidates
        self.timeout = timeout

    @cached_property
    def texts(self) -> list[str]:
        """The lines' texts."""
        return [line.text for line in self.lines]

    @cached_property
    def keys(self) -> list[str]:
        """The lines' texts stripped of surrounding whitespace (empty for a blank line)."""
        return list(map(str.strip, self.texts))

    def candidates(self, rule: Rule) -> Sequence[int] | range:
        """Indices of the lines the rule's `CANDIDATE_PATTERN` can match, by the prefilters (keywords, and
        the pattern prefilter when it ran): every line for a rule they say nothing about."""
        found = self._candidates.get(rule.id)
        if found is not None:
            return found
        return () if rule.keywords else range(len(self.lines))

    def search(self, rule: Rule, pattern: regex.Pattern, index: int) -> bool:
        """Whether `pattern` matches line `index`, under the timeout."""
        try:
            return pattern.search(self.lines[index].text, timeout=self.timeout) is not None
        except TimeoutError:
            raise RuleTimeout(rule.id, rule.pack_id, self.timeout) from None

    def matching(self, rule: Rule, pattern: regex.Pattern, indices: Sequence[int],
                 max_chars: int | None = None) -> list[int]:
        """The indices among `indices` of lines at most `max_chars` long (None: any) that `pattern`
        matches, as `search` would say. The length is the line's whole text, indentation included
        (measuring it stripped was tried: no better on the dev set, and it moves many removals).

        A third of a scraped page's lines repeat another (blank and indentation-only lines, menu
        items), and a search under a timeout costs far more than a set lookup, so each distinct
        line text is searched once; comprehensions keep the per-line overhead low.
        """
        lines = self.lines
        if max_chars is not None:
            indices = [i for i in indices if len(lines[i].text) <= max_chars]
        if not indices:  # most rules on most pages, once the prefilters ran: skip the machinery below
            return []
        try:
            hits = matching_texts(pattern, {lines[i].text for i in indices}, self.timeout)
        except TimeoutError:
            raise RuleTimeout(rule.id, rule.pack_id, self.timeout) from None
        return [i for i in indices if lines[i].text in hits] if hits else []

    def is_removed(self, index: int) -> bool:
        return self.claimed[index] is not None


@dataclass(frozen=True, kw_only=True)
class Rule:
    """Fields every rule has; subclasses add the fields in their FIELDS and implement `find`."""

    kind: ClassVar[str] = ""
    FIELDS: ClassVar[dict[str, Field]] = {}
    # The field whose pattern `find` searches `doc.candidates(self)` lines with, and only with: a line
    # that pattern cannot match need not be a candidate (None: no such pattern).
    CANDIDATE_PATTERN: ClassVar[str | None] = None
    # Whether every claim `find` makes starts at a candidate line, so a document without any gives none:
    # the engine then skips the call (most rules on most documents, once the prefilters ran).
    NEEDS_CANDIDATES: ClassVar[bool] = False

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
    NEEDS_CANDIDATES = True
    CANDIDATE_PATTERN = "pattern"
    FIELDS = {
        "pattern": Field(str, pattern=True),
        "max_chars": Field(int),
    }
    pattern: regex.Pattern
    max_chars: int = 0

    def find(self, doc: Document) -> Iterator[Claim]:
        for i in doc.matching(self, self.pattern, doc.candidates(self), self.max_chars or None):
            yield (i, i)


@dataclass(frozen=True, kw_only=True)
class BlockRule(Rule):
    """From a line matching `start` through the next line matching `end`, within `max_lines` lines.

    No `end` within the bound means no removal, so a stray start line never eats the body.
    Keywords filter the start line only.
    """

    kind = "block"
    NEEDS_CANDIDATES = True
    CANDIDATE_PATTERN = "start"
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
    NEEDS_CANDIDATES = True
    CANDIDATE_PATTERN = "item"
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
        if self.requires != "none" and not self._any_removal_counts(doc):
            return  # no run could touch a removal that counts: skip every regex call
        for first, last in self._runs(doc):
            if last - first + 1 >= self.min_items and self._context_ok(doc, first, last):
                yield (first, last)

    def _any_removal_counts(self, doc: Document) -> bool:
        owners = {owner.id for owner in set(doc.claimed) if owner is not None}
        return bool(owners & set(self.after_rules)) if self.after_rules else bool(owners)

    def _runs(self, doc: Document) -> Iterator[Claim]:
        first = previous = -2
        for i in doc.matching(self, self.item, doc.candidates(self), self.max_chars):
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
    NEEDS_CANDIDATES = True
    CANDIDATE_PATTERN = "marker"
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
    of each window, so it stays linear in the document. Repetition that pervades the document is
    its own structure (a meal plan day by day, a song's chorus, a table), not a block the page
    repeats: when there are `structure_copies` or more copies and they cover at least
    `structure_share` of the non-blank lines, nothing is removed (a `structure_share` above 1: never).
    """

    kind = "repeat"
    FIELDS = {
        "min_lines": Field(int, minimum=1),
        "min_chars": Field(int),
        "structure_copies": Field(int),
        "structure_share": Field(float),
    }
    min_lines: int = 3
    min_chars: int = 120
    structure_copies: int = 3
    structure_share: float = 2.0

    def find(self, doc: Document) -> Iterator[Claim]:
        copies = list(self._copies(doc))
        covered = sum(1 for first, last in copies for key in doc.keys[first : last + 1] if key)
        non_blank = sum(1 for key in doc.keys if key)
        if len(copies) >= self.structure_copies and covered >= self.structure_share * non_blank:
            return
        yield from copies

    def _copies(self, doc: Document) -> Iterator[Claim]:
        keys = [key for key in doc.keys if key]
        rows = [i for i, key in enumerate(doc.keys) if key]
        k = self.min_lines
        # windows[p] == tuple(keys[p:p + k]), built in C (the shorter slices end the zip)
        windows = list(zip(*(keys[j:] for j in range(k)), strict=False))
        first_seen: dict[tuple[str, ...], int] = {}
        p = 0
        while p + k <= len(rows):
            window = windows[p]
            seen = first_seen.setdefault(window, p)
            if seen + k <= p and sum(map(len, window)) >= self.min_chars:
                q = p + k  # extend the copy as far as it keeps matching the earlier one
                while q < len(rows) and seen + (q - p) < p and keys[q] == keys[seen + (q - p)]:
                    q += 1
                yield (rows[p], rows[q - 1])
                p = q
            else:
                p += 1


_BULLETS = "*+•·▪◦‣-"  # a line starting with one is a list item
_CLOSERS = "\"'”’»)]*"  # may follow a sentence's final punctuation
_TERMINAL = ".!?:;…"
_TERMINAL_SET = frozenset(_TERMINAL)


def is_sentence_like(text: str, min_words: int) -> bool:
    """A line with at least `min_words` words whose text ends in sentence punctuation."""
    stripped = text.strip().rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _TERMINAL and len(text.split(None, min_words - 1)) >= min_words


def _sentence_like(keys: Iterable[str], min_words: int) -> set[str]:
    """The texts among `keys` (stripped lines) that are sentence-like, as `is_sentence_like` says."""
    ending = [key for key in keys if key.rstrip(_CLOSERS)[-1:] in _TERMINAL_SET]
    return {key for key in ending if len(key.split(None, min_words - 1)) >= min_words}


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


@dataclass(frozen=True, kw_only=True)
class ProseWindowRule(Rule):
    """Finds the article's main run of prose and removes the lines outside it.

    Each non-blank line gets a score: +1 for prose (sentence-like: `min_words` words, ends in
    sentence punctuation, at least `min_prose_chars` long, not a list item, not a line the page
    shows twice), 0 for a short sentence, a list item or a long unpunctuated line, -`penalty` for
    anything else (menu items, buttons, labels), -`stop_penalty` for a `stop` line ("More in X",
    "Comments"); a run of lines other rules removed counts as one neutral row. The window is the
    earliest positive run (Kadane's maximum subarray, one linear pass) scoring at least
    `first_within` of the best one and `min_score`. Up to `head_lines` rows just before it
    (headline, standfirst, byline) and `tail_lines` after it (an attribution) stay; every other
    line goes, unless it is prose at least `keep_outside_chars` long (0: none kept).
    It only acts on a whole page, not on an extract: see `min_outside_lines`.
    """

    kind = "prose_window"
    CANDIDATE_PATTERN = "stop"
    FIELDS = {
        "min_words": Field(int),
        "min_prose_chars": Field(int),
        "penalty": Field(float),
        "min_score": Field(float),
        "head_lines": Field(int),
        "tail_lines": Field(int),
        "keep_outside_chars": Field(int),
        "first_within": Field(float),
        "min_outside_lines": Field(int),
        "min_outside_share": Field(float),
        "menu_chars": Field(int),
        "min_menu_before": Field(int),
        "stop": Field(str, pattern=True),
        "stop_penalty": Field(float),
        "other_indent_score": Field(float),
        "indent_sample": Field(int),
    }
    min_words: int = 5
    min_prose_chars: int = 80
    penalty: float = 0.5
    min_score: float = 3.0
    head_lines: int = 3
    tail_lines: int = 1
    keep_outside_chars: int = 0  # 0: every line outside the window goes, prose or not
    first_within: float = 1.0  # articles come before comments and legal text: take the first good run
    # The page must show its furniture: at least `min_outside_lines` menu-like lines (not sentences,
    # shorter than `menu_chars`) outside the window, that many as a share of its non-blank lines, and
    # `min_menu_before` of them before it (a page's navigation); otherwise the text is already an
    # extract (tables and lists after the run are content) and stays.
    min_outside_lines: int = 0
    min_outside_share: float = 0.0
    menu_chars: int = 40
    min_menu_before: int = 0
    # A line matching `stop` ("More in X", "Comments", "You may also like") ends any run it is in,
    # whether or not another rule removed it: what follows it is another part of the page.
    stop: regex.Pattern | None = None
    stop_penalty: float = math.inf  # a finite penalty lets a long body run on past an inline box
    # Rendered pages indent each block alike: prose at another indentation than most prose (a teaser,
    # a comment, a caption) scores this instead of 1 (1.0: indentation ignored).
    other_indent_score: float = 1.0
    # The body's indentation is the commonest among the first `indent_sample` prose lines (0: all):
    # the article comes first, and its comments or teasers may outnumber its paragraphs.
    indent_sample: int = 0

    def find(self, doc: Document) -> Iterator[Claim]:
        keys = doc.keys  # what scoring and the repeat count look at
        nonblank = [i for i, key in enumerate(keys) if key]
        if not self._may_show_furniture(doc, keys, nonblank):
            return
        rows, scores, removed = self._rows(doc, keys, nonblank)
        if self.other_indent_score != 1.0:
            scores = self._by_indent(doc, rows, scores)
        best = self._best_window(scores)
        if best is None:
            return
        first = max(0, best[0] - self.head_lines)
        last = min(len(rows) - 1, best[1] + self.tail_lines)
        if self.keep_outside_chars:
            outside = [i for p, i in enumerate(rows) if i >= 0 and not first <= p <= last
                       and not self._kept_outside(keys[i], scores[p])]
        else:
            outside = [i for i in rows[:first] if i >= 0] + [i for i in rows[last + 1:] if i >= 0]
        # Evidence of page furniture: menu-like lines outside the window, and lines other rules removed.
        short = {keys[i] for i in outside if len(keys[i]) < self.menu_chars}
        menu_like = short - _sentence_like(short, self.min_words)
        furniture = [i for i in outside if keys[i] in menu_like] + removed
        start = next((i for i in rows[first:] if i >= 0), len(doc.lines))
        before = sum(1 for i in furniture if i < start)
        total = len(rows) - rows.count(-1) + len(removed)
        if len(furniture) >= max(self.min_outside_lines, self.min_outside_share * total) \
                and before >= self.min_menu_before:
            yield from ((i, i) for i in outside)

    def _may_show_furniture(self, doc: Document, keys: list[str], nonblank: list[int]) -> bool:
        """Whether enough lines could count as furniture (short, or removed by another rule) to meet
        `min_outside_lines` and `min_outside_share` whatever the window: if not (an extract, a short
        text), the scoring pass is skipped, as it could not remove anything."""
        claimed, menu_chars = doc.claimed, self.menu_chars
        possible = sum(1 for i in nonblank if claimed[i] is not None or len(keys[i]) < menu_chars)
        return possible >= max(self.min_outside_lines, self.min_outside_share * len(nonblank))

    def _rows(self, doc: Document, keys: list[str], nonblank: list[int]) -> tuple[list[int], list[float], list[int]]:
        """Non-blank lines (their indices) with their scores, and the lines other rules removed.

        `keys` are the lines' stripped texts, `nonblank` the indices of the non-empty ones. Each run of
        removed lines is one neutral row (index -1): a caption or ad removed from the middle of the
        body does not break the run, and a removed stop line still does."""
        rows: list[int] = []
        scores: list[float] = []
        removed: list[int] = []
        stops = self._stops(doc)
        claimed, stop_score = doc.claimed, -self.stop_penalty
        seen = Counter(keys[i] for i in nonblank)
        # A line's score depends only on its stripped text (and how often the page shows it): once per text.
        kept = {keys[i] for i in nonblank if claimed[i] is None}
        sentences = _sentence_like(kept, self.min_words)
        penalty = -self.penalty
        score_of = {key: self._score_key(key, key in sentences) for key in kept}
        score_of = {key: penalty if score > 0 and seen[key] > 1 else score for key, score in score_of.items()}
        in_removed_row = False
        for i in nonblank:
            if claimed[i] is not None:
                removed.append(i)
                if not in_removed_row:
                    rows.append(-1)
                    scores.append(0.0)
                    in_removed_row = True
                if i in stops:
                    scores[-1] = stop_score
            else:
                in_removed_row = False
                rows.append(i)
                scores.append(stop_score if i in stops else score_of[keys[i]])
        return rows, scores, removed

    def _by_indent(self, doc: Document, rows: list[int], scores: list[float]) -> list[float]:
        """Prose lines indented unlike most prose lines (another block of a rendered page: a teaser,
        a comment, a caption) score `other_indent_score` instead of 1."""
        lines = doc.lines
        prose = [p for p, score in enumerate(scores) if score > 0 and rows[p] >= 0]
        indent_of = {p: _indent(lines[rows[p]].text) for p in prose}
        if not indent_of:
            return scores
        sample = prose[: self.indent_sample] if self.indent_sample else prose
        body = Counter(indent_of[p] for p in sample).most_common(1)[0][0]
        scores = list(scores)
        for p, indent in indent_of.items():
            if indent != body:
                scores[p] = self.other_indent_score
        return scores

    def _stops(self, doc: Document) -> set[int]:
        if self.stop is None:
            return set()
        return set(doc.matching(self, self.stop, doc.candidates(self)))

    def _score_key(self, key: str, sentence_like: bool) -> float:
        """The score of a line whose stripped text is `key` (not a stop line), given `is_sentence_like`."""
        if not sentence_like:
            # long but unpunctuated (a teaser, a table row): neither evidence for the run nor against it
            return 0.0 if len(key) >= self.min_prose_chars else -self.penalty
        if key[:1] in _BULLETS:
            return 0.0
        return 1.0 if len(key) >= self.min_prose_chars else 0.0

    def _best_window(self, scores: Sequence[float]) -> tuple[int, int] | None:
        """The earliest positive segment scoring at least `first_within` of the best one."""
        segments = []  # (total, start, end) of each segment's best prefix, in document order
        total, start, peak = 0.0, 0, None
        for p, score in enumerate(scores):
            if total <= 0:
                if peak:
                    segments.append(peak)
                total, start, peak = 0.0, p, None
            total += score
            if total > 0 and (peak is None or total > peak[0]):
                peak = (total, start, p)
        if peak:
            segments.append(peak)
        best = max((s[0] for s in segments), default=0.0)
        if best < self.min_score:
            return None
        total, first, last = next(s for s in segments if s[0] >= max(self.min_score, self.first_within * best))
        return first, last

    def _kept_outside(self, key: str, score: float) -> bool:
        return bool(self.keep_outside_chars) and score > 0 and len(key) >= self.keep_outside_chars


KINDS: dict[str, type[Rule]] = {
    cls.kind: cls for cls in (LineRule, BlockRule, ListRunRule, TailRule, RepeatRule, ProseWindowRule)
}

# The order in which kinds run; a line claimed by an earlier rule keeps that attribution.
# Blocks first (the widest explicit structures), then single lines; list runs and tails look at
# what those removed; repeats last, so a copy already caught by a named rule is credited to it.
# prose_window runs after all of them: it is the structural fallback, looks only at lines no named
# rule has explained, and so never takes credit for a removal a pattern could name.
PHASES: tuple[str, ...] = ("block", "line", "list_run", "tail", "repeat", "prose_window")
