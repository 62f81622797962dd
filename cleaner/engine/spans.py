"""Record: the engine's per-line decisions as removals, one per run of lines with the same owner.

`Removal` is one deleted span of the input; `spans` groups consecutive removed lines with the same owner
into Removals (in C when compiled; `reference_spans` is the Python reference)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import partial
from itertools import compress, pairwise
from operator import attrgetter, ne
from typing import NamedTuple

from cleaner.lines import Line
from cleaner.rules.kinds import Rule
from cleaner.search import linefast

LAYOUT_PACK = "layout"
MANUAL = "manual"  # the rule id and pack id of lines a user removed by hand


class Removal(NamedTuple):
    """One deleted span of the input: which rule, where (character offsets, 1-based lines), what.

    A named tuple, not a dataclass: a frozen dataclass took a twentieth of the cleaning time to build.
    """

    rule_id: str
    pack_id: str
    start: int
    end: int
    first_line: int
    last_line: int
    text: str
    evidence: tuple[tuple[str, int], ...] | None = None  # the rule's, when it declares any (mined rules)
    matched: tuple[str, ...] = ()  # the owner, then every other rule whose claims covered the span
    # Why, when the rule says more than its id: one dict per line ({"line": n, ...}; the line model
    # gives its model id, probability and top features). None for pattern rules.
    reasons: tuple[dict, ...] | None = None

    def to_dict(self) -> dict:
        # Spelled out: a literal is faster than _asdict() or dict(zip(...)).
        record = {"rule_id": self.rule_id, "pack_id": self.pack_id, "start": self.start, "end": self.end,
                  "first_line": self.first_line, "last_line": self.last_line, "text": self.text,
                  "matched": list(self.matched or (self.rule_id,))}
        if self.evidence is not None:
            record["evidence"] = dict(self.evidence)
        if self.reasons:
            record["reasons"] = list(self.reasons)
        return record


def spans(text: str, lines: Sequence[Line], owners: Sequence, others: dict[int, list[Rule]],
          reasons: Mapping[int, dict]) -> list[Removal]:
    """Group consecutive removed lines with the same owner into Removals, each listing its owner and
    then the rules it overrode on any of its lines (in the order they ran), and its lines' reasons.
    `lines` are all of `text`'s lines, so a line ends where the next one starts. (Compiled, when it is:
    `reference_spans` is the reference.)"""
    if isinstance(owners, list) and isinstance(others, dict) and isinstance(reasons, dict):
        fast = linefast.spans(text, list(map(attrgetter("start"), lines)), owners, others, reasons, MANUAL,
                              LAYOUT_PACK, Removal)
        if fast is not None:
            return fast
    return reference_spans(text, lines, owners, others, reasons)


def reference_spans(text: str, lines: Sequence[Line], owners: Sequence, others: dict[int, list[Rule]],
                    reasons: Mapping[int, dict]) -> list[Removal]:
    """spans in Python."""
    removals: list[Removal] = []
    for i, j in _owned_runs(owners):
        owner = owners[i]
        start, end = lines[i].start, lines[j].start if j < len(lines) else len(text)
        if isinstance(owner, str):
            rule_id, pack_id, evidence = owner, (MANUAL if owner == MANUAL else LAYOUT_PACK), None
        else:
            rule_id, pack_id, evidence = owner.id, owner.pack_id, owner.evidence
        matched: tuple[str, ...] = (rule_id,)
        if others:
            for k in range(i, j):
                for rule in others.get(k, ()):
                    if rule.id not in matched:
                        matched += (rule.id,)
        if not reasons:
            why = None
        elif j == i + 1:  # most spans with reasons are the line model's, a line each
            why = ({"line": j, **reasons[i]},) if i in reasons else None
        else:
            why = tuple({"line": k + 1, **reasons[k]} for k in range(i, j) if k in reasons) or None
        removals.append(_new_removal((rule_id, pack_id, start, end, i + 1, j, text[start:end], evidence, matched,
                                      why)))
    return removals


def _owned_runs(owners: Sequence) -> Iterator[tuple[int, int]]:
    """(first, past the last) index of each run of consecutive lines with the same owner, not None.

    The runs are found in C, by identity (a rule's == is Python code), so lines kept or removed in
    long runs cost nothing here."""
    ids = list(map(id, owners))
    if not ids:  # an empty document
        return iter(())
    bounds = [0, *compress(range(1, len(ids)), map(ne, ids, ids[1:])), len(ids)]
    kept = id(None)
    return ((i, j) for i, j in pairwise(bounds) if ids[i] != kept)


_new_removal = partial(tuple.__new__, Removal)  # a Removal from a tuple, without a Python-level call
