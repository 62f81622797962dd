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
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache, partial
from itertools import accumulate
from pathlib import Path

import regex

from cleaner.search import regexsyntax
from cleaner.search.hyperscan_cache import cache_dir, cache_key, load_cached, save_cached
from cleaner.search.regexsyntax import CONTROL_ESCAPES, HEX_DIGITS, SIMPLE_FLAGS, Unsupported, hex_escape

try:
    import hyperscan
except ImportError:  # pragma: no cover - exercised when the optional dependency is absent
    hyperscan = None

_QUANTIFIER = regex.compile(r"\{(\d*)(?:(,)(\d*))?\}")
_POSIX = regex.compile(r"\[:\^?\w+:\]")
CHUNK_CHARS = 1 << 20  # lines scanned at once (a longer line alone)
_LONG_REPEAT = 16  # a repeat bounded above this is compiled unbounded: cheaper, and still a superset
_SURROGATES = range(0xD800, 0xE000)


_ANY_NON_ASCII = "[\\x80-\\xff]+"  # the UTF-8 bytes of any non-ASCII character (and more)
_MAX_EXACT = 32  # a set matching more non-ASCII characters than this is scanned as _ANY_NON_ASCII


@lru_cache(maxsize=1)
def _every_non_ascii() -> str:
    return "".join(map(chr, range(0x80, 0xD800))) + "".join(map(chr, range(0xE000, 0x110000)))


def _non_ascii_matches(atom: str, ignorecase: bool) -> list[str]:
    """The non-ASCII characters (surrogates aside) that the one-character `atom` matches."""
    runs = regex.compile(("(?i)" if ignorecase else "") + "(?:" + atom + ")+").findall(_every_non_ascii())
    return [char for run in runs for char in run]


@lru_cache(maxsize=1)
def ascii_case_variants() -> dict[str, str]:
    """The non-ASCII characters that `regex` matches, under (?i), with an ASCII character ("K", KELVIN
    SIGN, "İ", ...), each with an ASCII character it matches: the scan sees them as that character."""
    return {char: next(chr(c) for c in range(0x80) if regex.fullmatch("(?i)" + regex.escape(chr(c)), char))
            for char in _non_ascii_matches(r"[\x00-\x7f]", True)}


def scanned_bytes(texts: Sequence[str]) -> tuple[bytes, str]:
    """The bytes Hyperscan scans for these lines, and the text they encode: the lines joined by "\\n",
    each case variant of an ASCII character replaced by that character, in UTF-8 (surrogates passed)."""
    joined = "\n".join(texts) + "\n"
    if not joined.isascii():
        for variant, char in ascii_case_variants().items():
            if variant in joined:
                joined = joined.replace(variant, char)
    return joined.encode("utf-8", "surrogatepass"), joined


@cache
def _atom_expression(atom: str, ignorecase: bool, exact: bool, literal: str | None = None) -> str:
    """An expression matching the scanned bytes of every character the one-character `atom` matches
    under `regex` with these flags ("\n" left out): ASCII characters and case variants of ASCII ones
    exactly; other characters exactly when `exact` (a literal, or a set of literals and ranges) and
    they are few, else as any non-ASCII character. `literal`: the character a literal atom stands for."""
    flags = "(?i)" if ignorecase else ""
    try:
        single = regex.compile(flags + "(?:" + atom + ")")
    except regex.error as exc:
        raise Unsupported(atom) from exc
    points = {c for c in range(0x80) if c != 0x0A and single.fullmatch(chr(c))}
    points |= {ord(char) for variant, char in ascii_case_variants().items() if single.fullmatch(variant)}
    if not exact or any(single.fullmatch(chr(c)) for c in _SURROGATES):  # lone surrogates: scanned as bytes
        others = None
    elif literal is not None and (literal.isascii() or not ignorecase):
        # itself alone, or (an ASCII character under (?i)) itself and case variants of ASCII characters
        others = [literal] if not literal.isascii() and literal not in ascii_case_variants() else []
    else:
        others = [c for c in _non_ascii_matches(atom, ignorecase) if c not in ascii_case_variants()]
    pieces = ["[" + "".join(f"\\x{c:02x}" for c in sorted(points)) + "]"] if points else []
    if others is None or len(others) > _MAX_EXACT:
        pieces.append(_ANY_NON_ASCII)
    else:
        pieces += ["".join(f"\\x{b:02x}" for b in c.encode("utf-8")) for c in others]
    if not pieces:
        raise Unsupported("an atom that matches no character of a line")
    return pieces[0] if len(pieces) == 1 else "(?:" + "|".join(pieces) + ")"


def _bytes_repeated(piece: str) -> str:
    """An atom's expression, for a repeat with no upper bound: "([A]|any non-ASCII)" becomes the byte set
    [A\\x80-\\xff], which a run of such characters' bytes (at least as many bytes as characters) matches."""
    if piece == _ANY_NON_ASCII:
        return _ANY_NON_ASCII[:-1]
    suffix = "]|" + _ANY_NON_ASCII + ")"
    if piece.startswith("(?:[") and piece.endswith(suffix) and piece.count("|") == 1:
        return piece[3:-len(suffix)] + _ANY_NON_ASCII[1:-2] + "]"
    return piece


_END = object()  # the piece standing for `$` while a pattern is rewritten


@lru_cache(maxsize=4096)
def superset_expression(source: str, flags: int) -> str | None:
    """A Hyperscan expression (UTF-8, multi-line mode) that matches on every line the `regex` pattern
    `source` compiled with `flags` can match, each such line reported once, at its "\\n"; or None
    when the pattern uses something the rewrite does not handle (see the module docstring)."""
    if flags & ~SIMPLE_FLAGS:
        return None
    ignorecase = bool(flags & regex.IGNORECASE)
    try:
        alternatives = _Rewriter(source, 4 if source.startswith("(?i)") else 0, ignorecase).rewrite()
    except Unsupported:
        return None
    parts = []
    for pieces in alternatives:
        if pieces[-1:] == [_END]:  # `$` ends the alternative: the line's "\\n" follows the match
            parts.append("(?:" + "".join(p for p in pieces[:-1] if p is not _END) + ")\\n")
        else:  # the rest of the line and its "\\n"; a `$` inside is dropped (Hyperscan wants it last)
            parts.append("(?:" + "".join(p for p in pieces if p is not _END) + ")[^\\n]*\\n")
    return "|".join(parts)


class _Rewriter:
    """Walks a pattern's source once, emitting the superset expression's pieces."""

    def __init__(self, source: str, start: int, ignorecase: bool) -> None:
        self.source, self.i, self.ignorecase = source, start, ignorecase
        self.alternatives: list[list] = [[]]  # the pieces of each top-level alternative
        self.out: list = self.alternatives[0]
        self.depth = 0  # open groups kept in the output
        self.discard = 0  # depth inside dropped lookarounds
        self.quantifiable = False  # whether the last piece emitted can take a quantifier

    def rewrite(self) -> list[list]:
        groups: list[bool] = []  # per open group: whether it is a dropped lookaround
        source = self.source
        while self.i < len(source):
            c = source[self.i]
            if c == "(":
                lookaround = self._open_group()
                groups.append(lookaround)
                self.discard += lookaround
                self._emit("(?:", False)
                self.depth += not self.discard
            elif c == ")":
                if not groups:
                    raise Unsupported("unbalanced )")
                self.depth -= not self.discard
                self._emit(")", True)
                self.i += 1
                if groups.pop():
                    self.discard -= 1
                    if not self.discard:
                        self._skip_quantifier()
            elif c == "|":
                if self.depth == 0 and not self.discard:
                    self.out = []
                    self.alternatives.append(self.out)
                    self.quantifiable = False
                else:
                    self._emit("|", False)
                self.i += 1
            elif c in "^$":
                self._emit("^" if c == "^" else _END, False)
                self.i += 1
            elif c in "*+?{":
                self._quantifier()
            elif c == "\\":
                self._escape()
            elif c == "[":
                end = _set_end(source, self.i)
                atom = source[self.i:end]
                self._atom(atom, not atom.startswith("[^") and "\\" not in atom and "[:" not in atom)
                self.i = end
            elif c == ".":
                self._atom(".")
                self.i += 1
            elif c == "\n":
                raise Unsupported("newline")
            else:
                self._literal(c)
                self.i += 1
        if groups:
            raise Unsupported("unbalanced (")
        return self.alternatives

    def _emit(self, piece: str, quantifiable: bool) -> None:
        if not self.discard:
            self.out.append(piece)
            self.quantifiable = quantifiable

    def _atom(self, atom: str, exact: bool = False) -> None:
        self._emit(_atom_expression(atom, self.ignorecase, exact), True)

    def _literal(self, char: str) -> None:
        if ord(char) in _SURROGATES:
            raise Unsupported("a lone surrogate")
        self._emit(_atom_expression(regex.escape(char), self.ignorecase, True, char), True)

    def _open_group(self) -> bool:
        """Consume a group's opening; return whether it is a lookaround (whose content is dropped)."""
        source, i = self.source, self.i
        if not source.startswith("(?", i):
            self.i += 1
            return False
        for opening in ("(?:", "(?>"):
            if source.startswith(opening, i):
                self.i += 3
                return False
        for opening in ("(?=", "(?!", "(?<=", "(?<!"):
            if source.startswith(opening, i):
                self.i += len(opening)
                return True
        name = regex.match(r"\(\?P?<\w+>", source[i:])
        if name:
            self.i += name.end()
            return False
        raise Unsupported(source[i:i + 3])  # inline flags, conditionals, recursion, ...

    def _quantifier(self) -> None:
        source, i = self.source, self.i
        if source[i] == "{":
            match = _QUANTIFIER.match(source, i)
            if match is None or match.group() in ("{}", "{,}"):
                raise Unsupported("{")  # a literal brace or fuzzy matching
            low = int(match.group(1) or 0)
            high = None if match.group(2) and not match.group(3) else int(match.group(3) or match.group(1))
            piece = f"{{{low},}}" if high is None or high > _LONG_REPEAT else f"{{{low},{high}}}"
            self.i = match.end()
        else:
            piece = source[i]
            self.i += 1
        if self.i < len(source) and source[self.i] in "?+":
            self.i += 1  # lazy or possessive: the same or more lines match greedily
        if self.i < len(source) and source[self.i] in "*+?{":
            raise Unsupported("stacked quantifiers")
        if self.discard:
            return
        if not self.quantifiable:
            raise Unsupported("quantifier after " + (self.out[-1] if self.out else "nothing"))
        if piece in ("*", "+") or piece.endswith(",}"):
            self.out[-1] = _bytes_repeated(self.out[-1])
        self.out.append(piece)
        self.quantifiable = False

    def _skip_quantifier(self) -> None:
        """After a dropped assertion: a quantifier on it leaves it an assertion (or nothing)."""
        saved, self.discard = self.discard, 1
        if self.i < len(self.source) and self.source[self.i] in "*+?{":
            self._quantifier()
        self.discard = saved

    def _escape(self) -> None:
        source, i = self.source, self.i
        e = source[i + 1:i + 2]
        if e in ("b", "B"):  # an assertion: dropped
            self.i += 2
            self._skip_quantifier()
        elif e in ("d", "D", "w", "W", "s", "S"):
            self._atom(source[i:i + 2])
            self.i += 2
        elif e in CONTROL_ESCAPES:
            self._literal(CONTROL_ESCAPES[e])
            self.i += 2
        elif e in HEX_DIGITS:
            code, end = hex_escape(source, i)
            if code == 0x0A or code in _SURROGATES or code > 0x10FFFF:
                raise Unsupported("escape")
            self._literal(chr(code))
            self.i = end
        elif e in "123456789" and e:
            self._emit("[^\\n]*", False)  # a backreference (or an octal escape): some text of the same line
            self.i += 2
            while self.i < len(source) and source[self.i].isdigit():
                self.i += 1
        elif e and e.isascii() and not e.isalnum() and e.isprintable():
            self._literal(e)
            self.i += 2
        else:
            raise Unsupported("\\" + e)


def _set_end(source: str, i: int) -> int:
    """Where the set `[...]` starting at source[i] ends (just after its "]")."""
    j = i + 1
    if source.startswith("^", j):
        j += 1
    if source.startswith("]", j):
        raise Unsupported("] first in a set")
    while j < len(source):
        c = source[j]
        if c == "\\":
            j += 2
        elif c == "[":
            posix = _POSIX.match(source, j)
            if posix is None:
                raise Unsupported("nested set")
            j = posix.end()
        elif source.startswith(("&&", "||", "--", "~~"), j):
            raise Unsupported("set operation")
        elif c == "]":
            return j + 1
        else:
            j += 1
    raise Unsupported("unterminated set")


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
            code = [sys.modules[__name__], regexsyntax]  # a change to the rewrite is a new cache
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
        first = 0
        while first < len(texts):
            last, size = first, len(texts[first])
            while last + 1 < len(texts) and size + len(texts[last + 1]) < CHUNK_CHARS:
                last += 1
                size += len(texts[last]) + 1
            self._scan(texts[first:last + 1], first, found)
            first = last + 1
        return dict(zip(self._keys, found, strict=True))

    def _scan(self, texts: Sequence[str], first: int, found: list[list[int]]) -> None:
        """Add `first` + the index of each of `texts` a pattern may match to that pattern's list."""
        data, joined = scanned_bytes(texts)
        ends: list[list[int]] = [[] for _ in self._keys]

        def on_match(pattern_id: int, start: int, end: int, flags: int, context: object) -> None:
            ends[pattern_id].append(end)

        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self._database)
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
