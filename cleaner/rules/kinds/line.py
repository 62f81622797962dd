"""The `line` kind: each line matching a pattern."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import regex

from cleaner.rules.kinds.base import Claim, Document, option, required
from cleaner.rules.kinds.context import ContextRule


@dataclass(frozen=True, kw_only=True)
class LineRule(ContextRule):
    """A line matching `pattern` (and at most `max_chars` long, when set) is removed.

    Example: pattern = '(?i)^view all newsletters$' removes the masthead line "View all newsletters".

    With `context = "standalone"` a matching line that is a sentence, occurs once and has prose lines
    above and below it stays (`kinds/context.py` defines the terms): "Related: the night's biggest
    snubs were ..." inside a report is the article's text, the same words on their own line between
    headlines are a link.

    With `structure_matches = N`, a document in which the pattern matches N lines or more keeps them
    all: so many "Click here" links are the article's own structure (a catalogue's index of its
    sections), where a page's furniture has one or two (a promotion).
    """

    kind = "line"
    REMOVES = "each line matching `pattern` (at most `max_chars` long, if set)"
    NEEDS_CANDIDATES = True
    CANDIDATE_PATTERN = "pattern"
    pattern: regex.Pattern = required(str, "the regex a removed line matches", pattern=True)
    max_chars: int = option(int, 0, "the longest line (characters) the rule removes; 0: any length")
    structure_matches: int = option(
        int,
        0,
        "with this many matching lines or more in a document, the matches "
        "are its structure (a catalogue's index) and stay; 0: never",
    )

    def depends_on_context(self) -> bool:
        return self.context != "any"

    def find(self, doc: Document) -> Iterator[Claim]:
        matched = doc.matching(self, self.pattern, doc.candidates(self), self.max_chars or None)
        if self.structure_matches and len(matched) >= self.structure_matches:
            return  # the document's own structure, not furniture: see the class docstring
        if self.context != "any":  # "article" is "standalone" for a single line
            in_matched = set(matched)
            matched = [i for i in matched if not self.line_in_prose(doc, i, in_matched)]
        for i in matched:
            yield (i, i)
