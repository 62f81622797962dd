"""Flag rule patterns prone to catastrophic backtracking before they run (`cleaner rules lint`).

Two checks, as ReDoS detectors do it (safe-regex and regexploit statically, rat and recheck by
trying inputs):

* **Static**, on the pattern parsed by Python's own regex parser (best effort: syntax only the
  `regex` module knows, such as `[[:upper:]]`, skips this check). Inside an unbounded (or large)
  repetition, a part of variable length (a nested quantifier, an optional branch) that can start
  with a character that may also follow it, or two alternatives that can start with the same
  character, let the engine split one text in exponentially many ways: `(a+)+`, `(\\w+\\s?)*`,
  `(.*)*`, `(\\w|\\w\\w)+`, `(a|a?)+`.
* **Empirical**: the compiled pattern is run, with a short timeout, on strings built from its own
  characters: a prefix it accepts, then 40 or 2,000 repeats of one character, then a character
  that breaks the match. A pattern that times out on any of them is flagged, exponential or
  polynomial, whatever the static check said.

A finding never stops a run: at run time every regex call is bounded by the rule set's timeout and
a pattern that exceeds it fails only the document it ran on. Lint finds such patterns first.
"""

from __future__ import annotations

import itertools
import re
import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from re import _compiler as sre_compile  # type: ignore[attr-defined]
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

import regex

from cleaner.rules.ruleset import RuleSet

# Seconds per probe string. Catastrophic patterns take far longer: exponential ones 2^40 steps at 40 repeats,
# cubic ones thousands of times a quadratic one at 2,000. A quadratic scan of 2,000 spaces by a pattern of
# many branches (`^\s*a|^\s*-?\s*b`) takes up to 0.15 s on a shared 2-core machine and twice that under load:
# the budget sits well above it, so the finding does not depend on how busy the machine is.
PROBE_TIMEOUT = 1.0
PUMP_LENGTHS = (40, 2000)  # exponential blow-ups show at 40 repeats, high-degree polynomial ones at 2,000
LARGE_REPEAT = 16  # a repetition allowing this many iterations or more counts as unbounded
# Characters standing for "anything": letters, digits, spaces, punctuation, some non-ASCII.
ALPHABET = "aZ09 \t_-.,:;!?'\"()[]/@#&*+=<>|\\%$\u00a0\u00e9\u2019\u201c\u2022\u2014\u0416\u4e2d\n"
BREAKERS = ("!", "\n", " ", "a", "\u2603")  # the first two also end the long runs
MAX_PUMPS = 8
_REPEATS = (sre.MAX_REPEAT, sre.MIN_REPEAT)
_ZERO_WIDTH = (sre.AT, sre.ASSERT, sre.ASSERT_NOT)
_ONE_CHAR = (sre.LITERAL, sre.NOT_LITERAL, sre.ANY, sre.IN, sre.CATEGORY)


@dataclass(frozen=True)
class Finding:
    """One pattern flagged by lint: where it is declared, which rule and field, what is wrong."""

    path: str
    line: int | None
    rule_id: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where} {self.rule_id}: {self.field}: {self.message}"


def lint_ruleset(ruleset: RuleSet) -> list[Finding]:
    """Every finding for every pattern of every rule, in pack and file order."""
    findings = []
    for pack in ruleset.packs:
        for rule in pack.rules:
            for name, spec in rule.FIELDS.items():
                compiled = getattr(rule, name, None) if spec.pattern else None
                if compiled is None:
                    continue
                for message in lint_pattern(compiled):
                    findings.append(Finding(pack.path, rule.line, rule.id, name, message))
    return findings


def lint_pattern(compiled: regex.Pattern) -> list[str]:
    """Static findings, then the empirical probe's, for one compiled pattern."""
    messages = static_findings(compiled.pattern)
    slow = probe(compiled)
    if slow is not None:
        messages.append(f"took over {PROBE_TIMEOUT:g}s on {slow}; it backtracks catastrophically")
    return messages


# ---- static check -------------------------------------------------------------------------------

def static_findings(pattern: str) -> list[str]:
    """Ambiguous repetitions found in the parsed pattern; [] when Python's parser cannot read it."""
    parsed = _parse(pattern)
    if parsed is None:
        return []
    checker = _Ambiguity(parsed.state, pattern)
    checker.walk(parsed.data, checker.alphabet, inside=False)
    return list(dict.fromkeys(checker.messages))


def _parse(pattern: str):
    """Python's parse tree of `pattern`, or None where it would read the pattern differently from
    the `regex` module (a syntax error, or a warning such as the one `[[:upper:]]` raises)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            parsed = sre_parse.parse(pattern)
        except (re.error, OverflowError, RecursionError):
            return None
    return None if caught else parsed


class _Ambiguity:
    """Walks the parse tree tracking, for each node, the characters that can follow it."""

    def __init__(self, state, pattern: str) -> None:
        self.state = state
        # Sample characters: the generic ones and the pattern's own (in both cases).
        self.alphabet = frozenset(ALPHABET + pattern + pattern.lower() + pattern.upper())
        self.messages: list[str] = []
        self._chars: dict[int, frozenset[str]] = {}

    def walk(self, nodes: Sequence, follow: frozenset[str], *, inside: bool) -> None:
        """Check `nodes` (a sequence) given the characters that can come after it."""
        for i, (op, av) in enumerate(nodes):
            rest, nullable = self.first(nodes[i + 1:])
            after = rest | follow if nullable else rest
            if op in _REPEATS:
                self._repeat(av, after, inside)
            elif op is sre.BRANCH:
                self._branch(av[1], after, inside)
            elif op is sre.SUBPATTERN:
                self.walk(av[-1], after, inside=inside)
            elif op is sre.ATOMIC_GROUP or op is sre.POSSESSIVE_REPEAT:
                continue  # atomic: the engine never backtracks into it

    def _repeat(self, av, after: frozenset[str], inside: bool) -> None:
        low, high, body = av
        first, _ = self.first(body)
        if inside and low != high and first & after:
            self.messages.append(f"nested quantifier inside a repetition can match {_show(first & after)} "
                                 "in more than one way (like (a+)+)")
        if high == sre.MAXREPEAT or high >= LARGE_REPEAT:
            # Only what the next iteration starts with matters for exponential ambiguity; what
            # follows the whole repetition can only make it polynomial (left to the probe).
            self.walk(body, first, inside=True)
        else:
            self.walk(body, after | first, inside=inside)

    def _branch(self, alternatives, after: frozenset[str], inside: bool) -> None:
        firsts = [self.first(alt) for alt in alternatives]
        if inside:
            for (a, _), (b, _) in itertools.combinations(firsts, 2):
                if a & b:
                    self.messages.append(f"alternatives inside a repetition can both start with {_show(a & b)} "
                                         "(like (a|ab)+)")
                    break
            if any(n for _, n in firsts) and any(f & after for f, _ in firsts):
                self.messages.append("an optional alternative inside a repetition overlaps what follows it "
                                     "(like (a|a?)+ or (\\w|\\w\\w)+)")
        for alt in alternatives:
            self.walk(alt, after, inside=inside)

    def first(self, nodes: Sequence) -> tuple[frozenset[str], bool]:
        """The characters a match of `nodes` can start with, and whether it can be empty."""
        chars: set[str] = set()
        for op, av in nodes:
            if op in _ZERO_WIDTH:
                continue
            if op in _ONE_CHAR:
                return frozenset(chars | self._one_char(op, av)), False
            if op is sre.SUBPATTERN or op is sre.ATOMIC_GROUP:
                sub, nullable = self.first(av[-1] if op is sre.SUBPATTERN else av)
            elif op is sre.BRANCH:
                parts = [self.first(alt) for alt in av[1]]
                sub = frozenset().union(*(p[0] for p in parts))
                nullable = any(p[1] for p in parts)
            elif op in _REPEATS or op is sre.POSSESSIVE_REPEAT:
                sub, inner_nullable = self.first(av[2])
                nullable = av[0] == 0 or inner_nullable
            else:  # back-references, conditionals: could be anything
                sub, nullable = self.alphabet, True
            chars |= sub
            if not nullable:
                return frozenset(chars), False
        return frozenset(chars), True

    def _one_char(self, op, av) -> frozenset[str]:
        key = id(av) if op is sre.IN else hash((op, av))
        if key not in self._chars:
            matcher = sre_compile.compile(sre_parse.SubPattern(self.state, [(op, av)]), self.state.flags)
            self._chars[key] = frozenset(c for c in self.alphabet if matcher.fullmatch(c))
        return self._chars[key]


def _show(chars: frozenset[str]) -> str:
    return repr(sorted(chars)[0]) if len(chars) == 1 else f"{repr(sorted(chars)[0])} and others"


# ---- empirical probe ----------------------------------------------------------------------------

def probe(compiled: regex.Pattern) -> str | None:
    """Describe the first adversarial string on which the pattern times out, or None."""
    for text, description in _adversarial(compiled.pattern):
        try:
            compiled.search(text, timeout=PROBE_TIMEOUT)
        except TimeoutError:
            return description
    return None


def _adversarial(pattern: str) -> Iterator[tuple[str, str]]:
    prefixes, pumps = _prefixes_and_pumps(pattern)
    # A tail holding the pattern's literal characters defeats the engine's "required literal" check.
    tails = ("", "".join(sorted({c for c in pattern if c.isalnum()})))
    for length, prefix, pump, breaker, tail in itertools.product(PUMP_LENGTHS, prefixes, pumps, BREAKERS, tails):
        # Long runs only look for polynomial blow-ups, which any non-matching end shows.
        if breaker != pump and (length == PUMP_LENGTHS[0] or breaker in BREAKERS[:2]):
            text = prefix + pump * length + breaker + tail
            yield text, f"{prefix!r} + {length} x {pump!r} + {breaker + tail!r}"


def _prefixes_and_pumps(pattern: str) -> tuple[list[str], list[str]]:
    """Prefixes the pattern accepts before its first repetition, and characters it can repeat."""
    parsed = _parse(pattern)
    if parsed is None:
        return [""], sorted({c for c in pattern if c.isalnum() or c == " "} | {"a", " "})[:MAX_PUMPS]
    checker = _Ambiguity(parsed.state, pattern)
    pumps: set[str] = set()
    for chars in _repeated_chars(parsed.data, checker):
        pumps.add(min(chars))
        pumps.add(max(chars))
    return sorted({"", _prefix(parsed.data, checker)}), sorted(pumps or {"a"})[:MAX_PUMPS]


def _repeated_chars(nodes: Sequence, checker: _Ambiguity) -> Iterator[frozenset[str]]:
    for op, av in nodes:
        if op in _REPEATS or op is sre.POSSESSIVE_REPEAT:
            first, _ = checker.first(av[2])
            if first:
                yield first
            yield from _repeated_chars(av[2], checker)
        elif op is sre.SUBPATTERN:
            yield from _repeated_chars(av[-1], checker)
        elif op is sre.BRANCH:
            for alt in av[1]:
                yield from _repeated_chars(alt, checker)


def _prefix(nodes: Sequence, checker: _Ambiguity) -> str:
    """A string matching the pattern's leading single characters, up to its first repetition."""
    out = []
    for op, av in nodes:
        if op in _ZERO_WIDTH:
            continue
        if op in _ONE_CHAR:
            chars = checker.first([(op, av)])[0]
            if not chars:
                break
            out.append(min(chars))
        elif op is sre.SUBPATTERN:
            out.append(_prefix(av[-1], checker))
            break
        elif op is sre.BRANCH:
            out.append(_prefix(av[1][0], checker))
            break
        else:
            break
    return "".join(out)
