"""Mining blocks: runs of lines framed by two repeated lines whose inside changes from page to page.

Furniture is not only lines that repeat: a comment section, a "more from" list or a photo strip has
a frame that repeats (a header line, a footer line) around items that change on every page. Pass 2
(`SiteEvidence.add_page`, cleaner/authoring/mine.py) reads each page's structure here:

- its *anchors*: lines whose key is on at least the site's floor of pages (`min_pages`, `min_share`);
- its *body*: the page's main prose. Anchors cut the page into gaps (an anchor between two prose
  lines, such as "Advertisement" inside an article, does not cut); the body is the first gap whose
  prose is at least `FIRST_WITHIN` of the largest gap's (articles come before their comments),
  opened at an earlier gap with `OPENING_WITHIN` of its prose (a standfirst above a photo box), going
  on over short interruptions to the next prose (`BRIDGE_LINES`, `BRIDGE_ANCHORS`: a pros and cons
  list) but not over an anchor that is itself prose (a blurb the site repeats ends the article: what
  follows it, such as teasers of other articles, is the site's), from `HEAD_LINES` lines above its
  first prose line (headline, byline, date; anchors between them not counted) to `TAIL_LINES` lines
  below its last (an attribution; up to the next anchor);
- candidate blocks: two anchors that follow each other with other lines between them;
- vetoed starts: every anchor a from which a block, as the `block` kind would find it on this page
  (from a line a through the next line b, for any anchor b), would hold a line of the body.

A start line becomes a rule, ending at the next of the anchors seen to end it, when it and they are
mined lines, its blocks are on at least the site's floor of pages and it is vetoed on no page: a
frame that ever could hold the article is never proposed. Merges are sums, maxima, minima and
unions, so the result does not depend on the order of the pages or on how they are split over
workers. Fitted on ../shared/sites and checked leaving one site out (README, Learning a site's
furniture); the bridge and the veto are safeguards, not fitted.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from cleaner.rules.kinds import is_sentence_like

PROSE_WORDS = 5  # a line reads as prose: >= 5 words, ends in sentence punctuation, >= 45 characters
PROSE_CHARS = 45
FIRST_WITHIN = 0.25  # the body: the first gap with at least this share of the largest gap's prose
OPENING_WITHIN = 0.05  # ... from an earlier gap with this share of its prose (a standfirst before a photo)
BRIDGE_LINES = 30  # ... and on, over at most this many lines to the next prose (a pros and cons list)
BRIDGE_ANCHORS = 2  # ... of which at most this many anchors (more: furniture between, e.g. a share bar)
HEAD_LINES = 3  # lines above the body's first prose line that belong to it (headline, byline, date)
TAIL_LINES = 2  # ... and below its last (an attribution)
MAX_BLOCK_LINES = 1000  # the longest block looked at (a long comment section)
MAX_ENDS = 8  # the most end lines one block rule names
EXAMPLE_LINES = 8  # a block's example: its frame and the first lines inside (the smallest block seen)
# A line of prose: a sentence-like line, or a long line holding two sentences or more (an extractor
# joins a whole article into one table row).
_SENTENCE_END = re.compile(r"[a-z0-9)][.!?][\"'\u201d\u2019)]?\s+[\"'\u201c\u2018(]?[A-Z]")


def reads_as_prose(text: str) -> bool:
    return len(text.strip()) >= PROSE_CHARS and is_sentence_like(text, PROSE_WORDS)


def holds_prose(text: str) -> bool:
    return reads_as_prose(text) or (len(text.split()) >= 20 and len(_SENTENCE_END.findall(text)) >= 2)


@dataclass
class BlockEvidence:
    """What pass 2 saw of one pair of anchors (start key, end key) on one site."""

    pages: int = 0  # pages where the two follow each other with other lines between
    longest: int = 0  # the most lines such a block spans outside a page's body
    example: tuple[int, str] | None = None  # (lines, text): the smallest block seen, the shortest text

    def merge(self, other: BlockEvidence) -> None:
        self.pages += other.pages
        self.longest = max(self.longest, other.longest)
        if other.example and (not self.example or other.example < self.example):
            self.example = other.example


def _prose_gaps(lines: Sequence[str], anchor: Sequence[bool]
                ) -> tuple[list[int], list[list[int]], list[int], int | None]:
    """The non-blank lines, the prose lines of each gap between anchors, the gaps' prose characters,
    and the index of the main gap (None: no prose)."""
    filled = [i for i, line in enumerate(lines) if line.strip()]
    prose = {i for i in filled if not anchor[i] and holds_prose(lines[i])}
    gaps: list[list[int]] = [[]]
    for p, i in enumerate(filled):
        inline = 0 < p < len(filled) - 1 and filled[p - 1] in prose and filled[p + 1] in prose
        if anchor[i] and not inline:
            gaps.append([])
        elif i in prose:
            gaps[-1].append(i)
    weights = [sum(len(lines[i]) for i in gap) for gap in gaps]
    if not any(weights):
        return filled, gaps, weights, None
    return filled, gaps, weights, next(n for n, w in enumerate(weights) if w >= FIRST_WITHIN * max(weights))


def main_prose(lines: Sequence[str], anchor: Sequence[bool]) -> list[int]:
    """The prose lines of the page's main gap: the body's core, without the gaps it opens at or
    goes on to (those may be a "more from" list right after the article)."""
    _, gaps, _, main = _prose_gaps(lines, anchor)
    return [] if main is None else gaps[main]


def body_span(lines: Sequence[str], anchor: Sequence[bool]) -> tuple[int, int] | None:
    """The first and last line index of the page's body (see the module's docstring), or None."""
    filled, gaps, weights, main = _prose_gaps(lines, anchor)
    if main is None:
        return None
    opening = next(n for n, w in enumerate(weights) if w >= OPENING_WITHIN * weights[main])
    body = [gaps[opening][0], gaps[main][-1]]
    # The article goes on after a short interruption (a list, a subheading), not after a paragraph the
    # site repeats (a blurb: what follows it, teasers of other articles, is the site's too).
    for gap in gaps[main + 1:]:
        between = [i for i in filled if body[1] < i < gap[0]] if gap else []
        if (gap and len(between) <= BRIDGE_LINES and sum(anchor[i] for i in between) <= BRIDGE_ANCHORS
                and not any(anchor[i] and holds_prose(lines[i]) for i in between)):
            body[1] = gap[-1]
    above = [i for i in filled if i < body[0] and not anchor[i]][-HEAD_LINES:]  # across anchors
    end = body[-1]
    for i in filled[filled.index(end) + 1:][:TAIL_LINES]:  # not across one
        if anchor[i]:
            break
        end = i
    return (above or body)[0], end


def page_blocks(lines: Sequence[str], hashes: Sequence[int | None], anchors: frozenset[int]
                ) -> tuple[dict[tuple[int, int], BlockEvidence], set[int]]:
    """One page's evidence: its candidate blocks, and the anchors vetoed as starts on it."""
    anchor = [h is not None and h in anchors for h in hashes]
    where = [i for i, is_anchor in enumerate(anchor) if is_anchor]
    found: dict[tuple[int, int], BlockEvidence] = {}
    vetoed: set[int] = set()
    if len(where) < 2:
        return found, vetoed
    body = body_span(lines, anchor)
    previous: dict[int, int] = {}  # key -> its last occurrence so far
    last_seen = []  # per anchor occurrence: the previous occurrence of its key (-1: none)
    for i in where:
        last_seen.append(previous.get(hashes[i], -1))
        previous[hashes[i]] = i
    if body is not None:
        vetoed = _vetoed_starts(where, last_seen, hashes, body)
    for p in range(len(where) - 1):
        i, j = where[p], where[p + 1]
        pair = (hashes[i], hashes[j])
        if j - i < 2 or pair[0] == pair[1] or j - i + 1 > MAX_BLOCK_LINES or last_seen[p + 1] >= i:
            continue
        if not any(lines[k].strip() for k in range(i + 1, j)):
            continue
        ev = found.setdefault(pair, BlockEvidence())
        if ev.pages:
            continue  # the first block of this pair on the page stands for it
        ev.pages = 1
        if body is None or j < body[0] or i > body[1]:
            ev.longest = j - i + 1
            ev.example = (j - i + 1, _example(lines[i:j + 1]))
    return found, vetoed


def _vetoed_starts(where: Sequence[int], last_seen: Sequence[int], hashes: Sequence[int | None],
                   body: tuple[int, int]) -> set[int]:
    """The anchors a from which a block could hold a body line: an a at or before the body's end with,
    at or after the body's start and at most MAX_BLOCK_LINES on, an anchor b that is the first b after
    it (the block kind, from that a, would stop there)."""
    start, end = body
    vetoed = set()
    for i in where:
        if i > end:
            break
        if i < start - MAX_BLOCK_LINES or hashes[i] in vetoed:
            continue
        q = bisect.bisect_left(where, max(i + 1, start))
        while q < len(where) and where[q] - i + 1 <= MAX_BLOCK_LINES:
            if last_seen[q] < i and hashes[where[q]] != hashes[i]:
                vetoed.add(hashes[i])
                break
            q += 1
    return {h for h in vetoed if h is not None}


def _example(block: Sequence[str]) -> str:
    """The block's text, its inside cut to its first lines when longer (the frame stays whole)."""
    inside = [line for line in block[1:-1] if line.strip()][:EXAMPLE_LINES - 2]
    return "\n".join([block[0].strip(), *(line.strip() for line in inside), block[-1].strip()])


@dataclass(frozen=True)
class MinedBlock:
    """A block of a site that qualifies: the spellings of its start line and of the lines that end it
    (a frame's header may be followed by one of several footers), and its evidence."""

    start: tuple[str, ...]  # spellings of the start line, commonest first
    ends: tuple[tuple[str, ...], ...]  # spellings of each end line, the commonest end first
    pages: int  # pages where the start line is followed by one of the ends (once per end)
    seen: int
    max_lines: int
    example: str
    start_hash: int
    end_hashes: tuple[int, ...]

    def evidence(self) -> dict[str, int]:
        return {"pages": self.pages, "seen": self.seen}


def qualifying_blocks(blocks: dict[tuple[int, int], BlockEvidence], vetoed: set[int],
                      mined: dict[int, tuple[str, ...]], floor: int, seen: int) -> list[MinedBlock]:
    """Blocks from a mined line (`mined`: key -> spellings) never `vetoed` as a start, through the
    next of the mined lines seen to end it, on at least `floor` pages together: no block found on
    these pages holds a body. The most common first (ties by key); a block spans at most half again
    the longest seen; at most MAX_ENDS ends (the commonest)."""
    by_start: dict[int, list[tuple[int, BlockEvidence]]] = {}
    for (a, b), ev in blocks.items():
        if a in mined and b in mined and a not in vetoed and ev.example:
            by_start.setdefault(a, []).append((b, ev))
    found = []
    for a, ends in by_start.items():
        ends = sorted(ends, key=lambda e: (-e[1].pages, e[0]))[:MAX_ENDS]
        pages = sum(ev.pages for _, ev in ends)
        if pages < floor:
            continue
        longest = max(ev.longest for _, ev in ends)
        example = min(ev.example for _, ev in ends if ev.example)
        found.append(MinedBlock(mined[a], tuple(mined[b] for b, _ in ends), pages, seen,
                                min(MAX_BLOCK_LINES, longest + longest // 2), example[1], a, tuple(b for b, _ in ends)))
    return sorted(found, key=lambda m: (-m.pages, m.start_hash))
