"""Line keys: when two lines of a site's pages count as the same line.

A key is the line with its whitespace collapsed, lower-cased, digit runs folded to `0`, and month and
weekday names next to a number folded (`Friday, 1 April, 2005` and `Monday, 3 May, 2010` share a
key), so a stamp or a count repeats like a literal line, and a table row's empty cells folded (`|  |
You are in: UK |  |` and `| You are in: UK |` share a key). Keys are hashed to 64 bits with a hash that
is the same in every process (Python's own hash() is not).
"""

from __future__ import annotations

import hashlib
import re

MONTHS = (r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?")
WEEKDAYS = r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs?(?:day)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?"
# A month or weekday name counts as part of a date only next to a number, so "You may also like"
# keeps its "may" while "Friday, 1 April, 2005" and "Jan. 22" fold.
DATE_NAME = re.compile(rf"\b(?:{MONTHS}|{WEEKDAYS})\b\.?", re.IGNORECASE)
_NUMBER_BEFORE = re.compile(r"\d[\s,./-]{0,3}$")
_NUMBER_AFTER = re.compile(r"[\s,./-]{0,3}\d")
_DIGITS = re.compile(r"\d+")
# A table row as an extractor writes it ("|  | You are in: UK |  |  |"): the empty cells around and
# between the text are layout, so the row and its padded or plain variants share a key. A pipe after
# a backslash is text inside a cell ("page 1 \\| 2"), not a cell border.
CELL_BORDERS = r"(?:\s*(?<!\\)\|)+\s*"
_EDGE_CELLS = re.compile(rf"^{CELL_BORDERS}|{CELL_BORDERS}$")
_INNER_CELLS = re.compile(CELL_BORDERS)

def line_key(text: str) -> str | None:
    """The key under which a line counts as the same line on other pages (None: a line without
    letters or digits, such as a blank line or a rule of dashes)."""
    collapsed = " ".join(text.split()).lower()
    if not any(c.isalnum() for c in collapsed):
        return None
    if "|" in collapsed:
        collapsed = _INNER_CELLS.sub(" | ", _EDGE_CELLS.sub("", collapsed))
    if not _DIGITS.search(collapsed):  # most lines: no number, so no date or count to fold
        return collapsed
    return _DIGITS.sub("0", DATE_NAME.sub(lambda m: "<d>" if is_date_name(collapsed, m) else m.group(), collapsed))


def is_date_name(text: str, match: re.Match) -> bool:
    """Whether a DATE_NAME match in `text` stands next to a number."""
    return bool(_NUMBER_BEFORE.search(text, max(0, match.start() - 4), match.start())
                or _NUMBER_AFTER.match(text, match.end()))


def key_hash(key: str) -> int:
    """A stable 64-bit hash (Python's own hash() differs from process to process)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")


def page_hash(text: str) -> int:
    return key_hash(text)
