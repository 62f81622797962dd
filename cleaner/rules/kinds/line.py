"""The `line` kind: each line matching a pattern."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import regex

from cleaner.rules.kinds.base import Claim, Document, Rule, option, required


@dataclass(frozen=True, kw_only=True)
class LineRule(Rule):
    """A line matching `pattern` (and at most `max_chars` long, when set) is removed.

    Example: pattern = '(?i)^view all newsletters$' removes the masthead line "View all newsletters".
    """

    kind = "line"
    REMOVES = "each line matching `pattern` (at most `max_chars` long, if set)"
    NEEDS_CANDIDATES = True
    CANDIDATE_PATTERN = "pattern"
    pattern: regex.Pattern = required(str, "the regex a removed line matches", pattern=True)
    max_chars: int = option(int, 0, "the longest line (characters) the rule removes; 0: any length")

    def find(self, doc: Document) -> Iterator[Claim]:
        for i in doc.matching(self, self.pattern, doc.candidates(self), self.max_chars or None):
            yield (i, i)
