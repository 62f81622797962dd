"""Mine a site's furniture from its own pages: the lines that repeat from page to page of one site.

Mining is two passes over a site's pages, each a reduction whose state grows with the lines that
repeat on the site, never with the text of its pages, so a corpus of any size can be mined in
bounded memory, in one process or split over a cluster:

1. Counting (`cleaner/authoring/minecount.py`): per line key (`cleaner/authoring/linekeys.py`) the
   pages holding it, and the site's layouts from sketches of a bounded sample of pages.
2. `SiteEvidence.add_page`, once the repeated keys are known: per repeated key, its spellings, its
   pages per layout, the pages where it reads as prose inside the article body, and a body line of
   the same site (for a rule's `examples.keep`). This pass runs the default rules on pages with a
   repeated prose line, to know which lines they keep as body, and on every page with a body core
   as a whole page, to know how much of the body the line model would cut (the pack's `whole_pages`;
   cleaner/authoring/minepage.py).

`propose` turns the evidence into `MinedLine` decisions under `Thresholds`. Every merge is a sum,
a minimum or a union capped by sort order, so the result is the same whatever the order of the
pages and however they are split over workers. Mining uses no gold and no page names.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from cleaner.authoring.linekeys import key_hash, line_key, page_hash
from cleaner.authoring.mineblocks import (
    BlockEvidence,
    MinedBlock,
    main_prose,
    page_blocks,
    qualifying_blocks,
)
from cleaner.authoring.minecount import NO_LAYOUT, SiteCounts, SitePlan, layout_of, sketch
from cleaner.authoring.minepage import body_lines, copies_another, cut_as_whole_page
from cleaner.authoring.thresholds import Thresholds
from cleaner.rules.ruleset import RuleSet

DEFAULTS = Thresholds()  # frozen: one shared default

SPELLINGS = 16  # spellings of a key kept (the commonest; ties by text)


@dataclass
class KeyEvidence:
    """What pass 2 saw of one repeated key on one site."""

    pages: int = 0
    by_layout: Counter = field(default_factory=Counter)
    spellings: Counter = field(default_factory=Counter)  # stripped line -> pages, the 16 commonest kept
    prose_pages: int = 0  # pages where it reads as prose inside the article body
    copy_pages: int = 0  # pages that copy another page (most of their body is found on other pages)
    body_example: tuple[int, str] | None = None  # (page hash, a body line of such a page): the smallest

    def merge(self, other: KeyEvidence) -> None:
        self.pages += other.pages
        self.by_layout.update(other.by_layout)
        self.spellings.update(other.spellings)
        if len(self.spellings) > 2 * SPELLINGS:
            self.spellings = Counter(dict(sorted(self.spellings.items(), key=lambda kv: (-kv[1], kv[0]))[:SPELLINGS]))
        self.prose_pages += other.prose_pages
        self.copy_pages += other.copy_pages
        if other.body_example and (not self.body_example or other.body_example < self.body_example):
            self.body_example = other.body_example


def plan_site(counts: SiteCounts, thresholds: Thresholds) -> SitePlan:
    """Pass 1's verdict on a site, from its counts: what pass 2 (`SiteEvidence.add_page`) needs."""
    repeated = counts.repeated(thresholds.min_pages)
    return SitePlan(repeated, counts.layouts(), counts.anchors(thresholds.floor(counts.pages)),
                    counts.repeated(thresholds.fewest_pages) - repeated, thresholds.long_chars)


@dataclass
class SiteEvidence:
    """Pass 2 for one site: pages per layout, the evidence of each repeated key and of each block
    framed by two anchors (cleaner/authoring/mineblocks.py)."""

    pages: int = 0
    layout_pages: Counter = field(default_factory=Counter)
    keys: dict[int, KeyEvidence] = field(default_factory=dict)
    blocks: dict[tuple[int, int], BlockEvidence] = field(default_factory=dict)
    vetoed: set[int] = field(default_factory=set)  # anchors from which a block could hold a body
    framed_pages: int = 0  # pages with a line on the site's floor of pages (its frame)
    body_pages: int = 0  # pages with a body core (prose between the site's frame lines)
    body_chars: int = 0  # the characters of those cores
    body_cut: int = 0  # ... that the line model removes when it takes the pages for whole pages

    def add_page(self, text: str, plan: SitePlan, rules: RuleSet, domain: str | None = None) -> None:
        """Count one page under its site's `plan` (pass 1's verdict); `rules` (the default rules) tell
        which of its lines are kept as body."""
        repeated, twice, anchors, long_chars = plan.repeated, plan.twice, plan.anchors, plan.long_chars
        lines = text.splitlines()
        hashes = [None if k is None else key_hash(k) for k in map(line_key, lines)]
        layout = layout_of(sketch(h for h in hashes if h is not None), plan.leaders)
        self.pages += 1
        self.layout_pages[layout] += 1
        found_elsewhere = repeated | twice if twice else repeated
        body, in_body = body_lines(text, lines, hashes, found_elsewhere, rules, domain)
        copy = copies_another(lines, hashes, found_elsewhere, anchors)
        ident = page_hash(text)
        example = (ident, min(body, key=lambda t: (len(t), t))) if body else None
        seen: dict[int, KeyEvidence] = {}
        for index, h in enumerate(hashes):
            if h not in repeated and (h not in twice or len(lines[index].strip()) < long_chars):
                continue
            ev = seen.get(h)
            if ev is None:
                ev = seen[h] = KeyEvidence(1, Counter({layout: 1}), body_example=example, copy_pages=int(copy))
            ev.spellings[lines[index].strip()] = 1
            if index in in_body:
                ev.prose_pages = 1
        for h, ev in seen.items():
            self.keys.setdefault(h, KeyEvidence()).merge(ev)
        blocks, vetoed = page_blocks(lines, hashes, anchors)
        for pair, block in blocks.items():
            self.blocks.setdefault(pair, BlockEvidence()).merge(block)
        self.vetoed |= vetoed
        frame = [h is not None and h in anchors for h in hashes]
        self.framed_pages += any(frame)
        core = main_prose(lines, frame)
        if core:
            cut = cut_as_whole_page(text, rules, domain)
            self.body_pages += 1
            self.body_chars += sum(len(lines[i]) for i in core)
            self.body_cut += sum(len(lines[i]) for i in core if i in cut)

    def merge(self, other: SiteEvidence) -> SiteEvidence:
        merged = SiteEvidence(self.pages + other.pages, self.layout_pages + other.layout_pages)
        for source in (self.keys, other.keys):
            for h, ev in source.items():
                merged.keys.setdefault(h, KeyEvidence()).merge(ev)
        for source in (self.blocks, other.blocks):
            for pair, block in source.items():
                merged.blocks.setdefault(pair, BlockEvidence()).merge(block)
        merged.vetoed = self.vetoed | other.vetoed
        merged.framed_pages = self.framed_pages + other.framed_pages
        merged.body_pages = self.body_pages + other.body_pages
        merged.body_chars = self.body_chars + other.body_chars
        merged.body_cut = self.body_cut + other.body_cut
        return merged

    def whole_pages(self, thresholds: Thresholds) -> dict[str, int] | None:
        """The evidence for the pack's `whole_pages` (None: the line model keeps its regime classifier):
        on at least `min_pages` pages, taking them for whole pages cut at most `page_body_loss` of their
        body cores' prose, and at least `frame_share` of the site's pages show its frame."""
        loss = thresholds.page_body_loss
        if (not loss or self.body_pages < thresholds.min_pages or self.body_cut > loss * self.body_chars
                or self.framed_pages < thresholds.frame_share * self.pages):
            return None
        return {"pages": self.body_pages, "framed_pages": self.framed_pages, "body_chars": self.body_chars,
                "body_cut_chars": self.body_cut}


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
    found = []
    site_floor = thresholds.floor(seen)
    for h, ev in evidence.keys.items():
        spellings = tuple(s for s, _ in sorted(ev.spellings.items(), key=lambda kv: (-kv[1], kv[0])))
        long_copy = thresholds.is_long(spellings[0]) and not ev.copy_pages
        floor = min(site_floor, thresholds.long_pages) if long_copy else site_floor
        layout = _qualifying_layout(ev, evidence.layout_pages, thresholds) if ev.pages < floor else None
        if ev.pages < floor and layout is None:
            continue
        via_layout = ev.pages < floor
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
        if layout == NO_LAYOUT or n < max(thresholds.min_pages, math.ceil(thresholds.layout_share * size)):
            continue
        if best is None or n / size > best[0]:
            best = (n / size, layout)
    return None if best is None else best[1]


def propose_blocks(evidence: SiteEvidence, mined: Sequence[MinedLine], thresholds: Thresholds
                   ) -> list[MinedBlock]:
    """The blocks that qualify: framed by two proposed lines, on the site's floor of pages, never
    holding a page's body."""
    frame = {m.key_hash: m.spellings for m in mined if m.proposed}
    return qualifying_blocks(evidence.blocks, evidence.vetoed, frame, thresholds.floor(evidence.pages), evidence.pages)


@dataclass(frozen=True)
class SiteMined:
    lines: list[MinedLine]
    blocks: list[MinedBlock]
    whole_pages: dict[str, int] | None = None  # SiteEvidence.whole_pages


def mine_site(texts: Sequence[str], rules: RuleSet, thresholds: Thresholds = DEFAULTS,
              domain: str | None = None) -> SiteMined:
    """Both passes over one site's pages held in memory (the library's and the tests' entry point)."""
    counts = SiteCounts()
    for text in texts:
        counts.add_page(text)
    plan = plan_site(counts, thresholds)
    evidence = SiteEvidence()
    for text in texts:
        evidence.add_page(text, plan, rules, domain)
    lines = propose(evidence, thresholds)
    return SiteMined(lines, propose_blocks(evidence, lines, thresholds), evidence.whole_pages(thresholds))


def mine_texts(texts: Sequence[str], rules: RuleSet, thresholds: Thresholds = DEFAULTS,
               domain: str | None = None) -> list[MinedLine]:
    """The lines `mine_site` finds."""
    return mine_site(texts, rules, thresholds, domain).lines
