"""The `block` kind: from a start line through the next end line."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import regex

from cleaner.rules.kinds.base import Claim, Document, Rule, option, required


@dataclass(frozen=True, kw_only=True)
class BlockRule(Rule):
    """From a line matching `start` through the next line matching `end`, within `max_lines` lines.

    No `end` within the bound means no removal, so a stray start line never eats the body.
    Keywords filter the start line only.
    """

    kind = "block"
    REMOVES = ("from a `start` line through the next `end` line within `max_lines`; "
               "no `end` in bound, no removal")
    NEEDS_CANDIDATES = True
    CANDIDATE_PATTERN = "start"
    start: regex.Pattern = required(str, "the regex of the block's first line", pattern=True)
    end: regex.Pattern = required(str, "the regex of the block's last line", pattern=True)
    max_lines: int = option(int, 50, "the most lines a block spans, start and end included")

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
