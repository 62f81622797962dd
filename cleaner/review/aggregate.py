"""Aggregate removals over a corpus: per rule and per category, the distinct removed lines with counts
and the documents (and line numbers) they were seen in.

A removal's category is its record's `category` field when the record has one; records written
before rules had categories are grouped by their pack id instead (`RuleSummary.group`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cleaner.engine.decide import LAYOUT_PACK
from cleaner.lines import split_lines

SAMPLES_PER_LINE = 3


@dataclass(frozen=True)
class Sample:
    """Where a removed line was seen: the document's position in the corpus and the line number."""

    document: int
    line: int


@dataclass
class LineSummary:
    """One distinct removed line (its text without the line ending) and where it was removed."""

    text: str
    count: int = 0
    samples: list[Sample] = field(default_factory=list)


@dataclass
class RuleSummary:
    """Everything one rule removed across the corpus."""

    rule_id: str
    pack_id: str
    category: str | None
    spans: int = 0
    lines: int = 0
    chars: int = 0
    documents: set[int] = field(default_factory=set)
    distinct: dict[str, LineSummary] = field(default_factory=dict)

    @property
    def group(self) -> str:
        """The category, or the pack id for records that carry no category."""
        return self.category or self.pack_id

    def top_lines(self, limit: int | None = None) -> list[LineSummary]:
        """Distinct lines, most removed first (ties by text, so the order is stable)."""
        ordered = sorted(self.distinct.values(), key=lambda s: (-s.count, s.text))
        return ordered if limit is None else ordered[:limit]


def category_of(removal: dict[str, Any]) -> str | None:
    category = removal.get("category")
    return category if isinstance(category, str) and category else None


def summarize(documents: Iterable[tuple[int, list[dict[str, Any]]]]) -> dict[str, RuleSummary]:
    """Per rule id, a RuleSummary over (document position, removals) pairs; layout removals left out."""
    rules: dict[str, RuleSummary] = {}
    for position, removals in documents:
        for removal in removals:
            if removal.get("pack_id") == LAYOUT_PACK:
                continue
            rule_id = str(removal["rule_id"])
            summary = rules.get(rule_id)
            if summary is None:
                summary = rules[rule_id] = RuleSummary(rule_id, str(removal.get("pack_id", "")),
                                                       category_of(removal))
            _add(summary, position, removal)
    return dict(sorted(rules.items(), key=lambda item: (-item[1].chars, item[0])))


def _add(summary: RuleSummary, position: int, removal: dict[str, Any]) -> None:
    text = removal.get("text", "")
    lines = [line.text for line in split_lines(text)]  # CR, LF, CRLF only, as the engine numbers lines
    summary.spans += 1
    summary.lines += len(lines)
    summary.chars += len(text)
    summary.documents.add(position)
    first = int(removal.get("first_line", 1))
    for offset, line in enumerate(lines):
        if not line.strip():
            continue  # blank lines inside a removed block say nothing about the rule
        entry = summary.distinct.get(line)
        if entry is None:
            entry = summary.distinct[line] = LineSummary(line)
        entry.count += 1
        if len(entry.samples) < SAMPLES_PER_LINE and all(s.document != position for s in entry.samples):
            entry.samples.append(Sample(position, first + offset))


@dataclass
class GroupSummary:
    """The rules of one category (or pack, without categories) and their totals."""

    name: str
    rules: list[RuleSummary] = field(default_factory=list)

    @property
    def spans(self) -> int:
        return sum(r.spans for r in self.rules)

    @property
    def chars(self) -> int:
        return sum(r.chars for r in self.rules)

    @property
    def documents(self) -> int:
        return len(set().union(*(r.documents for r in self.rules)))


def by_group(rules: dict[str, RuleSummary]) -> list[GroupSummary]:
    """Rules grouped by category (pack id when a record has none), the group removing most first."""
    groups: dict[str, GroupSummary] = {}
    for rule in rules.values():
        groups.setdefault(rule.group, GroupSummary(rule.group)).rules.append(rule)
    return sorted(groups.values(), key=lambda g: (-g.chars, g.name))
