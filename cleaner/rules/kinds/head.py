"""The `head` kind: the lines an article opens with before its first paragraph (headline, byline, dateline)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cleaner.rules.kinds.base import Claim, Document, Rule, option
from cleaner.rules.kinds.standfirst import is_paragraph


@dataclass(frozen=True, kw_only=True)
class HeadRule(Rule):
    """The lines before the document's first paragraph, among the lines no other rule removed.

    A paragraph is a sentence-like line (`min_words` words, ending in sentence punctuation) at least
    `min_prose_chars` long. The head is every non-blank line before it, if there are at most
    `max_lines` of them, each at most `max_chars` long; otherwise (a list, a table, a document that
    opens with something else) nothing is removed. Used by the `body` profile, whose clean body
    starts at the first paragraph, as extraction benchmarks' gold bodies do; the `article` profile
    keeps the head. Runs after every other kind, so it only sees what they kept.
    """

    kind = "head"
    REMOVES = ("the non-blank lines before the first paragraph (headline, byline, dateline), if there are "
               "at most `max_lines`, each at most `max_chars` long")
    max_lines: int = option(int, 4, "the most lines the head may have", minimum=1)
    max_chars: int = option(int, 200, "the longest head line (characters)")
    min_words: int = option(int, 8, "the fewest words of the first paragraph")
    min_prose_chars: int = option(int, 60, "the shortest first paragraph (characters)")

    def find(self, doc: Document) -> Iterator[Claim]:
        head: list[int] = []
        for i, key in enumerate(doc.keys):
            if not key or doc.is_removed(i):
                continue
            if is_paragraph(key, self.min_words, self.min_prose_chars):
                yield from ((j, j) for j in head)
                return
            if len(head) == self.max_lines or len(doc.lines[i].text) > self.max_chars:
                return
            head.append(i)
