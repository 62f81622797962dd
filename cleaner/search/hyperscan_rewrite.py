"""The rewrite behind the Hyperscan prefilter (`hyperscan_prefilter.py`, whose docstring says why
and how): a `regex` pattern into a byte-level Hyperscan expression matching, on any one line,
wherever the pattern matches, and the bytes a scan reads (`scanned_bytes`).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache

import regex

from cleaner.search.regexsyntax import CONTROL_ESCAPES, HEX_DIGITS, SIMPLE_FLAGS, Unsupported, hex_escape

_QUANTIFIER = regex.compile(r"\{(\d*)(?:(,)(\d*))?\}")
_POSIX = regex.compile(r"\[:\^?\w+:\]")
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
