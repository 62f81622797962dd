"""Which of many lines a pattern matches, in one regex call instead of one call per line.

`matching_texts(pattern, texts, timeout)` is the set of `texts` (lines, no "\\n" in them) for which
`pattern.search(text, timeout=timeout)` finds a match. A call under a timeout costs about 1.5 µs
before it reads a character, so when the pattern allows it the lines are joined with "\\n" and
scanned by one `finditer` of a *line-bounded* form of the pattern: MULTILINE (so `^` and `$` hold
at each line's start and end, as they do on the line alone) and rewritten so that nothing in it
can consume a "\\n" (`\\s` becomes `[^\\S\\n]`, `[^...]` becomes `[^...\\n]`, ...). No match can
then cross a line, and every assertion the pattern may use (`^`, `$`, `\\b`, `\\B`) sees the same
thing at a line's ends as on the line alone, so a line holds a match in the joined text exactly
when it matches alone. Patterns using anything else (lookarounds, `\\A`, `\\Z`, inline flags
other than a leading `(?i)`, `\\p{..}`, ...) are not rewritten and are searched line by line.

Fewer than MIN_JOINED lines are searched one by one (joining them costs more than it saves). The
timeout bounds each joined scan as a whole (the `regex` module's timeout is one deadline per
call). If a scan runs out of time, the lines are searched one by one as before, each under the
timeout, so the result, and which documents fail with a RuleTimeout, stay what the plain
per-line search gives.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Iterator
from functools import lru_cache
from itertools import accumulate
from time import monotonic
from typing import NamedTuple

import regex

from cleaner.search.compiled_patterns import COMPILED
from cleaner.search.regexsyntax import CONTROL_ESCAPES, HEX_DIGITS, SIMPLE_FLAGS, Unsupported, hex_escape

# About this many characters of lines per joined scan: far from any timeout on ordinary text.
CHUNK_CHARS = 1 << 18
MIN_JOINED = 16  # fewer lines are searched one by one: joining them costs more than the calls it saves
# Escapes outside a class: kept as they are, or rewritten so they cannot match "\n".
_KEPT_ESCAPES = set("SdwbBtrfvae") | {chr(c) for c in range(0x21, 0x7F) if not chr(c).isalnum()}
_NEWLINE_FREE = {"s": r"[^\S\n]", "W": r"[^\w\n]", "D": r"[^\d\n]"}
# POSIX classes that never match "\n" (inside a positive set).
_SAFE_POSIX = {"alnum", "alpha", "digit", "lower", "upper", "word", "punct", "graph", "xdigit"}
_QUANTIFIER = regex.compile(r"\{\d*(,\d*)?\}")
_POSIX = regex.compile(r"\[:(\^?)(\w+):\]")


def matching_texts(pattern: regex.Pattern, texts: Collection[str], timeout: float | None,
                   deadline: float | None = None) -> set[str]:
    """The texts among `texts` (each free of "\\n") in which `pattern.search` finds a match.

    Raises TimeoutError only when a single text's own search runs out of time, as a per-line
    search would, or when the `time.monotonic()` `deadline` (None: none) passes: each search then
    gets the time left, if that is less than `timeout`."""
    scan = line_bounded(pattern.pattern, pattern.flags) if len(texts) >= MIN_JOINED else None
    if scan is None:
        return _one_by_one(pattern, texts, timeout, deadline)
    hits: set[str] = set()
    for chunk in _chunks(list(texts)):
        joined = "\n".join(chunk)
        if joined.count("\n") != len(chunk) - 1:  # a text holds a "\n": the proof above does not apply
            return _one_by_one(pattern, texts, timeout, deadline)
        try:
            hits.update(_scan(scan, chunk, joined, _left(timeout, deadline)))
        except TimeoutError:
            hits.update(_one_by_one(pattern, chunk, timeout, deadline))
    return hits


def _left(timeout: float | None, deadline: float | None) -> float | None:
    """`timeout`, or the time left until `deadline` when less; TimeoutError when it has passed."""
    if deadline is None:
        return timeout
    left = deadline - monotonic()
    if left <= 0:
        raise TimeoutError("the deadline has passed")
    return left if timeout is None or left < timeout else timeout


def _one_by_one(pattern: regex.Pattern, texts: Collection[str], timeout: float | None,
                deadline: float | None = None) -> set[str]:
    search = pattern.search
    if deadline is None:
        return {text for text in texts if search(text, timeout=timeout) is not None}
    return {text for text in texts if search(text, timeout=_left(timeout, deadline)) is not None}


def _scan(scan: LineScan, chunk: list[str], joined: str, timeout: float | None) -> set[str]:
    """The texts of `chunk` holding a match of `scan` in `joined` ("\\n".join(chunk))."""
    if scan.anchored:  # each match captures its line's text (the last group): no offsets to map
        found_lines = scan.pattern.findall("\n" + joined, timeout=timeout)
        return set(found_lines) if scan.pattern.groups == 1 else {groups[-1] for groups in found_lines}
    starts = list(accumulate((len(text) + 1 for text in chunk[:-1]), initial=0))
    found: set[str] = set()
    last = -1
    for match in scan.pattern.finditer(joined, timeout=timeout):
        index = bisect_right(starts, match.start()) - 1
        if index != last:
            found.add(chunk[index])
            last = index
    return found


def _chunks(texts: list[str]) -> Iterator[list[str]]:
    """`texts` in consecutive runs of about CHUNK_CHARS characters (a longer text alone)."""
    first, size = 0, 0
    for i, text in enumerate(texts):
        if size and size + len(text) > CHUNK_CHARS:
            yield texts[first:i]
            first, size = i, 0
        size += len(text) + 1
    if first < len(texts):
        yield texts[first:]


class LineScan(NamedTuple):
    """The line-bounded form of a pattern; `anchored`: it is "\\n", a lookahead for the pattern's
    alternatives without their leading "^", and a last group capturing the line's text, to be scanned
    over "\\n" + the joined lines."""

    pattern: regex.Pattern
    anchored: bool


@lru_cache(maxsize=4096)
def line_bounded(source: str, flags: int) -> LineScan | None:
    """The MULTILINE, newline-free form of the pattern `source` compiled with `flags` (see the
    module docstring), or None when the pattern uses something the rewrite does not handle."""
    if flags & ~SIMPLE_FLAGS:
        return None
    try:
        pieces = list(_rewrite(source))
        flags |= regex.MULTILINE
        if source.startswith("(?i)"):
            pieces.pop(0)
            flags |= regex.IGNORECASE
        alternatives = _top_level_alternatives(pieces)
        if all(alternative[:1] == ["^"] for alternative in alternatives):
            # every match starts a line: scan for "\n" + the rest, which `regex` finds far faster than "^"
            rest = "|".join("".join(a[1:]) for a in alternatives)
            return LineScan(COMPILED.compile("\\n(?=(?:" + rest + "))([^\\n]*)", flags), True)
        return LineScan(COMPILED.compile("".join(pieces), flags), False)
    except (Unsupported, regex.error):
        return None


def _top_level_alternatives(pieces: list[str]) -> list[list[str]]:
    alternatives: list[list[str]] = [[]]
    depth = 0
    for piece in pieces:
        if piece == "|" and depth == 0:
            alternatives.append([])
            continue
        depth += (piece == "(") - (piece == ")")
        alternatives[-1].append(piece)
    return alternatives


def _rewrite(source: str) -> Iterator[str]:
    """The pieces of the rewritten pattern; raises Unsupported for anything outside the subset."""
    i, n = 0, len(source)
    if source.startswith("(?i)"):
        yield "(?i)"
        i = 4
    while i < n:
        c = source[i]
        if c == "\\":
            piece, i = _escape(source, i)
            yield piece
        elif c == "[":
            piece, i = _set(source, i)
            yield piece
        elif c == "(":
            if source.startswith("(?", i) and not source.startswith("(?:", i):
                raise Unsupported(source[i:i + 3])  # lookarounds, inline flags, named/atomic groups
            yield c
            i += 1
        elif c == "{":
            quantifier = _QUANTIFIER.match(source, i)
            if quantifier is None:
                raise Unsupported("{")  # a literal brace or fuzzy matching
            yield quantifier.group()
            i = quantifier.end()
        elif c == "\n":
            raise Unsupported("newline")
        else:  # . (never "\n" without DOTALL), ^, $, ), |, quantifiers and literal characters
            yield c
            i += 1


def _escape(source: str, i: int) -> tuple[str, int]:
    """An escape outside a set, starting at source[i] == "\\"."""
    c = source[i + 1:i + 2]
    if c in _NEWLINE_FREE:
        return _NEWLINE_FREE[c], i + 2
    if c in _KEPT_ESCAPES or c in "123456789":  # classes without "\n", assertions, literals, backreferences
        return source[i:i + 2], i + 2
    if c in HEX_DIGITS:
        code, end = hex_escape(source, i)
        if code == 0x0A:
            raise Unsupported("\\n")
        return source[i:end], end
    raise Unsupported("\\" + c)


def _set(source: str, i: int) -> tuple[str, int]:
    """A set `[...]` starting at source[i]: `[^...]` gets "\\n" added to what it excludes; a positive set
    that may hold "\\n" is guarded by `(?!\\n)`."""
    start = i
    i += 1
    negated = source.startswith("^", i)
    i += negated
    body_start = i
    low: int | None = None  # the code point before a "-", when it can start a range
    may_hold_newline = False
    while True:
        if i >= len(source):
            raise Unsupported("unterminated set")
        c = source[i]
        if c == "]":
            if i == body_start:
                raise Unsupported("] first in a set")
            break
        if c == "[":
            posix = _POSIX.match(source, i)
            if posix is None:
                raise Unsupported("nested set")
            may_hold_newline |= bool(posix.group(1)) or posix.group(2) not in _SAFE_POSIX
            i, low = posix.end(), None
            continue
        if source.startswith(("&&", "||", "--", "~~"), i):
            raise Unsupported("set operation")
        if c == "-" and low is not None and source[i + 1:i + 2] not in ("", "]"):
            high, i = _set_char(source, i + 1)
            if high is None or high < low:
                raise Unsupported("range")
            may_hold_newline |= low <= 0x0A <= high
            low = None
            continue
        value, i = _set_char(source, i)
        if value is None:  # a class escape: \s \S \d \D \w \W
            may_hold_newline |= source[i - 1] in "sWD"
        else:
            may_hold_newline |= value == 0x0A
        low = value
    end = i + 1
    if negated:
        return source[start:i] + "\\n]", end
    if may_hold_newline:
        return "(?:(?!\\n)" + source[start:end] + ")", end
    return source[start:end], end


def _set_char(source: str, i: int) -> tuple[int | None, int]:
    """One member of a set at source[i]: its code point, or None for a class escape; and where it ends."""
    c = source[i]
    if c != "\\":
        return ord(c), i + 1
    e = source[i + 1:i + 2]
    if e in ("s", "S", "d", "D", "w", "W"):
        return None, i + 2
    if e in HEX_DIGITS:
        return hex_escape(source, i)
    if e == "n":
        return 0x0A, i + 2
    if e in CONTROL_ESCAPES:
        return ord(CONTROL_ESCAPES[e]), i + 2
    if e and not e.isalnum() and e.isascii() and e.isprintable():
        return ord(e), i + 2
    raise Unsupported("\\" + e)
