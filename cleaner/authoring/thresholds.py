"""When a repeated line becomes a rule (`Thresholds`): apart from the miner (`cleaner/authoring/mine.py`),
so `cleaner clean`, whose --learn-sites options show these defaults, starts without importing it."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Thresholds:
    """When a repeated line becomes a rule. Written into each mined pack's description.

    A line qualifies on at least `min_pages` pages and at least `min_share` of its site's pages, or
    on at least `layout_share` of the pages of one of its layouts (a template used by few of the
    site's pages, e.g. an older design). A line of at least `long_chars` characters needs only
    `long_pages` pages, whatever the share: the share guards against short lines that recur by
    coincidence on a big site ("Photo", "Reuters"), while a long line found word for word on two
    pages is a copy (a teaser in a "more from" list, an article re-published across pages), not the
    page's own text; unless one of those pages is itself a copy of another (most of its body is
    found on other pages: the same article saved twice), when the line needs the site's floor like
    any other (`long_chars` 0: no such exception). A line that reads as prose inside an article body on some
    page is flagged, and proposed only if it is on at least `body_share` of the site's pages (most of
    them). The line model takes the site's documents for whole pages (the pack's `whole_pages`) when,
    on the site's own pages, doing so cuts at most `page_body_loss` of the prose of their bodies' cores
    (the main gap between the site's frame lines, cleaner/authoring/mineblocks.py), measured on at least
    `min_pages` pages (0: never), and when at least `frame_share` of its pages show the site's frame (a
    line on the site's floor of pages): a folder of many sites mined as one shows none on most pages.
    Fitted on ../shared/sites, and checked leaving one site out (README, Learning a site's furniture).
    """

    min_pages: int = 3
    min_share: float = 0.03
    body_share: float = 0.5
    layout_share: float = 0.3
    long_chars: int = 100
    long_pages: int = 2
    page_body_loss: float = 0.003
    frame_share: float = 0.5

    def __post_init__(self) -> None:
        if min(self.min_pages, self.long_pages) < 2:  # one page alone teaches nothing (pass 1 keeps no count of 1)
            raise ValueError("min_pages and long_pages must be at least 2")

    @property
    def fewest_pages(self) -> int:
        """The fewest pages any line can qualify on: pass 2 gathers evidence for the keys on that many."""
        return min(self.min_pages, self.long_pages) if self.long_chars else self.min_pages

    def is_long(self, spelling: str) -> bool:
        return bool(self.long_chars) and len(spelling.strip()) >= self.long_chars

    def floor(self, seen: int) -> int:
        """The fewest pages a line (or block) needs on a site of `seen` pages."""
        return max(self.min_pages, math.ceil(self.min_share * seen))
