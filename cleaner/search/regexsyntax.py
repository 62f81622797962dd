"""What the two pattern rewrites (`linesearch.py`, `multimatch.py`) share about `regex` source syntax."""

from __future__ import annotations

import regex

SIMPLE_FLAGS = regex.VERSION0 | regex.UNICODE | regex.IGNORECASE  # the only flags either rewrite handles
HEX_DIGITS = {"x": 2, "u": 4, "U": 8}  # escape letter -> number of hex digits after it
CONTROL_ESCAPES = {"t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a", "e": "\x1b"}  # "\\n" aside


class Unsupported(Exception):
    """The pattern uses something a rewrite does not handle: the caller falls back to the plain search."""


def hex_escape(source: str, i: int) -> tuple[int, int]:
    """The code point of the escape `\\xhh`, `\\uhhhh` or `\\Uhhhhhhhh` at source[i], and where it ends."""
    width = HEX_DIGITS[source[i + 1]]
    digits = source[i + 2:i + 2 + width]
    if len(digits) != width or not all(d in "0123456789abcdefABCDEF" for d in digits):
        raise Unsupported("escape")
    return int(digits, 16), i + 2 + width
