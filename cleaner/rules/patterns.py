"""Compile a rule's pattern within a memory and time bound.

The `regex` module unrolls counted repeats when it compiles: `a{1000}` becomes a thousand-item
sequence, so nested counts multiply, and `((((a{100}){100}){100}){100})` asks for 10^8 items,
gigabytes and hours. The timeout every regex call carries does not cover compiling. So:

1. A cheap static scan estimates the items the pattern unrolls to: along each path of nested groups,
   the product of the lower counts (`{m}`, `{m,n}`, `{m,}`; the optional part of a range is not
   unrolled). Above `MAX_UNROLLED` the pattern is refused, whatever the machine: deterministic.
2. A pattern the scan cannot vouch for (verbose mode, where `#` comments hide structure; version 1
   syntax with nested sets; unbalanced groups; or upper counts multiplying past `SUSPECT_UPPER`) is
   compiled first in a child process limited to `CHILD_MEMORY` bytes of address space and
   `CHILD_SECONDS` seconds; failing there refuses it.
3. Everything else, every pattern of the bundled packs among it, compiles in-process at once.
"""

from __future__ import annotations

import math
import resource
import sys

import regex

MAX_UNROLLED = 10_000  # about 0.05 s and 0.3 MB of compiling here; real patterns need a few dozen
SUSPECT_UPPER = 1_000_000
CHILD_MEMORY = 512 * 2**20
CHILD_SECONDS = 10.0

_QUANTIFIER = regex.compile(r"\{(\d*)(,?)(\d*)\}")
_ESCAPE_WITH_BRACES = regex.compile(r"\\[pPNxuUgk]\{[^}]*\}")
_POSIX_CLASS = regex.compile(r"\[:\^?\w+:\]")
_UNUSUAL = regex.compile(r"\(\?[a-zA-Z0-9^-]*[xV]")  # (?x), (?ix:...), (?V1): verbose or version 1


class PatternTooCostly(Exception):
    """The pattern would take too much memory or time to compile; the message says why."""


def compile_bounded(pattern: str) -> regex.Pattern:
    """`regex.compile(pattern)` under the bounds above; raises PatternTooCostly or regex.error."""
    if needs_trial(pattern) and pattern not in _passed_trial:
        _compile_in_child(pattern)
    try:
        return regex.compile(pattern)
    except (MemoryError, RecursionError, OverflowError) as exc:
        raise PatternTooCostly(f"compiling it failed ({type(exc).__name__})") from None


def needs_trial(pattern: str) -> bool:
    """Whether `pattern` is compiled in a child process first (step 2); raises PatternTooCostly when its
    counted repeats are over the limit (step 1)."""
    lower, upper = unrolled_size(pattern)
    if MAX_UNROLLED < lower < math.inf:
        raise PatternTooCostly(f"its counted repeats unroll to about {lower:,} items when compiled "
                               f"(nested counts multiply; the limit is {MAX_UNROLLED:,})")
    return upper > SUSPECT_UPPER or _UNUSUAL.search(pattern) is not None  # unbalanced groups give inf


_passed_trial: set[str] = set()  # patterns a batch trial compiled within the bounds


def trial_compile(patterns: list[str]) -> None:
    """Compile `patterns` one after another in one child process under the bounds, before a pack's
    rules are built: each that compiled there is spared a child of its own in `compile_bounded`
    (a new pack of 5,000 rules with 55 verbose patterns started 55 Pythons, 5 s). The batch's
    limits are one pattern's: a pattern the batch did not compile (a syntax error, out of memory
    or time, or left when it stopped) gets its own trial, exactly as before."""
    patterns = [p for p in dict.fromkeys(patterns) if "\0" not in p and p not in _passed_trial and _encodes(p)]
    if len(patterns) < 2:
        return
    import subprocess  # here: a run whose rules come from the cache starts no child (subprocess: 4 ms of start-up)

    try:
        done = subprocess.run([sys.executable, "-I", "-c", _BATCH], input="\0".join(patterns).encode("utf-8"),
                              capture_output=True, timeout=CHILD_SECONDS, preexec_fn=_limit_child, check=False)
        reported = done.stdout
    except subprocess.TimeoutExpired as exc:  # those reported took under the limit together
        reported = exc.stdout or b""
    for pattern, status in zip(patterns, reported.decode("ascii", "replace").splitlines(), strict=False):
        if status == "ok":
            _passed_trial.add(pattern)


def unrolled_size(pattern: str) -> tuple[float, float]:
    """Estimates of the items `pattern` unrolls to: (product of lower counts, of upper counts) along the
    costliest path of nested groups; (inf, inf) when the groups do not balance."""
    stack = [(1, 1)]  # per open group: the largest (lower, upper) product of any item inside it
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        if char == ")":
            if len(stack) == 1:
                return math.inf, math.inf
            item = stack.pop()
            i += 1
        elif char == "(" and not pattern.startswith("(?#", i):
            stack.append((1, 1))
            i += 1
            continue
        else:
            item, i = (1, 1), _skip_atom(pattern, i)
        found = _QUANTIFIER.match(pattern, i)
        if found and (found[1] or found[3]):
            low = int(found[1] or 0)
            high = low if not found[2] else int(found[3]) if found[3] else low
            item = (item[0] * max(low, 1), item[1] * max(high, 1))
            i = found.end()
        top = stack[-1]
        stack[-1] = (max(top[0], item[0]), max(top[1], item[1]))
    return stack[0] if len(stack) == 1 else (math.inf, math.inf)


def _skip_atom(pattern: str, i: int) -> int:
    """Where the atom (escape, character class, comment group or single character) at `i` ends."""
    if pattern[i] == "\\":
        braced = _ESCAPE_WITH_BRACES.match(pattern, i)
        return braced.end() if braced else i + 2
    if pattern[i] == "[":
        j = i + 1
        if pattern.startswith("^", j):
            j += 1
        if pattern.startswith("]", j):
            j += 1
        while j < len(pattern) and pattern[j] != "]":
            posix = _POSIX_CLASS.match(pattern, j)  # "[:upper:]" inside a class: its "]" does not close it
            j = posix.end() if posix else j + (2 if pattern[j] == "\\" else 1)
        return j + 1
    if pattern.startswith("(?#", i):
        end = pattern.find(")", i)
        return len(pattern) if end < 0 else end + 1
    return i + 1


_CHILD = """import sys, regex
try:
    regex.compile(sys.stdin.buffer.read().decode("utf-8"))
except regex.error:
    sys.exit(3)
"""
_SYNTAX_ERROR = 3
_BATCH = """import sys, regex
for pattern in sys.stdin.buffer.read().decode("utf-8").split("\\0"):
    try:
        regex.compile(pattern)
        status = "ok"
    except BaseException:
        status = "no"
    print(status, flush=True)
"""


def _encodes(pattern: str) -> bool:
    try:
        pattern.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: tried alone, as before
        return False
    return True


def _limit_child() -> None:  # runs in the child, before it starts Python
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))


def _compile_in_child(pattern: str) -> None:
    """Compile `pattern` in a child process under the memory and time limits; raise if it fails there."""
    import subprocess  # see trial_compile

    try:
        done = subprocess.run([sys.executable, "-I", "-c", _CHILD], input=pattern.encode("utf-8"),
                              capture_output=True, timeout=CHILD_SECONDS, preexec_fn=_limit_child, check=False)
    except subprocess.TimeoutExpired:
        raise PatternTooCostly(f"compiling it took over {CHILD_SECONDS:g} s") from None
    if done.returncode == _SYNTAX_ERROR:
        return  # the in-process compile reports it, as for any pattern
    if done.returncode != 0:
        last = (done.stderr.decode("utf-8", "replace").strip().splitlines() or [f"exit {done.returncode}"])[-1]
        raise PatternTooCostly(f"compiling it needs over {CHILD_MEMORY // 2**20} MiB ({last})")
