"""Rule patterns compiled on first use, and the on-disk record of patterns already validated.

Compiling is most of what loading rules costs: about 1.4 ms for a typical bundled pattern in
`regex`, so 7 s for a pack of 5,000 real rules, and a tenth of a second of every command's start.
So a rule holds a `LazyPattern`, which compiles on its first search, and loading compiles only the
patterns it has not validated before:

- a pattern the validated record lists (it compiled under `compile_bounded`'s bounds before, or passed
  the check below, with this `regex`, this Python and this bounding code) is only wrapped: it compiles when a rule first
  searches with it, which cannot fail;
- a pattern in the plain syntax that `rules/pattern_syntax.py` proves compiles, and within the bounds
  without a trial compile (its counted repeats are sized in the same pass), is only wrapped too and
  recorded (the check costs a fifteenth of compiling), so the first load of a new pack compiles
  only what is outside that syntax;
- any other pattern is compiled at once under the bounds (`rules/patterns.py`), exactly as before:
  a syntax error or a pattern too costly to compile is a RuleError naming the file, rule and line
  when the pack loads (exit 2 from the command line), never later; then it is added to the record.

The record lives beside the Hyperscan databases (`$CLEANER_CACHE_DIR`, else `~/.cache/cleaner`):
one file of pattern digests, named by a digest of the versions and of the bounding and checking code, written
atomically. Only a cache: a missing, unreadable or unwritable record means compiling at load.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable
from pathlib import Path

import regex

from cleaner.rules import pattern_syntax
from cleaner.rules import patterns as bounds
from cleaner.rules.pattern_syntax import plain_size
from cleaner.search.compiled_patterns import COMPILED
from cleaner.search.disk_cache import cache_dir, write_cache

_FORWARDED = ("search", "match", "fullmatch", "findall", "finditer", "sub", "subn", "split")


class LazyPattern:
    """A `regex.Pattern` compiled on first use: `pattern` is its source; `search`, `match`, `findall`
    and the rest are the compiled pattern's own methods (after the first call, plain attributes);
    any other attribute (`flags`, `groups`) is read from the compiled pattern. Equal when the source
    is; pickled as its source."""

    __slots__ = ("pattern", "_compiled", *_FORWARDED)
    lazy = True  # compiled with no flags: its flags follow from its source (search/hyperscan_cache.py)

    def __init__(self, pattern: str, compiled: regex.Pattern | None = None) -> None:
        self.pattern = pattern
        self._compiled = None
        if compiled is not None:
            self._bind(compiled)

    @property
    def compiled(self) -> regex.Pattern:
        """The compiled pattern (compiling it now, the first time: from its compiled code on disk when
        `search.compiled_patterns` kept it)."""
        if self._compiled is None:
            self._bind(COMPILED.compile(self.pattern))
        return self._compiled

    def _bind(self, compiled: regex.Pattern) -> None:
        self._compiled = compiled
        for name in _FORWARDED:
            setattr(self, name, getattr(compiled, name))

    def __getattr__(self, name: str):  # a forwarded method before the first compile, or any other attribute
        if name.startswith("__") or name == "_compiled":
            raise AttributeError(name)
        return getattr(self.compiled, name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LazyPattern) and other.pattern == self.pattern

    def __hash__(self) -> int:
        return hash((LazyPattern, self.pattern))

    def __reduce__(self) -> tuple:
        return (LazyPattern, (self.pattern,))

    def __repr__(self) -> str:
        return repr(self.compiled)


class ValidatedPatterns:
    """The digests of patterns that compiled under the bounds: read once, written when it grows."""

    def __init__(self) -> None:
        self._known: set[str] | None = None
        self._added: set[str] = set()

    @property
    def path(self) -> Path:
        code = (Path(module.__file__).read_text("utf-8") for module in (bounds, pattern_syntax))
        facts = "\n".join((regex.__version__, sys.version, *code))
        return cache_dir() / f"patterns-{hashlib.sha256(facts.encode('utf-8')).hexdigest()[:24]}.txt"

    def known(self, pattern: str) -> bool:
        if self._known is None:
            try:
                self._known = set(self.path.read_text("ascii").split())
            except (OSError, ValueError):
                self._known = set()
        return _digest(pattern) in self._known or _digest(pattern) in self._added

    def add(self, pattern: str) -> None:
        self._added.add(_digest(pattern))

    def save(self) -> None:
        """Write the record with the patterns added since it was read (a failure only means a slower load)."""
        if not self._added:
            return
        try:
            path = self.path
        except (OSError, ValueError):
            return
        try:
            on_disk = set(path.read_text("ascii").split())
        except (OSError, ValueError):
            on_disk = set()
        merged = on_disk | (self._known or set()) | self._added
        if write_cache(path, "".join(f"{d}\n" for d in sorted(merged)).encode("ascii")):
            self._known, self._added = merged, set()


def _digest(pattern: str) -> str:
    return hashlib.sha256(pattern.encode("utf-8", "surrogatepass")).hexdigest()[:32]


VALIDATED = ValidatedPatterns()


def _checked(pattern: str) -> bool:
    """Whether `pattern` is known to compile under the bounds without compiling it now: validated
    before, or in the plain syntax and within the bounds (then recorded)."""
    if VALIDATED.known(pattern):
        return True
    size = plain_size(pattern)
    if size is not None and size[0] <= bounds.MAX_UNROLLED and size[1] <= bounds.SUSPECT_UPPER:
        VALIDATED.add(pattern)
        return True
    return False


def prepare_patterns(patterns: Iterable[str]) -> None:
    """Before a pack's rules are built (`load_pattern` one by one): the patterns that must be compiled in
    a child process first are tried there together, in one child (`patterns.trial_compile`)."""
    trial = []
    for pattern in patterns:
        try:
            if not _checked(pattern) and bounds.needs_trial(pattern):
                trial.append(pattern)
        except bounds.PatternTooCostly:
            continue  # its rule reports it, with the file, rule and line
    bounds.trial_compile(trial)


def load_pattern(pattern: str) -> LazyPattern:
    """`pattern` for a rule: wrapped uncompiled when validated before, or when it is written in the plain
    syntax that surely compiles and is within the bounds; else compiled now under the bounds (raises
    `bounds.PatternTooCostly` or `regex.error`, as `compile_bounded` does) and recorded."""
    if _checked(pattern):
        return LazyPattern(pattern)
    compiled = bounds.compile_bounded(pattern)
    VALIDATED.add(pattern)
    return LazyPattern(pattern, compiled)
