"""A list of entries that name what follows it (`list_run`'s `recur_share`): a table of contents.

Pure functions over a document's stripped lines (`Document.keys`); no rule state.
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

# The marks in front, then (searched backwards from the end: forwards it is tried at every position) a trailing colon.
_ENTRY_LEAD, _ENTRY_TAIL = regex.compile(r"\s*(?:[#*+•·▪◦‣-]+\s*|\d{1,3}[.)]\s+)*"), regex.compile(r"(?r)\s*:?\s*$")


def entry(key: str) -> str:
    """A line as a table of contents names it: without a list marker, heading marks or a number in front
    ("  • 2. Remove the paint", "## Remove the paint:"), a trailing colon, or case."""
    start = _ENTRY_LEAD.match(key).end()
    return key[start:_ENTRY_TAIL.search(key, start).start()].casefold()


def entries_end(keys: Sequence[str], start: int, last: int, recur_share: float) -> int | None:
    """Where a run of entries `start`..`last` (indices into `keys`) ends, None when it is not a list of
    entries: before the line that repeats its first entry found again below (the section it names begins
    there), if at least `recur_share` of the items up to it occur again below as lines of their own
    (`entry` of each)."""
    entries = [entry(key) if key else "" for key in keys[start:]]
    later: dict[str, int] = {}  # each entry's last line, relative to `start`
    for offset, name in enumerate(entries):
        if name:
            later[name] = offset
    named = next((o for o in range(last - start + 1) if entries[o] and later[entries[o]] > o), None)
    if named is not None:
        repeat = next((o for o in range(named + 1, last - start + 1) if entries[o] == entries[named]), None)
        last = start + repeat - 1 if repeat is not None else last
    items = [o for o in range(last - start + 1) if entries[o]]
    recurring = sum(later[entries[o]] > last - start for o in items)
    return last if items and recurring >= recur_share * len(items) else None
