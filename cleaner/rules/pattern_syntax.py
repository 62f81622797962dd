"""A pattern that surely compiles: a conservative syntax check, about 25 times cheaper than
`regex.compile` (40 us against 1 ms for a typical bundled pattern).

Compiling a pattern in `regex` costs about 1 ms (its parser is Python), so validating the patterns
of a new 5,000-rule pack by compiling them took 5 to 7 s of CPU. `surely_compiles` accepts a pattern
only when it is written in a plain subset of the syntax every one of whose strings `regex.compile`
accepts (tested against `regex` itself on every bundled pattern, hand-picked near misses and
generated patterns: tests/test_pattern_syntax.py):

- literals; `.`, `^`, `$`; escapes of ASCII punctuation or space; `\\d \\D \\w \\W \\s \\S`, `\\b \\B
  \\A \\Z`, `\\n \\t \\r \\f \\v`, `\\xHH`, `\\uHHHH`, `\\p{..}` and `\\P{..}` of a general category;
- sets `[...]` / `[^...]` of those characters and escapes, POSIX classes such as `[:upper:]`, and
  ranges `a-z` in order (no other nested `[`, no `--`, `&&`, `||`, `~~`, no `]` first);
- groups `(...)`, `(?:...)`, atomic `(?>...)`, `(?i:...)`, `(?P<name>...)` (names unique), lookarounds `(?=`, `(?!`,
  `(?<=`, `(?<!`; `(?i)` only at the very start; comments `(?#...)`; no empty group or branch;
- quantifiers `* + ? {m} {m,} {m,n}` (m <= n <= 10,000), lazy or possessive, after something that
  can repeat (not an anchor, a lookaround, a comment or another quantifier).

Anything else (backreferences, other flags, verbose mode, `\\p` of a script, ...) answers False and is
compiled, as every pattern was before. The bounds on compiling (rules/patterns.py) are checked apart.
"""

from __future__ import annotations

import re

MAX_COUNT = 10_000
MAX_DEPTH = 40
MAX_LENGTH = 4_000

_CATEGORIES = frozenset((
    "L", "Lu", "Ll", "Lt", "Lm", "Lo", "M", "Mn", "Mc", "Me", "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Ps", "Pe",
    "Pi", "Pf", "Po", "S", "Sm", "Sc", "Sk", "So", "Z", "Zs", "Zl", "Zp", "C", "Cc", "Cf", "Co", "Cn"))
_OUTSIDE = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")  # control characters, lone surrogates
_CLASS_ESCAPES = frozenset("dDwWsS")
_CHAR_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v"}
_ZERO_WIDTH = frozenset("bBAZ")
_LOOKAROUNDS = ("(?=", "(?!", "(?<=", "(?<!")
_PUNCTUATION = frozenset(" !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_PLAIN_ESCAPES = "".join(sorted(_PUNCTUATION)) + "".join(_CLASS_ESCAPES) + "".join(_CHAR_ESCAPES)
_TOKEN = re.compile(
    # a run of literals and escapes that are always valid and repeatable: one token, most of a pattern
    r"(?P<literal>(?:[^\\()\[\]{}|*+?.^$]|\\[" + re.escape(_PLAIN_ESCAPES) + r"])+)"
    r"|\\(?P<escape>x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[pP]\{[A-Za-z&]+\}|.)"
    r"|(?P<comment>\(\?#[^)]*\))"
    r"|(?P<open>\((?:\?(?::|>|i:|=|!|<=|<!|P<[A-Za-z_][A-Za-z0-9_]*>))?)"
    r"|(?P<close>\))"
    r"|(?P<bar>\|)"
    r"|(?P<set>\[)"
    r"|(?P<quantifier>(?:[*+?]|\{[0-9]{1,5}(?:,[0-9]{0,5})?\})[?+]?)"
    r"|(?P<anchor>[.^$])", re.DOTALL)


def plain_size(pattern: str) -> tuple[int, int] | None:
    """None when `pattern` is outside the subset above; else `regex.compile(pattern)` cannot raise, and
    this is what `rules/patterns.unrolled_size` estimates for it (the products of the lower and of the
    upper counts along the costliest path of nested groups), found in the same pass."""
    if len(pattern) > MAX_LENGTH or _OUTSIDE.search(pattern):
        return None
    check = _Check(pattern)
    return check.size() if check.run() else None


def surely_compiles(pattern: str) -> bool:
    """Whether `pattern` is in the subset above, so `regex.compile(pattern)` cannot raise."""
    return plain_size(pattern) is not None


class _Check:
    """One pass over a pattern's tokens: the syntax of the subset, and the unrolled size."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.names: set[str] = set()
        # per open group: [a lookaround, its current branch still empty, lower size, upper size]
        self.groups: list[list] = [[False, True, 1, 1]]
        self.last = (1, 1)  # the size of the item a quantifier would repeat
        self.repeatable = False  # whether a quantifier may follow

    def size(self) -> tuple[int, int]:
        return self.groups[0][2], self.groups[0][3]

    def run(self) -> bool:
        pattern, i, n = self.pattern, 4 if self.pattern.startswith("(?i)") else 0, len(self.pattern)
        while i < n:
            token = _TOKEN.match(pattern, i)
            if token is None:
                return False
            kind, i = token.lastgroup, token.end()
            if kind == "set":
                i = _set_end(pattern, i)
                if i < 0:
                    return False
            if not getattr(self, kind)(token):
                return False
        return len(self.groups) == 1 and not self.groups[0][1]

    def _item(self, repeatable: bool) -> bool:
        self.groups[-1][1], self.repeatable, self.last = False, repeatable, (1, 1)
        return True

    def literal(self, token: re.Match) -> bool:
        return self._item(True)

    def set(self, token: re.Match) -> bool:
        return self._item(True)

    def anchor(self, token: re.Match) -> bool:
        return self._item(token["anchor"] == ".")

    def escape(self, token: re.Match) -> bool:
        repeatable = _escape(token["escape"])
        return repeatable is not None and self._item(repeatable)

    def comment(self, token: re.Match) -> bool:
        self.repeatable = False
        return True

    def open(self, token: re.Match) -> bool:
        opener = token["open"]
        if opener.startswith("(?P<"):
            if opener[4:-1] in self.names:
                return False
            self.names.add(opener[4:-1])
        if len(self.groups) > MAX_DEPTH:
            return False
        self.groups[-1][1], self.repeatable = False, False
        self.groups.append([opener in _LOOKAROUNDS, True, 1, 1])
        return True

    def close(self, token: re.Match) -> bool:
        lookaround, empty, low, high = self.groups.pop()
        if empty or not self.groups:
            return False
        self._grow(low, high)
        self.repeatable, self.last = not lookaround, (low, high)
        return True

    def bar(self, token: re.Match) -> bool:
        if self.groups[-1][1]:
            return False
        self.groups[-1][1], self.repeatable = True, False
        return True

    def quantifier(self, token: re.Match) -> bool:
        counts = _counts(token["quantifier"])
        if not self.repeatable or counts is None:
            return False
        self._grow(self.last[0] * counts[0], self.last[1] * counts[1])
        self.repeatable = False
        return True

    def _grow(self, low: int, high: int) -> None:
        group = self.groups[-1]
        group[2], group[3] = max(group[2], low), max(group[3], high)


def _escape(body: str) -> bool | None:
    """Whether the escape `\\body` outside a set can be repeated; None when it is outside the subset."""
    first = body[0]
    if first in _ZERO_WIDTH:
        return False if len(body) == 1 else None
    if len(body) == 1:
        return True if first in _CLASS_ESCAPES or first in _CHAR_ESCAPES or first in _PUNCTUATION else None
    if first in "pP":
        return True if body[2:-1] in _CATEGORIES else None
    return not 0xD800 <= int(body[1:], 16) <= 0xDFFF  # \xHH, \uHHHH (the tokenizer took them whole)


def _counts(quantifier: str) -> tuple[int, int] | None:
    """The factors a quantifier multiplies an item's size by, as `unrolled_size` counts them (1 for
    * + ?), or None when its counts are out of order or above MAX_COUNT."""
    if not quantifier.startswith("{"):
        return 1, 1
    low, comma, high = quantifier[1:quantifier.index("}")].partition(",")
    low_n = int(low)
    high_n = int(high) if high else low_n
    if low_n > MAX_COUNT or high_n > MAX_COUNT or low_n > high_n:
        return None
    return max(low_n, 1), max(high_n, 1)


_SET_ITEM = re.compile(r"""
    \\(?P<escape>x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|[pP]\{[A-Za-z&]+\}|.)
  | (?P<posix>\[:(?:alpha|upper|lower|digit|alnum|space|punct|word|xdigit|graph|print|cntrl|blank):\])
  | (?P<char>[^\\\[\]])
""", re.VERBOSE | re.DOTALL)


def _set_end(pattern: str, i: int) -> int:
    """Where the set whose "[" ends at `i` ends (after its "]"), or -1 when it is outside the subset."""
    if pattern.startswith("^", i):
        i += 1
    items: list[str | None] = []  # each item's character, None for a class (\\w, \\p{L})
    n = len(pattern)
    while i < n and pattern[i] != "]":
        item = _SET_ITEM.match(pattern, i)
        if item is None:
            return -1
        i = item.end()
        if item.lastgroup == "char":
            items.append(item["char"])
            continue
        if item.lastgroup == "posix":  # a class, like \\w
            items.append(None)
            continue
        body = item["escape"]
        if body[0] in "pP" and len(body) > 1:
            if body[2:-1] not in _CATEGORIES:
                return -1
            items.append(None)
        elif len(body) > 1:
            code = int(body[1:], 16)
            if 0xD800 <= code <= 0xDFFF:
                return -1
            items.append(chr(code))
        elif body in _CLASS_ESCAPES:
            items.append(None)
        elif body in _CHAR_ESCAPES:
            items.append(_CHAR_ESCAPES[body])
        elif body in _PUNCTUATION:
            items.append("\\" + body)  # an escaped character: never an operator
        else:
            return -1
    if i >= n or not items or not _ranges_in_order(items):
        return -1
    return i + 1


def _ranges_in_order(items: list[str | None]) -> bool:
    """Every unescaped "-" between two items is a range between single characters, low to high; no
    doubled operator characters (set operations in other versions of the syntax)."""
    text = "".join(c if c is not None and len(c) == 1 else "x" for c in items)
    if any(op in text for op in ("--", "&&", "||", "~~")):
        return False
    range_end = -1
    for k, item in enumerate(items):
        if item != "-" or k == 0 or k == len(items) - 1:
            continue
        low, high = items[k - 1], items[k + 1]
        if low is None or high is None or k - 1 == range_end:  # [a-c-e]: the syntax varies there
            return False
        range_end = k + 1
        low, high = low[-1], high[-1]
        if ord(low) > ord(high):
            return False
    return True
