"""One Hyperscan pass over a document finds, for many line patterns at once, a superset of the lines
each can match, so the exact `regex` search (under its timeout, as before) only has to confirm those.

Hyperscan's own idea of `\\w`, `\\s`, case folding, `\\b` ... differs from the `regex` module's, so
a pattern is not handed to it as written: `superset_expression` rewrites it into a byte-level
expression that matches, on any one line, wherever the pattern matches (a superset is all a
prefilter needs; it is never trusted to say a line *does* match):

- The scanned bytes are the lines joined by "\\n", in UTF-8, except that each non-ASCII character
  that `regex` matches with an ASCII one under (?i) ("İ", "ı", "ſ", KELVIN SIGN; found by asking
  `regex`, see `ascii_case_variants`) is replaced by that ASCII character.
- Every one-character atom (a literal, `.`, a class escape, a set) becomes the bytes of the characters
  it matches, as `regex` itself says with the pattern's flags: every ASCII character tried one by one
  (case variants standing as their replacements); non-ASCII characters exactly for literals and
  small sets of literals (their other case forms found by one scan of every code point), else as
  "any run of non-ASCII bytes", which covers every non-ASCII character.
- Assertions (`\\b`, `\\B`, lookarounds, a `$` that does not end the pattern) are dropped,
  backreferences become "anything on the line", lazy and possessive quantifiers become greedy,
  repeats bounded above _LONG_REPEAT lose their bound: each step only lets more match.
- `^`, and `$` at the end of a top-level alternative (as the line's "\\n"), keep their meaning:
  Hyperscan's multi-line `^` holds exactly after each "\\n", as `^` does at a line's start
  (`regex` without MULTILINE; no line text holds a "\\n").

Groups, alternation and greedy quantifiers mean the same in both. Every expression ends in the
line's "\\n" (`[^\\n]*\\n` is appended where the pattern does not end in `$`), so each line it
matches is reported once, at its "\\n". A pattern using anything else (other flags, `\\p{..}`,
fuzzy matching, scoped flags, ...) gets no expression and keeps the keyword prefilter alone.
Hyperscan is optional (the `fast` extra): without it nothing changes.
"""

from __future__ import annotations

import sys
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from functools import partial
from itertools import accumulate, repeat
from operator import add
from pathlib import Path

import regex

from cleaner.search import hyperscan_atoms, hyperscan_rewrite, linefast, regexsyntax
from cleaner.search.hyperscan_atoms import (  # noqa: F401 - ascii_case_variants, _every_non_ascii: the tests' way in
    _every_non_ascii,
    ascii_case_variants,
    scanned_bytes,
)
from cleaner.search.hyperscan_cache import cache_dir, cache_key, load_cached, save_cached
from cleaner.search.hyperscan_rewrite import superset_expression

try:
    import hyperscan
except ImportError:  # pragma: no cover - exercised when the optional dependency is absent
    hyperscan = None

CHUNK_CHARS = 1 << 20  # lines scanned at once (a longer line alone)


class LinePrefilter:
    """Hyperscan over many line patterns at once: which lines each pattern may match (a superset).

    Built from (key, pattern) pairs; patterns the rewrite does not handle are left out of the
    result. The database is compiled on first use.
    """

    def __init__(self, patterns: Iterable[tuple[str, regex.Pattern]]) -> None:
        self._sources = list(patterns)
        self._patterns = self._sources if hyperscan is not None else []  # those still to compile
        self._database: object | None = None
        self._keys: list[str] = []
        self._lock = threading.Lock()
        self._local = threading.local()  # a scan needs scratch space no other thread is using
        self._cache_path: Path | None = None

    @property
    def cache_path(self) -> Path | None:
        """Where the compiled database is cached (None without Hyperscan); see `cache_dir`."""
        if self._cache_path is None and hyperscan is not None:
            # a change to the rewrite is a new cache
            code = [sys.modules[__name__], hyperscan_rewrite, hyperscan_atoms, regexsyntax]
            self._cache_path = cache_dir() / f"hyperscan-{cache_key(self._sources, code)}.db"
        return self._cache_path

    @property
    def cached(self) -> bool:
        """Whether a compiled database for these patterns is ready to load (loading costs milliseconds)."""
        path = self.cache_path if self._sources else None
        return self._database is not None or (path is not None and path.is_file())

    def __reduce__(self) -> tuple:
        """Pickled (to another process) as its patterns: the database is compiled again there, on first use."""
        return (LinePrefilter, (self._sources,))

    @property
    def available(self) -> bool:
        """Whether Hyperscan is installed and covers at least one pattern (compiling the database)."""
        if self._database is None and self._patterns:
            with self._lock:
                if self._database is None and self._patterns:
                    self._compile()
        return self._database is not None

    def _compile(self) -> None:
        loaded = load_cached(self.cache_path, [key for key, _ in self._sources])
        if loaded is not None:
            self._patterns = []
            self._keys, self._database = loaded
            return
        self._compile_expressions()
        if self._database is not None:
            save_cached(self.cache_path, self._keys, self._database)

    def _compile_expressions(self) -> None:
        expressions = []
        for key, pattern in self._patterns:
            expression = superset_expression(pattern.pattern, pattern.flags)
            if expression is not None:
                expressions.append((key, expression.encode("ascii")))
        self._patterns = []
        flags = hyperscan.HS_FLAG_MULTILINE
        try:
            kept = [(key, expression, flags) for key, expression in expressions]
            database = _database(kept)
        except hyperscan.error:  # find the expressions Hyperscan refuses; a prefilter-mode superset may do
            kept = []
            for key, expression in expressions:
                for extra in (0, hyperscan.HS_FLAG_PREFILTER):
                    try:
                        _database([(key, expression, flags | extra)])
                    except hyperscan.error:
                        continue
                    kept.append((key, expression, flags | extra))
                    break
            database = _database(kept) if kept else None
        self._keys = [key for key, _, _ in kept]
        self._database = database  # last: `available` reads it without the lock

    def lines_matching(self, texts: Sequence[str]) -> dict[str, list[int]]:
        """Per key whose pattern is covered, the sorted indices of the `texts` (lines, no "\\n" in them)
        the pattern may match (every one it does match among them). Call only when `available`.

        The lines are scanned in runs of about CHUNK_CHARS characters, so memory stays bounded."""
        if not self.available:
            raise RuntimeError("no pattern prefilter: Hyperscan is not installed or covers no pattern")
        found: list[list[int]] = [[] for _ in self._keys]
        if sum(map(len, texts)) + len(texts) <= CHUNK_CHARS:
            self._scan(texts, 0, found)
            return dict(zip(self._keys, found, strict=True))
        # ends[i]: characters scanned up to and including line i and its "\n" (built in C, no loop per line)
        ends = list(accumulate(map(add, map(len, texts), repeat(1))))
        first = 0
        while first < len(texts):  # each run: the lines that fit in CHUNK_CHARS, at least one
            last = max(first, bisect_right(ends, (ends[first - 1] if first else 0) + CHUNK_CHARS) - 1)
            self._scan(texts[first:last + 1], first, found)
            first = last + 1
        return dict(zip(self._keys, found, strict=True))

    def _scan(self, texts: Sequence[str], first: int, found: list[list[int]]) -> None:
        """Add `first` + the index of each of `texts` a pattern may match to that pattern's list."""
        data, joined = scanned_bytes(texts)
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self._database)
        noted = linefast.match_ends(len(self._keys))
        if noted is not None:  # the same lines, noted and mapped in C: no Python call per match
            self._database.scan(data, match_event_handler=noted, scratch=scratch)
            for pattern_id, indices in enumerate(noted.lines(data, first)):
                if indices:
                    found[pattern_id] += indices
            return
        ends: list[list[int]] = [[] for _ in self._keys]

        def on_match(pattern_id: int, start: int, end: int, flags: int, context: object) -> None:
            ends[pattern_id].append(end)

        self._database.scan(data, match_event_handler=on_match, scratch=scratch)
        bounds: list[int] | None = None  # where each line's "\\n" ends in `data`
        for pattern_id, offsets in enumerate(ends):
            if not offsets:
                continue
            if bounds is None:
                lengths = map(len, texts) if len(data) == len(joined) else map(len, data.split(b"\n"))
                bounds = list(accumulate(map((1).__add__, lengths)))
            # a match ends on line i when bounds[i - 1] < end <= bounds[i] (a true match at bounds[i], once);
            # map() keeps the per-match work in C: dense patterns (bulleted items) match a third of all lines
            indices = sorted(set(map(partial(bisect_left, bounds), offsets)))
            found[pattern_id] += [first + i for i in indices] if first else indices


def _database(expressions: Sequence[tuple[str, bytes, int]]) -> object:
    database = hyperscan.Database()
    database.compile(expressions=[e for _, e, _ in expressions], ids=list(range(len(expressions))),
                     flags=[f for _, _, f in expressions])
    return database
