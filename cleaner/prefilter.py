"""Literal keyword prefilter: one Aho-Corasick pass per document finds the lines a rule can match.

A rule that declares `keywords` is only tried on lines containing one of them (case-insensitive),
so most lines never reach a regex. Rules without keywords are tried on every line.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence

import ahocorasick

from .text import Line


class KeywordIndex:
    """Maps lower-cased keywords to the ids of the rules that declared them."""

    def __init__(self, keywords_by_rule: Iterable[tuple[str, Sequence[str]]]) -> None:
        owners: dict[str, list[str]] = {}
        for rule_id, keywords in keywords_by_rule:
            for keyword in keywords:
                owners.setdefault(keyword.lower(), []).append(rule_id)
        self._automaton = None
        if owners:
            automaton = ahocorasick.Automaton()
            for keyword, rule_ids in owners.items():
                automaton.add_word(keyword, tuple(rule_ids))
            automaton.make_automaton()
            self._automaton = automaton

    def candidate_lines(self, text: str, lines: Sequence[Line]) -> dict[str, list[int]]:
        """Return, per rule id, the sorted indices of lines that contain one of its keywords."""
        if self._automaton is None or not lines:
            return {}
        lowered = text.lower()
        hits: dict[str, set[int]] = {}
        if len(lowered) == len(text):
            starts = [line.start for line in lines]
            for end, rule_ids in self._automaton.iter(lowered):
                index = bisect_right(starts, end) - 1
                for rule_id in rule_ids:
                    hits.setdefault(rule_id, set()).add(index)
        else:  # lower() changed some lengths (e.g. "İ"): offsets no longer line up, go line by line
            for index, line in enumerate(lines):
                for _, rule_ids in self._automaton.iter(line.text.lower()):
                    for rule_id in rule_ids:
                        hits.setdefault(rule_id, set()).add(index)
        return {rule_id: sorted(found) for rule_id, found in hits.items()}
