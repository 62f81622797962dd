"""Literal keyword prefilter: one Aho-Corasick pass per document finds the lines a rule can match.

A rule that declares `keywords` is only tried on lines containing one of them (case-insensitive),
so most lines never reach a regex. Rules without keywords are tried on every line. `CandidateIndex`
narrows these lines further with the Hyperscan pattern prefilter (multimatch.py) when it is installed.

The document is scanned in chunks of whole lines of about `CHUNK_CHARS` characters, so memory
stays bounded however large the document: only one chunk is ever lower-cased (and copied by the
automaton, four bytes a character) at a time; a longer line is lower-cased whole and scanned in
overlapping windows. Lower-casing never looks across a line terminator
(the context of a Greek final sigma ends there), so chunks see exactly what the whole text would.
"""

from __future__ import annotations

import re as _re
import sys
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence

import ahocorasick
import regex

from cleaner.lines import Line
from cleaner.search.hyperscan_prefilter import LinePrefilter

CHUNK_CHARS = 1 << 20  # about 1 MB of text per automaton pass; a longer line is a chunk of its own
COMPILE_AFTER_LINES = 200_000  # about as many lines as the pattern prefilter's compile time would clean


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


class CandidateIndex:
    """Per rule, the lines worth searching with its candidate pattern: the keyword prefilter's lines,
    narrowed, when Hyperscan is installed, to the lines the pattern prefilter says the pattern may
    match (multimatch.py); a rule without keywords then gets those lines instead of every line.

    Built from (rule id, keywords, candidate pattern or None) triples. Compiling the pattern
    prefilter takes about a second, so it is done once the index has been asked about
    `compile_after` lines in all (None: never), or on `prepare()`: a short run never pays for it.
    A compiled database is cached on disk (multimatch.cache_dir), and once one is there for these
    patterns every process loads it, in milliseconds, from its first document.
    """

    def __init__(self, rules: Iterable[tuple[str, Sequence[str], regex.Pattern | None]],
                 compile_after: int | None = COMPILE_AFTER_LINES) -> None:
        rules = list(rules)
        self.keywords = KeywordIndex((rule_id, keywords) for rule_id, keywords, _ in rules if keywords)
        self._patterns = LinePrefilter((rule_id, p) for rule_id, _, p in rules if p is not None)
        self._rules = rules
        self._uncovered: KeywordIndex | None = None  # keywords of the rules the pattern prefilter misses
        # per rule, a search for any of its lower-cased keywords (as `in` finds them), in one call
        self._keyword_search: dict[str, Callable] = {
            rule_id: keyword_search(keywords) for rule_id, keywords, _ in rules if keywords}
        self._caseless = {rule_id for rule_id, keywords, _ in rules if keywords and all(map(is_caseless, keywords))}
        self.compile_after = compile_after
        self.lines_seen = 0
        self._cached: bool | None = None  # whether a compiled database was cached when first asked

    def prepare(self) -> bool:
        """Compile the pattern prefilter now; return whether it is in use (Hyperscan installed)."""
        self.compile_after = 0
        return self._patterns.available

    def candidate_lines(self, text: str, lines: Sequence[Line]) -> dict[str, list[int]]:
        """Per rule id, the sorted indices of its candidate lines (see `Document.candidates`)."""
        self.lines_seen += len(lines)
        if self._pattern_prefilter_ready():
            return self._narrowed(self._patterns.lines_matching([line.text for line in lines]), text, lines)
        return self.keywords.candidate_lines(text, lines)

    def _pattern_prefilter_ready(self) -> bool:
        if self.compile_after is None:
            return False
        if self._cached is None:  # looked up once: a file system call per document costs a fifth of a small one
            self._cached = self._patterns.cached
        return (self._cached or self.lines_seen >= self.compile_after) and self._patterns.available

    def _narrowed(self, found: dict[str, list[int]], text: str, lines: Sequence[Line]) -> dict[str, list[int]]:
        if self._uncovered is None:
            self._uncovered = KeywordIndex((rule_id, keywords) for rule_id, keywords, _ in self._rules
                                           if keywords and rule_id not in found)
        hits = self._uncovered.candidate_lines(text, lines)
        for rule_id, indices in found.items():
            search = self._keyword_search.get(rule_id)
            if search is not None:  # the lines that hold a keyword, as the keyword prefilter says
                if not indices:  # most rules on most documents: nothing to narrow, and nothing to record
                    continue
                if rule_id in self._caseless:  # (bullets, dashes) lower() changes nothing they could match
                    indices = [i for i in indices if search(lines[i].text)]
                else:
                    indices = [i for i in indices if search(lines[i].text.lower())]
                if not indices:
                    continue
            hits[rule_id] = indices
        return hits


def keyword_search(keywords: Sequence[str]) -> Callable[[str], object]:
    """A search of a lower-cased line for any of `keywords`, lower-cased: what the keyword prefilter finds on a
    line (a match object, or None), in one call."""
    return _re.compile("|".join(map(_re.escape, map(str.lower, keywords)))).search


def is_caseless(keyword: str) -> bool:
    """Whether a line holds `keyword` exactly when its lower-cased text does: no character of it has a
    case mapping or is a letter or combining mark. lower() maps letters only (and "İ" to "i" plus a
    combining dot), so it neither makes nor unmakes such a character (checked on every code point in
    tests/test_prefilter.py)."""
    return all(c.lower() == c == c.upper() and not c.isalpha() and not unicodedata.combining(c) for c in keyword)
