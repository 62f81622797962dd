"""Segment: split a document into lines with their character offsets."""

from __future__ import annotations

from functools import partial
from itertools import accumulate
from operator import add
from typing import NamedTuple

import regex

# Only CR, LF and CRLF end a line: str.splitlines() would also split on \x0b, \x0c, \x1c-\x1e, \x85,
# \u2028 and \u2029, which scrapers leave inside paragraphs.
_LINE_BREAK = regex.compile(r"(\r\n|\r|\n)")


class Line(NamedTuple):
    """One line of a document: its text without the terminator, the terminator, and its offset.

    A named tuple rather than a dataclass: a document of a million lines builds a million of them.
    """

    number: int  # 1-based
    start: int  # character offset of the first character in the document
    text: str
    end_of_line: str  # "\n", "\r\n", "\r" or "" for a last line without one

    @property
    def end(self) -> int:
        """Offset just past the line's terminator."""
        return self.start + len(self.text) + len(self.end_of_line)

    @property
    def is_blank(self) -> bool:
        return not self.text.strip()


def split_lines(text: str) -> list[Line]:
    """Split `text` into lines on CR, LF and CRLF; joining text+end_of_line gives `text` back."""
    if not text:
        return []
    if "\r" not in text:
        bodies = text.split("\n")
        ends = ["\n"] * (len(bodies) - 1)
    else:
        parts = _LINE_BREAK.split(text)  # body, terminator, body, terminator, ..., body
        bodies, ends = parts[0::2], parts[1::2]
    if bodies[-1]:
        ends.append("")
    else:  # the text ends with a terminator: no line after it
        bodies.pop()
    starts = accumulate(map(add, map(len, bodies), map(len, ends)), initial=0)  # one more: the text's end
    return list(map(_new_line, zip(range(1, len(bodies) + 1), starts, bodies, ends, strict=False)))


_new_line = partial(tuple.__new__, Line)  # builds a Line from a 4-tuple without a Python-level call
