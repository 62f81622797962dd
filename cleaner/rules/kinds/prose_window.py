"""The `prose_window` kind: the article's main run of prose, and the lines outside it."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import is_

import regex

from cleaner.rules.kinds.base import Claim, Document, Rule, option
from cleaner.rules.windows import positive_segments
from cleaner.search import linefast

_BULLETS = "*+•·▪◦‣-"  # a line starting with one is a list item
_CLOSERS = "\"'”’»)]*"  # may follow a sentence's final punctuation
_TERMINAL = ".!?:;…"
_TERMINAL_SET = frozenset(_TERMINAL)
# the compiled find (search/linefast.py) assumes these constants: any change runs the Python below
CONSTANTS_COMPILED = linefast.PROSE_WINDOW_CONSTANTS == {"bullets": _BULLETS, "closers": _CLOSERS,
                                                         "terminal": _TERMINAL}


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


def _teaser_run(scores: Sequence[float], rows: Sequence[int], bullets: set[int] | frozenset[int], first: int,
                last: int) -> bool:
    """Whether every prose row (score above 0) of rows `first`..`last` comes right after a list item's row."""
    return all(p > 0 and rows[p - 1] in bullets for p in range(first, last + 1) if scores[p] > 0 and rows[p] >= 0)


def _run_to(scores: Sequence[float], rows: Sequence[int], stops: set[int] | frozenset[int], steps: range,
            end: int) -> int:
    """The last prose row (score above 0) met walking `steps` away from the window before the first
    furniture (a removed row, index -1 in `rows`, or a stop line); `end` when there is none."""
    for p in steps:
        if rows[p] < 0 or rows[p] in stops:
            break  # furniture: the article ends (or starts) here
        if scores[p] > 0:
            end = p
    return end


@dataclass(frozen=True, kw_only=True)
class ProseWindowRule(Rule):
    """Finds the article's main run of prose and removes the lines outside it.

    Each non-blank line gets a score: +1 for prose (sentence-like: `min_words` words, ends in
    sentence punctuation, at least `min_prose_chars` long, not a list item, not a line the page
    shows twice), 0 for a short sentence, a list item or a long unpunctuated line, -`penalty` for
    anything else (menu items, buttons, labels), -`stop_penalty` for a `stop` line ("More in X",
    "Comments"); a run of lines other rules removed counts as one neutral row. The window is the
    earliest positive run (Kadane's maximum subarray, one linear pass) scoring at least
    `first_within` of the best one and `min_score`; with `run_on` it runs on to the last prose row before
    the first removed or stop line after it, with `run_back` back to the first prose row after the last
    removed or stop line before it (with `tab_rows_neutral`, table rows score 0; with `skip_teaser_runs`,
    an earlier run whose every prose line follows a list item is passed over). Up to
    `head_lines` rows just before it (headline, standfirst, byline) and `tail_lines` after it (an
    attribution) stay; every other line goes, unless it is prose at least `keep_outside_chars` long
    (0: none kept).
    It only acts on a whole page, not on an extract: see `min_outside_lines`.
    """

    kind = "prose_window"
    CANDIDATE_PATTERN = "stop"
    REMOVES = ("on a whole rendered page, every line outside the article's main run of prose "
               "(see [Quality on real pages](#quality-on-real-pages))")
    min_words: int = option(int, 5, "the fewest words in a sentence-like line")
    min_prose_chars: int = option(int, 80, "the shortest sentence-like line (characters) that scores as prose")
    penalty: float = option(float, 0.5, "what a menu-like line (not prose, not neutral) costs")
    min_score: float = option(float, 3.0, "the least score of the window")
    head_lines: int = option(int, 3, "rows kept just before the window (headline, standfirst, byline)")
    tail_lines: int = option(int, 1, "rows kept just after the window (an attribution)")
    keep_outside_chars: int = option(int, 0, "prose outside the window at least this long stays (0: none "
                                     "stays)")
    # articles come before comments and legal text: take the first good run
    first_within: float = option(float, 1.0, "the window is the earliest run scoring this share of the best")
    # The page must show its furniture: at least `min_outside_lines` menu-like lines (not sentences,
    # shorter than `menu_chars`) outside the window, that many as a share of its non-blank lines, and
    # `min_menu_before` of them before it (a page's navigation); otherwise the text is already an
    # extract (tables and lists after the run are content) and stays.
    min_outside_lines: int = option(int, 0, "the fewest menu-like or removed lines outside the window")
    min_outside_share: float = option(float, 0.0, "... as a share of the non-blank lines")
    menu_chars: int = option(int, 40, "a menu-like line is shorter than this (characters)")
    min_menu_before: int = option(int, 0, "the fewest menu-like lines before the window")
    # Short lines alone do not show a page: a listicle's headings and items are short too. A rendered
    # page opens with its navigation (before its first prose line: menu-like lines or lines the rules
    # removed); an article's own text opens with its headline and first paragraph.
    min_lead_lines: int = option(int, 0, "the fewest menu-like or removed lines before the page's first "
                                 "prose line")
    # A line matching `stop` ("More in X", "Comments", "You may also like") ends any run it is in,
    # whether or not another rule removed it: what follows it is another part of the page.
    stop: regex.Pattern | None = option(str, None, "the regex of a line that ends any run it is in "
                                        "(\"More in X\", \"Comments\")", pattern=True)
    # a finite penalty lets a long body run on past an inline box
    stop_penalty: float = option(float, math.inf, "what a `stop` line costs (inf: it always ends the run)")
    # Rendered pages indent each block alike: prose at another indentation than most prose (a teaser,
    # a comment, a caption) scores this instead of 1 (1.0: indentation ignored).
    other_indent_score: float = option(float, 1.0, "the score of prose indented unlike the body's prose "
                                       "(1: indentation ignored)")
    # The article comes first, and its comments or teasers may outnumber its paragraphs.
    indent_sample: int = option(int, 0, "the body's indentation is the commonest among this many first "
                                "prose lines (0: all)")
    # A how-to or a buyer's guide breaks its prose with headings, checklists and spec rows: enough short
    # lines to end a run, so its later sections form runs of their own. A line other rules removed, or a
    # stop line, shows page furniture; until one comes, the article goes on.
    run_on: bool = option(bool, False, "the window runs on to the last prose line before the first line after "
                          "it that another rule removed or that matches `stop`")
    # The same guide's best-scoring run may be a later section (a closing list of one-line items, each a
    # sentence), its earlier sections each cut short by their spec rows: the run is its article's from
    # the first prose line the page's furniture above it (a removed or stop line) lets through.
    run_back: bool = option(bool, False, "the window runs back to the first prose line after the last line "
                            "before it that another rule removed or that matches `stop`")
    # A browser's text of a table puts a tab between cells: a table row is the page's content structure
    # (a spec table, a price list), not a menu.
    tab_rows_neutral: bool = option(bool, False, "a line with a tab inside its text (a table row) scores 0, "
                                    "neither for the run nor against it")
    # A mega-menu's or a teaser list's promos are bulleted headlines, each with a one-sentence blurb: a run
    # of prose that can reach `first_within` of the article's before the article starts.
    skip_teaser_runs: bool = option(bool, False, "a run before the best one whose every prose line comes right "
                                    "after a list item (a bulleted headline and its blurb) is not the window")

    def find(self, doc: Document) -> Iterator[Claim]:
        fast = self._compiled_find(doc)
        if fast is not None:
            yield from ((i, i) for i in fast)
            return
        keys = doc.keys  # what scoring and the repeat count look at
        nonblank = list(compress(range(len(keys)), keys))
        if not self._may_show_furniture(doc, keys, nonblank):
            return
        stops = self._stops(doc)
        rows, scores, removed = self._rows(doc, keys, nonblank, stops)
        if self.other_indent_score != 1.0:
            scores = self._by_indent(doc, rows, scores)
        bullets = {i for i in rows if i >= 0 and keys[i][0] in _BULLETS} if self.skip_teaser_runs else frozenset()
        best = self._best_window(scores, rows, stops, bullets)
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
        first_prose = next((rows[p] for p, score in enumerate(scores) if score > 0 and rows[p] >= 0),
                           len(doc.lines))
        lead = sum(1 for i in furniture if i < first_prose)
        total = len(rows) - rows.count(-1) + len(removed)
        if len(furniture) >= max(self.min_outside_lines, self.min_outside_share * total) \
                and before >= self.min_menu_before and lead >= self.min_lead_lines:
            yield from ((i, i) for i in outside)

    def _compiled_find(self, doc: Document) -> list[int] | None:
        """The lines `find` claims, by the compiled code (`linefast.prose_window`); None when it is not
        built (or where the reference raises): `find`'s Python below is the reference."""
        counted = linefast.prose_possible(doc.keys, doc.claimed, self.menu_chars) if CONSTANTS_COMPILED else None
        if counted is None:
            return None
        possible, nonblank = counted
        if possible < max(self.min_outside_lines, self.min_outside_share * nonblank):
            return []
        return linefast.prose_window(
            doc.texts, doc.keys, doc.claimed, self._stops(doc), doc.key_counts,
            (self.min_words, self.min_prose_chars, self.head_lines, self.tail_lines, self.keep_outside_chars,
             self.menu_chars, self.indent_sample, self.min_menu_before, self.min_lead_lines, self.min_outside_lines),
            (self.penalty, self.stop_penalty, self.other_indent_score, self.min_score, self.first_within,
             self.min_outside_share), (self.run_on, self.run_back, self.tab_rows_neutral, self.skip_teaser_runs))

    def _may_show_furniture(self, doc: Document, keys: list[str], nonblank: list[int]) -> bool:
        """Whether enough lines could count as furniture (short, or removed by another rule) to meet
        `min_outside_lines` and `min_outside_share` whatever the window: if not (an extract, a short
        text), the scoring pass is skipped, as it could not remove anything."""
        claimed, menu_chars = doc.claimed, self.menu_chars
        possible = sum(1 for i in nonblank if claimed[i] is not None or len(keys[i]) < menu_chars)
        return possible >= max(self.min_outside_lines, self.min_outside_share * len(nonblank))

    def _rows(self, doc: Document, keys: list[str], nonblank: list[int],
              stops: set[int]) -> tuple[list[int], list[float], list[int]]:
        """Non-blank lines (their indices) with their scores, and the lines other rules removed.

        `keys` are the lines' stripped texts, `nonblank` the indices of the non-empty ones, `stops` those
        of the stop lines. Each run of
        removed lines is one neutral row (index -1): a caption or ad removed from the middle of the
        body does not break the run, and a removed stop line still does."""
        rows: list[int] = []
        scores: list[float] = []
        removed: list[int] = []
        claimed, stop_score = doc.claimed, -self.stop_penalty
        seen = doc.key_counts
        # A line's score depends only on its stripped text (and how often the page shows it): once per text.
        kept = set(compress(keys, map(is_, claimed, repeat(None))))
        kept.discard("")
        sentences = _sentence_like(kept, self.min_words)
        score_of = {key: self._score_key(key, key in sentences, seen[key]) for key in kept}
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

    def _score_key(self, key: str, sentence_like: bool, shown: int) -> float:
        """The score of a line whose stripped text is `key` (not a stop line), given `is_sentence_like`
        and how many times the document shows it (prose shown twice is a teaser, not the article's)."""
        if self.tab_rows_neutral and "\t" in key:
            return 0.0
        if not sentence_like:
            # long but unpunctuated (a teaser, a table row): neither evidence for the run nor against it
            return 0.0 if len(key) >= self.min_prose_chars else -self.penalty
        if key[:1] in _BULLETS or len(key) < self.min_prose_chars:
            return 0.0
        return 1.0 if shown == 1 else -self.penalty

    def _best_window(self, scores: Sequence[float], rows: Sequence[int] = (),
                     stops: set[int] | frozenset[int] = frozenset(),
                     bullets: set[int] | frozenset[int] = frozenset()) -> tuple[int, int] | None:
        """The earliest positive segment scoring at least `first_within` of the best one, run on (`run_on`)
        to the last prose row before the first furniture after it and back (`run_back`) to the first
        prose row after the last furniture before it (`rows` are the rows' line indices, -1 for removed
        lines, `stops` the stop lines' indices); with `skip_teaser_runs`, passing over an earlier segment
        whose prose rows each follow a row of `bullets` (the list items' line indices)."""
        segments = positive_segments(scores)
        best = max((s[0] for s in segments), default=0.0)
        if best < self.min_score:
            return None
        bar = max(self.min_score, self.first_within * best)
        _, first, last = next(s for s in segments if s[0] >= bar and not (
            self.skip_teaser_runs and s[0] < best and _teaser_run(scores, rows, bullets, s[1], s[2])))
        if self.run_on:
            last = _run_to(scores, rows, stops, range(last + 1, len(scores)), last)
        if self.run_back:
            first = _run_to(scores, rows, stops, range(first - 1, -1, -1), first)
        return first, last

    def _kept_outside(self, key: str, score: float) -> bool:
        return bool(self.keep_outside_chars) and score > 0 and len(key) >= self.keep_outside_chars
