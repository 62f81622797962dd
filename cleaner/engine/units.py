"""Decide over paragraphs: the lines of a hard-wrapped paragraph are read, and removed, as one.

A terminal browser's dump or a Markdown file wrapped at 72 columns breaks each paragraph over several
lines; rules and the line model are written for a paragraph a line, and read a wrapped one as a run of
fragments. When `lines.wrapped_paragraphs` finds the active lines hard-wrapped, each paragraph becomes
one *unit*: the rules read its lines joined by a space (through `markdown_view`), and what they decide
of a unit holds for every line of it. Removals still delete the document's own lines, byte for byte.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter

from cleaner.lines import Line, markdown_view, split_lines, wrap_width, wrapped_paragraphs

_TEXT = attrgetter("text")


@dataclass(frozen=True)
class Units:
    """The active lines grouped into paragraphs: `members[u]` are unit u's line indices, `lines[u]`
    what the rules read of it, `text` those lines joined (each with a "\\n")."""

    members: list[list[int]]
    lines: list[Line]
    text: str

    def wrapped(self) -> set[tuple[int, ...]]:
        """The units of more than one line."""
        return {tuple(m) for m in self.members if len(m) > 1}

    def spread(self, owners: list, others: dict, reasons: dict, unit_owners: Sequence, unit_others: dict,
               unit_reasons: dict) -> None:
        """Give each line of a unit the unit's owner, overridden rules and reason."""
        for u, owner in enumerate(unit_owners):
            if owner is None:
                continue
            for i in self.members[u]:
                owners[i] = owner
                if u in unit_others:  # as `_match` notes them: added to what the line had, once each
                    noted = others.setdefault(i, [])
                    noted += [rule for rule in unit_others[u] if rule not in noted]
                if u in unit_reasons:
                    reasons[i] = unit_reasons[u]


class Paragraphs:
    """Finds a document's paragraphs pass after pass (`units`), its lines' widths measured once."""

    def __init__(self, lines: Sequence[Line]) -> None:
        self.lines = lines
        self.widths = list(map(len, map(str.rstrip, map(_TEXT, lines))))

    @classmethod
    def of(cls, text: str, lines: Sequence[Line]) -> Paragraphs | None:
        """For `text` and its `lines`; None when a line ends in a lone CR (the engine's `_unjoin` then
        reads lines one by one, and a paragraph would hide the CR it looks for)."""
        if "\r" in text and text.count("\r") != text.count("\r\n"):
            return None
        return cls(lines)

    def units(self, active: Sequence[int]) -> Units | None:
        """The active lines as paragraphs, or None when they do not read as hard-wrapped."""
        lines = self.lines
        width = wrap_width(list(map(self.widths.__getitem__, active)))
        if width is None:  # most documents: their texts are not even looked at
            return None
        paragraphs = wrapped_paragraphs(list(map(_TEXT, map(lines.__getitem__, active))), width)
        if paragraphs is None:
            return None
        members = [[active[p] for p in paragraph] for paragraph in paragraphs]
        joined = [" ".join([lines[m[0]].text.rstrip(), *(lines[i].text.strip() for i in m[1:])]) for m in members]
        text = markdown_view("".join(t + "\n" for t in joined))
        return Units(members, split_lines(text), text)


def regrouped(previous: Units | None, units: Units | None, active: Sequence[int]) -> bool:
    """Whether the paragraphs of a later pass differ from the earlier pass's, beyond the units it removed
    (its lines now run on into others': every rule must read the new units)."""
    before = previous.wrapped() if previous is not None else set()
    still = set(active)
    return (units.wrapped() if units is not None else set()) != {m for m in before if m[0] in still}


class UnitGuard:
    """A keep entry's guard over units: a unit is kept from a rule when any of its lines is."""

    def __init__(self, guard, members: list[list[int]]) -> None:
        self.guard, self.members = guard, members

    def refuses(self, unit: int, rule: object) -> bool:
        return any([self.guard.refuses(i, rule) for i in self.members[unit]])  # a list: each line notes it
