"""The rewrite behind the Hyperscan prefilter (`hyperscan_prefilter.py`, whose docstring says why
and how): a `regex` pattern into a byte-level Hyperscan expression matching, on any one line,
wherever the pattern matches. Its atoms, and the bytes a scan reads, are in `hyperscan_atoms.py`.
"""

from __future__ import annotations

from functools import lru_cache

import regex

from cleaner.search.hyperscan_atoms import SURROGATES, atom_expression, bytes_repeated
from cleaner.search.regexsyntax import CONTROL_ESCAPES, HEX_DIGITS, SIMPLE_FLAGS, Unsupported, hex_escape

_QUANTIFIER = regex.compile(r"\{(\d*)(?:(,)(\d*))?\}")
_POSIX = regex.compile(r"\[:\^?\w+:\]")
_LONG_REPEAT = 16  # a repeat bounded above this is compiled unbounded: cheaper, and still a superset


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
            if c in "()|":
                self._structure(c, groups)
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

    def _structure(self, c: str, groups: list[bool]) -> None:
        """A group's opening or closing, or an alternation bar."""
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
        else:
            if self.depth == 0 and not self.discard:
                self.out = []
                self.alternatives.append(self.out)
                self.quantifiable = False
            else:
                self._emit("|", False)
            self.i += 1

    def _emit(self, piece: str, quantifiable: bool) -> None:
        if not self.discard:
            self.out.append(piece)
            self.quantifiable = quantifiable

    def _atom(self, atom: str, exact: bool = False) -> None:
        self._emit(atom_expression(atom, self.ignorecase, exact), True)

    def _literal(self, char: str) -> None:
        if ord(char) in SURROGATES:
            raise Unsupported("a lone surrogate")
        self._emit(atom_expression(regex.escape(char), self.ignorecase, True, char), True)

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
        last = self.out[-1]
        if piece in ("*", "+") or piece.endswith(",}"):
            last = bytes_repeated(last)
        if not _one_unit(last):  # a character's bytes, or any non-ASCII run: the quantifier is the atom's,
            last = "(?:" + last + ")"  # not its last byte's ("。?" was "\xe3\x80\x82?", "[。]?" "[\x80-\xff]+?")
        self.out[-1] = last
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
            if code == 0x0A or code in SURROGATES or code > 0x10FFFF:
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


def _one_unit(piece: str) -> bool:
    """Whether a quantifier after the expression `piece` applies to all of it: one byte set, one escaped
    byte or character, or one group. (The pieces write every ASCII character but letters and digits as
    an escape inside a set, so a bracket or parenthesis left bare is structure.)"""
    if len(piece) == 1 or (len(piece) == 4 and piece.startswith("\\x")):
        return True
    if piece.startswith("[") and piece.endswith("]"):
        return "]" not in piece[1:-1]
    if not piece.startswith("(") or not piece.endswith(")"):
        return False
    depth = 0
    for i, c in enumerate(piece):
        depth += (c == "(") - (c == ")")
        if depth == 0:
            return i == len(piece) - 1
    return False


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
