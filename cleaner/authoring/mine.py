"""Mine a site's furniture from its own pages: the lines that repeat from page to page of one site.

Mining is two reductions over a site's pages. Their state grows with the distinct lines of a site,
never with the text of its pages, so a corpus of any size can be mined in bounded memory, in one
process or split over a cluster:

1. `SiteCounts.add_page`: pages seen, and per line key (a 64-bit hash) the number of pages holding it;
   plus the sketches of a bounded sample of pages, from which the site's layouts are found
   (`SiteCounts.layouts`: pages whose line sets overlap, by bottom-k MinHash sketches).
2. `SiteEvidence.add_page`, once the repeated keys are known (`SiteCounts.repeated`): per repeated
   key, its spellings, its pages per layout, the pages where it reads as prose inside the article
   body, and a body line of the same pages (for a rule's `examples.keep`). This pass runs the
   default rules on each page, to know which lines they keep as body.

`propose` turns the evidence into `MinedLine` decisions under `Thresholds`. Every merge is a sum,
a minimum or a union capped by sort order, so the result is the same whatever the order of the
pages and however they are split over workers. Mining uses no gold and no page names.

A line key is the line with its whitespace collapsed, lower-cased, digit runs folded to `0` and
month and weekday names next to a number folded (`Friday, 1 April, 2005` and `Monday, 3 May, 2010`
share a key), so a stamp or a count repeats like a literal line.
"""

from __future__ import annotations

import bisect
import hashlib
import heapq
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cleaner.engine.decide import apply_rules
from cleaner.rules.kinds import is_sentence_like
from cleaner.rules.ruleset import RuleSet

MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
WEEKDAYS = r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs?(?:day)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?"
# A month or weekday name counts as part of a date only next to a number, so "You may also like"
# keeps its "may" while "Friday, 1 April, 2005" and "Jan. 22" fold.
DATE_NAME = re.compile(rf"\b(?:{MONTHS}|{WEEKDAYS})\b\.?", re.IGNORECASE)
_NUMBER_BEFORE = re.compile(r"\d[\s,./-]{0,3}$")
_NUMBER_AFTER = re.compile(r"[\s,./-]{0,3}\d")
_DIGITS = re.compile(r"\d+")
PROSE_WORDS = 5  # a line reads as prose: >= 5 words, ends in sentence punctuation, >= 45 characters
PROSE_CHARS = 45
SKETCH_SIZE = 32  # bottom-k sketch of a page's line keys, for layouts
LAYOUT_SAMPLE = 2000  # pages per site whose sketches are kept to find layouts (the smallest page hashes)
LAYOUT_SIMILARITY = 0.25  # estimated Jaccard of two pages' line sets for them to share a layout
NO_LAYOUT = -1
SPELLINGS = 16  # spellings of a key kept (the commonest; ties by text)


@dataclass(frozen=True)
class Thresholds:
    """When a repeated line becomes a rule. Written into each mined pack's description.

    A line qualifies on at least `min_pages` pages and at least `min_share` of its site's pages, or of
    the pages of one of its layouts. A line that reads as prose inside an article body on some page is
    flagged, and proposed only if it is on at least `body_share` of the site's pages (most of them).
    Fitted on ../shared/sites, and checked leaving one site out (README, Learning a site's furniture).
    """

    min_pages: int = 3
    min_share: float = 0.03
    body_share: float = 0.5


def line_key(text: str) -> str | None:
    """The key under which a line counts as the same line on other pages (None: a line without
    letters or digits, such as a blank line or a rule of dashes)."""
    collapsed = " ".join(text.split()).lower()
    if not any(c.isalnum() for c in collapsed):
        return None
    return _DIGITS.sub("0", DATE_NAME.sub(lambda m: "<d>" if is_date_name(collapsed, m) else m.group(), collapsed))


def is_date_name(text: str, match: re.Match) -> bool:
    """Whether a DATE_NAME match in `text` stands next to a number."""
    return bool(_NUMBER_BEFORE.search(text, max(0, match.start() - 4), match.start())
                or _NUMBER_AFTER.match(text, match.end()))


def key_hash(key: str) -> int:
    """A stable 64-bit hash (Python's own hash() differs from process to process)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


def page_hash(text: str) -> int:
    return key_hash(text)


def _sketch(hashes: Iterable[int]) -> tuple[int, ...]:
    return tuple(heapq.nsmallest(SKETCH_SIZE, set(hashes)))


def similarity(a: Sequence[int], b: Sequence[int]) -> float:
    """Estimated Jaccard similarity of two line sets from their bottom-k sketches."""
    union = heapq.nsmallest(SKETCH_SIZE, set(a) | set(b))
    if not union:
        return 0.0
    both = set(a) & set(b)
    return sum(1 for h in union if h in both) / len(union)


@dataclass
class SiteCounts:
    """Pass 1 for one site: pages seen, pages per line key, and a bounded sample of page sketches."""

    pages: int = 0
    df: Counter = field(default_factory=Counter)
    sample: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)  # (page hash, sketch), sorted
    files: list[str] = field(default_factory=list)  # the site's files, when mined from files

    def add_page(self, text: str) -> None:
        hashes = {key_hash(k) for k in map(line_key, text.splitlines()) if k is not None}
        self.pages += 1
        self.df.update(hashes)
        entry = (page_hash(text), _sketch(hashes))
        if len(self.sample) < LAYOUT_SAMPLE or entry < self.sample[-1]:
            bisect.insort(self.sample, entry)
            del self.sample[LAYOUT_SAMPLE:]

    def merge(self, other: SiteCounts) -> SiteCounts:
        merged = SiteCounts(self.pages + other.pages, self.df + other.df, files=sorted(self.files + other.files))
        merged.sample = heapq.nsmallest(LAYOUT_SAMPLE, set(self.sample) | set(other.sample))
        return merged

    def repeated(self, thresholds: Thresholds) -> frozenset[int]:
        """Keys on at least `min_pages` pages: every line that could qualify, site-wide or in a layout."""
        return frozenset(h for h, n in self.df.items() if n >= thresholds.min_pages)

    def layouts(self) -> tuple[tuple[int, ...], ...]:
        """One sketch per layout: a leader page, taken in page-hash order, then every sampled page
        unlike all leaders so far starts a layout of its own."""
        leaders: list[tuple[int, ...]] = []
        for _, sketch in sorted(self.sample):
            if sketch and all(similarity(sketch, leader) < LAYOUT_SIMILARITY for leader in leaders):
                leaders.append(sketch)
        return tuple(leaders)


def layout_of(sketch: Sequence[int], leaders: Sequence[Sequence[int]]) -> int:
    """The index of the most similar layout (the first on a tie), or NO_LAYOUT."""
    best, found = LAYOUT_SIMILARITY, NO_LAYOUT
    for index, leader in enumerate(leaders):
        score = similarity(sketch, leader)
        if score >= best and (found == NO_LAYOUT or score > best):
            best, found = score, index
    return found


@dataclass
class KeyEvidence:
    """What pass 2 saw of one repeated key on one site."""

    pages: int = 0
    by_layout: Counter = field(default_factory=Counter)
    spellings: Counter = field(default_factory=Counter)  # stripped line -> pages, the 16 commonest kept
    prose_pages: int = 0  # pages where it reads as prose inside the article body
    body_example: tuple[int, str] | None = None  # (page hash, a body line of such a page): the smallest

    def merge(self, other: KeyEvidence) -> None:
        self.pages += other.pages
        self.by_layout.update(other.by_layout)
        self.spellings.update(other.spellings)
        if len(self.spellings) > 2 * SPELLINGS:
            self.spellings = Counter(dict(sorted(self.spellings.items(), key=lambda kv: (-kv[1], kv[0]))[:SPELLINGS]))
        self.prose_pages += other.prose_pages
        if other.body_example and (not self.body_example or other.body_example < self.body_example):
            self.body_example = other.body_example


@dataclass
class SiteEvidence:
    """Pass 2 for one site: pages per layout and the evidence of each repeated key."""

    pages: int = 0
    layout_pages: Counter = field(default_factory=Counter)
    keys: dict[int, KeyEvidence] = field(default_factory=dict)

    def add_page(self, text: str, repeated: frozenset[int], leaders: Sequence[Sequence[int]],
                 rules: RuleSet, domain: str | None = None) -> None:
        """Count one page; `rules` (the default rules) tell which of its lines are kept as body."""
        lines = text.splitlines()
        hashes = [None if k is None else key_hash(k) for k in map(line_key, lines)]
        layout = layout_of(_sketch(h for h in hashes if h is not None), leaders)
        self.pages += 1
        self.layout_pages[layout] += 1
        body, in_body = _body_lines(text, lines, hashes, repeated, rules, domain)
        ident = page_hash(text)
        example = (ident, min(body, key=lambda t: (len(t), t))) if body else None
        seen: dict[int, KeyEvidence] = {}
        for index, h in enumerate(hashes):
            if h not in repeated:
                continue
            ev = seen.get(h)
            if ev is None:
                ev = seen[h] = KeyEvidence(1, Counter({layout: 1}), body_example=example)
            ev.spellings[lines[index].strip()] = 1
            if index in in_body:
                ev.prose_pages = 1
        for h, ev in seen.items():
            self.keys.setdefault(h, KeyEvidence()).merge(ev)

    def merge(self, other: SiteEvidence) -> SiteEvidence:
        merged = SiteEvidence(self.pages + other.pages, self.layout_pages + other.layout_pages)
        for source in (self.keys, other.keys):
            for h, ev in source.items():
                merged.keys.setdefault(h, KeyEvidence()).merge(ev)
        return merged


def reads_as_prose(text: str) -> bool:
    return len(text.strip()) >= PROSE_CHARS and is_sentence_like(text, PROSE_WORDS)


def _body_lines(text: str, lines: list[str], hashes: list, repeated: frozenset[int], rules: RuleSet,
                domain: str | None) -> tuple[list[str], set[int]]:
    """The page's body lines (prose the default rules keep, not repeated elsewhere, at most 300
    characters: candidates for examples.keep), and the indices of repeated lines that read as prose
    inside the body: kept by the default rules, with kept prose that is the page's own on both sides."""
    removed = _removed_line_indices(text, rules, domain)
    kept = [i for i, line in enumerate(lines) if i not in removed and line.strip()]
    prose = {i for i in kept if reads_as_prose(lines[i])}
    own = {i for i in prose if hashes[i] not in repeated}
    in_body = {kept[p] for p in range(1, len(kept) - 1)
               if kept[p] in prose and hashes[kept[p]] in repeated and kept[p - 1] in own and kept[p + 1] in own}
    return [lines[i].strip() for i in sorted(own) if len(lines[i].strip()) <= 300], in_body


def _removed_line_indices(text: str, rules: RuleSet, domain: str | None) -> set[int]:
    """0-based indices of the lines the rules remove. (`str.splitlines` and the engine split alike on
    CR, LF and CRLF; a text using other separators only shifts which lines count as body.)"""
    removed: set[int] = set()
    for r in apply_rules(text, rules, domain).removals:
        removed.update(range(r.first_line - 1, r.last_line))
    return removed


@dataclass(frozen=True)
class MinedLine:
    """One repeated line of a site and what mining decided about it."""

    key_hash: int
    spellings: tuple[str, ...]  # commonest first
    pages: int
    seen: int
    layout_pages: int | None  # when it qualified through a layout rather than the whole site
    layout_seen: int | None
    prose_pages: int
    proposed: bool  # False: held back (reads as prose in a body, and not on most pages)
    body_example: str | None

    def evidence(self) -> dict[str, int]:
        evidence = {"pages": self.pages, "seen": self.seen}
        if self.layout_pages is not None:
            evidence |= {"layout_pages": self.layout_pages, "layout_seen": self.layout_seen}
        if self.prose_pages:
            evidence["prose_pages"] = self.prose_pages
        return evidence


def propose(evidence: SiteEvidence, thresholds: Thresholds) -> list[MinedLine]:
    """The lines that qualify, commonest first (ties by spelling, so the order is stable)."""
    seen = evidence.pages
    site_floor = max(thresholds.min_pages, math.ceil(thresholds.min_share * seen))
    found = []
    for h, ev in evidence.keys.items():
        layout = _qualifying_layout(ev, evidence.layout_pages, thresholds)
        if ev.pages < site_floor and layout is None:
            continue
        via_layout = ev.pages < site_floor
        spellings = tuple(s for s, _ in sorted(ev.spellings.items(), key=lambda kv: (-kv[1], kv[0])))
        found.append(MinedLine(
            key_hash=h, spellings=spellings, pages=ev.pages, seen=seen,
            layout_pages=ev.by_layout[layout] if via_layout else None,
            layout_seen=evidence.layout_pages[layout] if via_layout else None,
            prose_pages=ev.prose_pages,
            proposed=not ev.prose_pages or ev.pages >= thresholds.body_share * seen,
            body_example=ev.body_example[1] if ev.body_example else None,
        ))
    return sorted(found, key=lambda m: (-m.pages, m.spellings[0], m.key_hash))


def _qualifying_layout(ev: KeyEvidence, layout_pages: Counter, thresholds: Thresholds) -> int | None:
    """The layout (the largest share first, then the lowest index) in which the key qualifies."""
    best = None
    for layout, n in sorted(ev.by_layout.items()):
        size = layout_pages[layout]
        if layout == NO_LAYOUT or n < max(thresholds.min_pages, math.ceil(thresholds.min_share * size)):
            continue
        if best is None or n / size > best[0]:
            best = (n / size, layout)
    return None if best is None else best[1]


def mine_texts(texts: Sequence[str], rules: RuleSet, thresholds: Thresholds = Thresholds(),
               domain: str | None = None) -> list[MinedLine]:
    """Both passes over one site's pages held in memory (the library's and the tests' entry point)."""
    counts = SiteCounts()
    for text in texts:
        counts.add_page(text)
    repeated, leaders = counts.repeated(thresholds), counts.layouts()
    evidence = SiteEvidence()
    for text in texts:
        evidence.add_page(text, repeated, leaders, rules, domain)
    return propose(evidence, thresholds)
