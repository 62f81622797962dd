"""Apply a RuleSet to a document: match, decide who owns each removed line, lay out the result.

Decisions are per line. Rules run in the order `RuleSet.rules` gives (by kind: block, line,
list_run, tail, repeat; then pack and file order), and a line claimed by an earlier rule keeps that
attribution, so every removed span belongs to exactly one rule. The layout pass then removes blank
lines at the start and end and every blank line that follows another kept blank line; those
removals are recorded too, under the pseudo-pack "layout". If the last kept line has no line
terminator, a "\\n" is appended and recorded. Kept lines are never altered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from .kinds import Document, Rule
from .ruleset import RuleSet
from .text import Line, split_lines

LAYOUT_PACK = "layout"
LEADING_BLANK = "layout.leading-blank"
BLANK_RUN = "layout.blank-run"
TRAILING_BLANK = "layout.trailing-blank"


@dataclass(frozen=True)
class Removal:
    """One deleted span of the input: which rule, where (character offsets, 1-based lines), what."""

    rule_id: str
    pack_id: str
    start: int
    end: int
    first_line: int
    last_line: int
    text: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Outcome:
    """What the engine decided for one document."""

    text: str
    removals: tuple[Removal, ...]
    final_newline_added: bool


def apply_rules(text: str, ruleset: RuleSet, domain: str | None = None) -> Outcome:
    """Clean `text` with the rules of `ruleset` that apply to `domain`."""
    lines = split_lines(text)
    doc = Document(lines, ruleset.index.candidate_lines(text, lines), ruleset.timeout)
    for rule in ruleset.rules(domain, scoped=True):
        for first, last in rule.find(doc):
            for i in range(first, last + 1):
                if doc.claimed[i] is None:
                    doc.claimed[i] = rule
    owners: list[Rule | str | None] = list(doc.claimed)
    _layout(lines, owners)
    kept = [line.text + line.end_of_line for line, owner in zip(lines, owners, strict=True) if owner is None]
    add_newline = bool(kept) and not kept[-1].endswith(("\n", "\r"))
    clean = "".join(kept) + ("\n" if add_newline else "")
    return Outcome(clean, tuple(_spans(text, lines, owners)), add_newline)


def _layout(lines: Sequence[Line], owners: list) -> None:
    kept = [i for i, owner in enumerate(owners) if owner is None]
    head = 0
    while head < len(kept) and lines[kept[head]].is_blank:
        owners[kept[head]] = LEADING_BLANK
        head += 1
    tail = len(kept)
    while tail > head and lines[kept[tail - 1]].is_blank:
        tail -= 1
        owners[kept[tail]] = TRAILING_BLANK
    previous_blank = False
    for i in kept[head:tail]:
        blank = lines[i].is_blank
        if blank and previous_blank:
            owners[i] = BLANK_RUN
        previous_blank = blank


def _spans(text: str, lines: Sequence[Line], owners: Sequence) -> list[Removal]:
    """Group consecutive removed lines with the same owner into Removals."""
    removals: list[Removal] = []
    i, n = 0, len(lines)
    while i < n:
        owner = owners[i]
        if owner is None:
            i += 1
            continue
        j = i
        while j + 1 < n and owners[j + 1] is owner:
            j += 1
        start, end = lines[i].start, lines[j].end
        rule_id, pack_id = (owner, LAYOUT_PACK) if isinstance(owner, str) else (owner.id, owner.pack_id)
        removals.append(Removal(rule_id, pack_id, start, end, i + 1, j + 1, text[start:end]))
        i = j + 1
    return removals
