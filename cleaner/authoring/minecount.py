"""Mining pass 1: per-site counts of line keys and sketches of pages, and the site's layouts.

`SiteCounts.add_page` counts the pages holding each line key of a few pages, exactly; `CountFold`
folds such counts over a whole corpus keeping only the keys seen on two pages or more (a key seen
once so far lives in a Bloom filter, `SeenOnce`), so memory grows with the lines that repeat, not
with the corpus. A bounded sample of page sketches (bottom-k MinHash of each page's keys) gives the
site's layouts: groups of pages whose line sets overlap, such as an older design of the site.
`SitePlan` is what pass 2 reads of pass 1 for one site (`mine.plan_site` builds it).
"""

from __future__ import annotations

import bisect
import heapq
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cleaner.authoring.linekeys import key_hash, line_key, page_hash

SKETCH_SIZE = 32  # bottom-k sketch of a page's line keys, for layouts
LAYOUT_SAMPLE = 1000  # pages per site whose sketches are kept to find layouts (the smallest page hashes)
LAYOUT_MIN_PAGES = 10  # sampled pages a layout needs (fewer: a few copies of one article, not a template)
MAX_LAYOUTS = 32
LAYOUT_SIMILARITY = 0.25  # estimated Jaccard of two pages' line sets for them to share a layout
NO_LAYOUT = -1


def sketch(hashes: Iterable[int]) -> tuple[int, ...]:
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
        entry = (page_hash(text), sketch(hashes))
        if len(self.sample) < LAYOUT_SAMPLE or entry < self.sample[-1]:
            bisect.insort(self.sample, entry)
            del self.sample[LAYOUT_SAMPLE:]

    def merge(self, other: SiteCounts) -> SiteCounts:
        merged = SiteCounts(self.pages + other.pages, self.df + other.df, files=self.files + other.files)
        merged.sample = heapq.nsmallest(LAYOUT_SAMPLE, set(self.sample) | set(other.sample))
        return merged

    def repeated(self, min_pages: int) -> frozenset[int]:
        """Keys on at least `min_pages` pages: every line that could qualify, site-wide or in a layout."""
        return frozenset(h for h, n in self.df.items() if n >= min_pages)

    def anchors(self, floor: int) -> frozenset[int]:
        """Keys on at least `floor` pages: the lines that may frame a block."""
        return frozenset(h for h, n in self.df.items() if n >= floor)

    def layouts(self) -> tuple[tuple[int, ...], ...]:
        """One sketch per layout: sampled pages in page-hash order, each joining the first leader it
        resembles or else leading a layout of its own; layouts with fewer than LAYOUT_MIN_PAGES
        sampled pages are dropped (a lone page, a few copies of one article), at most MAX_LAYOUTS kept."""
        leaders: list[tuple[int, ...]] = []
        members: list[int] = []
        for _, sketch in sorted(self.sample):
            found = next((i for i, leader in enumerate(leaders) if similarity(sketch, leader) >= LAYOUT_SIMILARITY),
                         None)
            if found is not None:
                members[found] += 1
            elif sketch and len(leaders) < 4 * MAX_LAYOUTS:
                leaders.append(sketch)
                members.append(1)
        return tuple(leader for leader, n in zip(leaders, members, strict=True) if n >= LAYOUT_MIN_PAGES)[:MAX_LAYOUTS]


@dataclass(frozen=True)
class SitePlan:
    """What pass 2 needs of a site: its repeated keys, its layouts, the keys that frame blocks
    (`anchors`: on at least the site's floor of pages), and the keys on fewer pages that may qualify
    as long lines (`twice`, of at least `long_chars` characters: their long lines only are counted)."""

    repeated: frozenset[int]
    leaders: tuple[tuple[int, ...], ...]
    anchors: frozenset[int] = frozenset()
    twice: frozenset[int] = frozenset()
    long_chars: int = 0


class SeenOnce:
    """A Bloom filter of the (site, key) pairs seen so far: `check_and_add` says whether a pair was
    (probably) seen before, and records it. It never forgets a pair; it may wrongly say "seen" (about
    1 in 3,000 pairs at 5 million pairs with the default 2^27 bits), which only makes a count one too
    high: pass 2 recounts exactly, so no result depends on it."""

    def __init__(self, bits: int = 1 << 27, probes: int = 4) -> None:
        self.size = bits
        self.probes = probes
        self.bits = bytearray(bits // 8)

    def check_and_add(self, pair: int) -> bool:
        mixed = (pair * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        first, step = mixed & 0xFFFFFFFF, (mixed >> 32) | 1
        seen = True
        for i in range(self.probes):
            bit = (first + i * step) % self.size
            byte, mask = bit >> 3, 1 << (bit & 7)
            if not self.bits[byte] & mask:
                seen = False
                self.bits[byte] |= mask
        return seen


class CountFold:
    """Pass 1 over a whole corpus: folds exact per-unit counts (`SiteCounts` of a few pages) into
    per-site counts that hold only the keys seen on two pages or more. A key seen on one page so far
    lives in a Bloom filter (`SeenOnce`) until it is seen again, so memory grows with the lines that
    repeat, not with the corpus' unique body lines. A count is never too low, so every key that can
    qualify reaches pass 2, which counts exactly; the result is the same in whatever order units fold.
    """

    def __init__(self, once: SeenOnce | None = None) -> None:
        self.sites: dict[str, SiteCounts] = {}
        self.once = once or SeenOnce()

    def add(self, partial: dict[str, SiteCounts]) -> None:
        for site, part in partial.items():
            acc = self.sites.setdefault(site, SiteCounts())
            acc.pages += part.pages
            acc.files += part.files
            acc.sample = heapq.nsmallest(LAYOUT_SAMPLE, set(acc.sample) | set(part.sample))
            salt, df, seen = key_hash(site), acc.df, self.once.check_and_add
            for h, n in part.df.items():
                if h in df:
                    df[h] += n
                elif seen(salt ^ h):
                    df[h] = n + 1  # its first page went into the filter only
                elif n >= 2:
                    df[h] = n


def layout_of(sketch: Sequence[int], leaders: Sequence[Sequence[int]]) -> int:
    """The index of the most similar layout (the first on a tie), or NO_LAYOUT."""
    best, found = LAYOUT_SIMILARITY, NO_LAYOUT
    for index, leader in enumerate(leaders):
        score = similarity(sketch, leader)
        if score >= best and (found == NO_LAYOUT or score > best):
            best, found = score, index
    return found
