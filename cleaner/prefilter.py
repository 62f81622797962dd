"""Literal keyword prefilter: one Aho-Corasick pass per document finds the lines a rule can match.

A rule that declares `keywords` is only tried on lines containing one of them (case-insensitive),
so most lines never reach a regex. Rules without keywords are tried on every line.

The document is scanned in chunks of whole lines of about `CHUNK_CHARS` characters, so memory
stays bounded however large the document: only one chunk is ever lower-cased (and copied by the
automaton, four bytes a character) at a time; a longer line is lower-cased whole and scanned in
overlapping windows. Lower-casing never looks across a line terminator
(the context of a Greek final sigma ends there), so chunks see exactly what the whole text would.
"""

from __future__ import annotations

import sys
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence

import ahocorasick

from .text import Line

CHUNK_CHARS = 1 << 20  # about 1 MB of text per automaton pass; a longer line is a chunk of its own


class KeywordIndex:
    """Maps lower-cased keywords to the ids of the rules that declared them."""

    def __init__(self, keywords_by_rule: Iterable[tuple[str, Sequence[str]]]) -> None:
        owners: dict[str, list[str]] = {}
        for rule_id, keywords in keywords_by_rule:
            for keyword in keywords:
                owners.setdefault(keyword.lower(), []).append(rule_id)
        # Keywords with the same owners share a group number: a line's second hit for a group is skipped.
        self._groups: list[tuple[str, ...]] = list(dict.fromkeys(tuple(ids) for ids in owners.values()))
        self._automaton = None
        self._overlap = max(map(len, owners), default=1) - 1  # a keyword is whole in one of windows this far apart
        if owners:
            group_of = {ids: n for n, ids in enumerate(self._groups)}
            automaton = ahocorasick.Automaton()
            for keyword, rule_ids in owners.items():
                automaton.add_word(keyword, group_of[tuple(rule_ids)])
            automaton.make_automaton()
            self._automaton = automaton

    def candidate_lines(self, text: str, lines: Sequence[Line],
                        chunk_chars: int = CHUNK_CHARS) -> dict[str, list[int]]:
        """Return, per rule id, the sorted indices of lines that contain one of its keywords."""
        if self._automaton is None or not lines:
            return {}
        hits: dict[str, list[int]] = {}
        for first, last in _chunks(lines, chunk_chars):
            base = lines[first].start
            chunk = text[base:lines[last].end].lower()
            if first == last:  # one line: every hit is on it, whatever lower() did to the offsets
                for window in _windows(chunk, chunk_chars, self._overlap):
                    self._record(self._automaton.iter(window), [0], first, hits)
            elif len(chunk) == lines[last].end - base:
                starts = [line.start - base for line in lines[first:last + 1]]
                self._record(self._automaton.iter(chunk), starts, first, hits)
            else:  # lower() changed some lengths (e.g. "İ"): offsets no longer line up, go line by line
                for index in range(first, last + 1):
                    self._record(self._automaton.iter(lines[index].text.lower()), [0], index, hits)
        return hits

    def _record(self, found: Iterator[tuple[int, int]], starts: list[int], first: int,
                hits: dict[str, list[int]]) -> None:
        """Add the line of each (end offset, group) hit to its rules' lists; `starts` are the offsets of
        lines `first`, `first + 1`, ... in the scanned text. Hits come in order of their end offset,
        so each list stays sorted and a repeat is always its last element."""
        next_start, index, seen = -1, first, set()
        for end, group in found:
            if end >= next_start:  # a later line than the previous hit's
                position = bisect_right(starts, end)
                index = first + position - 1
                next_start = starts[position] if position < len(starts) else sys.maxsize
                seen = set()
            elif group in seen:
                continue
            seen.add(group)
            for rule_id in self._groups[group]:
                indices = hits.setdefault(rule_id, [])
                if not indices or indices[-1] != index:
                    indices.append(index)


def _chunks(lines: Sequence[Line], chunk_chars: int) -> Iterator[tuple[int, int]]:
    """First and last line index of consecutive runs of lines spanning at most `chunk_chars` characters
    (a longer line alone)."""
    if lines[-1].end - lines[0].start <= chunk_chars:
        yield 0, len(lines) - 1
        return
    first = 0
    for index in range(1, len(lines)):
        if lines[index].end - lines[first].start > chunk_chars:
            yield first, index - 1
            first = index
    yield first, len(lines) - 1


def _windows(text: str, size: int, overlap: int) -> Iterator[str]:
    """`text` in pieces of `size` characters, each but the first also repeating the `overlap` before it:
    the automaton copies what it scans at four bytes a character, so a very long line is fed in pieces."""
    if len(text) <= size:
        yield text
        return
    for start in range(0, len(text), size):
        yield text[max(0, start - overlap):start + size]
