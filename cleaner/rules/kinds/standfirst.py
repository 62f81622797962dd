"""The `standfirst` kind: the summary between an article's headline and its byline or dateline."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import regex

from cleaner.rules.kinds.base import Claim, Document, Rule, option, required
from cleaner.rules.kinds.prose_window import is_sentence_like

# A sentence ends at . ! ? or … (with closing quotes or brackets) before a space and a capital, a
# digit or an opening quote. Linear, on a line of at most `max_chars`: no timeout needed.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s+(?=[A-Z0-9\"“‘'(\[À-ÖØ-Þ])")


def sentence_count(text: str) -> int:
    """How many sentences `text` holds, by its sentence ends ("Dr. No" counts two: an upper bound)."""
    return len(_SENTENCE_END.findall(text.strip())) + 1


def is_paragraph(key: str, min_words: int, min_chars: int) -> bool:
    """Whether a stripped line reads as a paragraph: sentence-like and at least `min_chars` long."""
    return len(key) >= min_chars and is_sentence_like(key, min_words)


@dataclass(frozen=True, kw_only=True)
class StandfirstRule(Rule):
    """The standfirst: the one- or two-sentence summary an article prints under its headline.

    Position decides, never wording. Among the lines no other rule removed, the standfirst is the
    first paragraph-like line (`min_words` words, sentence punctuation, at least `min_prose_chars`
    long) if it is at most `max_chars` long and `max_sentences` sentences, comes after one to
    `max_before` short lines (the headline, a kicker; each at most `max_before_chars`) and nothing
    else, and is followed, before the next paragraph, by one to `max_follow` lines matching `follow`
    (a byline or dateline: "By Jane Doe", "March 3, 2024", "Updated ..."; whether another rule
    removed them or not), with only lines other rules removed between. A paragraph must come after
    them: the body. Without a byline or dateline after it a standfirst cannot be told from a first
    paragraph, and nothing is removed. Used by the `body` profile (extraction benchmarks' gold bodies
    start at the first paragraph); runs before `head`, which then takes the headline and byline.
    """

    kind = "standfirst"
    REMOVES = ("the short paragraph between the headline and a byline or dateline (`follow`) that "
               "precedes the first body paragraph")
    follow: regex.Pattern = required(str, "the regex of a byline or dateline line after the standfirst",
                                     pattern=True)
    max_chars: int = option(int, 300, "the longest standfirst (characters)")
    max_sentences: int = option(int, 2, "the most sentences of a standfirst", minimum=1)
    min_before: int = option(int, 1, "the fewest short lines (headline) before the standfirst")
    max_before: int = option(int, 3, "the most short lines before the standfirst", minimum=1)
    max_before_chars: int = option(int, 200, "the longest line before the standfirst (characters)")
    max_follow: int = option(int, 3, "the most byline and dateline lines after it", minimum=1)
    follow_chars: int = option(int, 120, "the longest byline or dateline line (characters)")
    min_words: int = option(int, 8, "the fewest words of a paragraph")
    min_prose_chars: int = option(int, 60, "the shortest paragraph (characters)")

    def find(self, doc: Document) -> Iterator[Claim]:
        found = self._locate(doc)
        if isinstance(found, int):
            yield (found, found)

    def declines(self, doc: Document) -> Iterator[tuple[int, str]]:
        found = self._locate(doc)
        if isinstance(found, tuple):
            yield found

    def _locate(self, doc: Document) -> int | tuple[int, str] | None:
        """The standfirst's line index; or (line index, why not) for a paragraph-like line in the
        standfirst's place, with a byline or dateline after it, that does not qualify; or None when
        the document has nothing in that place (most documents: said nowhere, as nothing nearly matched)."""
        first = self._first_paragraph(doc)
        if first is None:
            return None
        follows = 0
        for j in range(first + 1, len(doc.lines)):
            if not doc.keys[j]:
                continue
            if len(doc.lines[j].text) <= self.follow_chars and doc.search(self, self.follow, j):
                follows += 1
                continue
            if doc.is_removed(j):
                continue
            if not follows:
                return None
            if not is_paragraph(doc.keys[j], self.min_words, self.min_prose_chars):
                return first, "no paragraph after its byline or dateline"
            break
        else:
            return (first, "nothing after its byline or dateline") if follows else None
        if follows > self.max_follow:
            return first, f"{follows} byline/dateline lines > max_follow {self.max_follow}"
        if len(doc.lines[first].text) > self.max_chars:
            return first, f"{len(doc.lines[first].text)} chars > max_chars {self.max_chars}"
        if (count := sentence_count(doc.keys[first])) > self.max_sentences:
            return first, f"{count} sentences > max_sentences {self.max_sentences}"
        return first

    def _first_paragraph(self, doc: Document) -> int | None:
        """The first kept paragraph-like line, if only `min_before`..`max_before` short lines precede it."""
        before = 0
        for i, key in enumerate(doc.keys):
            if not key or doc.is_removed(i):
                continue
            if is_paragraph(key, self.min_words, self.min_prose_chars):
                return i if before >= self.min_before else None
            if before == self.max_before or len(doc.lines[i].text) > self.max_before_chars:
                return None
            before += 1
        return None
