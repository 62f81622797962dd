"""The atoms of the Hyperscan rewrite (`hyperscan_rewrite.py`) and the bytes a scan reads.

A one-character atom of a `regex` pattern (a literal, `.`, `\\s`, `\\w`, a set), under the pattern's
flags, becomes the explicit set of the scanned bytes of every character `regex` itself says it
matches, computed once per atom; the few non-ASCII characters that (?i) folds to ASCII letters are
mapped to those letters before a scan (`scanned_bytes`), so results never depend on Hyperscan's
own ideas of Unicode or case folding.
"""

from __future__ import annotations

import hashlib
import json
import sys
from array import array
from collections.abc import Sequence
from functools import cache, lru_cache
from pathlib import Path

import regex

from cleaner.search.disk_cache import cache_dir, write_cache
from cleaner.search.regexsyntax import Unsupported

SURROGATES = range(0xD800, 0xE000)
_ANY_NON_ASCII = "[\\x80-\\xff]+"  # the UTF-8 bytes of any non-ASCII character (and more)
_MAX_EXACT = 32  # a set matching more non-ASCII characters than this is scanned as _ANY_NON_ASCII


@lru_cache(maxsize=1)
def _every_non_ascii() -> str:
    # Decoded from UTF-32 code units: `"".join(map(chr, ...))` made a million one-character strings
    # first, an 80 MB spike on a process's first scan (most of a small run's peak memory).
    codes = array("I", range(0x80, 0xD800))
    codes.extend(range(0xE000, 0x110000))
    return codes.tobytes().decode(f"utf-32-{sys.byteorder[0]}e")


def _non_ascii_matches(atom: str, ignorecase: bool) -> list[str]:
    """The non-ASCII characters (surrogates aside) that the one-character `atom` matches."""
    runs = regex.compile(("(?i)" if ignorecase else "") + "(?:" + atom + ")+").findall(_every_non_ascii())
    return [char for run in runs for char in run]


@lru_cache(maxsize=1)
def ascii_case_variants() -> dict[str, str]:
    """The non-ASCII characters that `regex` matches, under (?i), with an ASCII character ("K", KELVIN
    SIGN, "İ", ...), each with an ASCII character it matches: the scan sees them as that character.

    Finding them searches every code point, about 0.04 s in every process that scans non-ASCII text
    (each worker of a folder run). They depend only on `regex` and on this module, so they are kept
    in the cache folder under a name made of both (`disk_cache.cache_dir`); a missing or damaged file
    means searching again."""
    path = _variants_path()
    try:
        found = json.loads(path.read_bytes())
    except (OSError, ValueError):
        found = None
    if _well_formed(found):
        return found
    found = _find_case_variants()
    write_cache(path, json.dumps(found).encode("ascii"))
    return found


def _find_case_variants() -> dict[str, str]:
    return {char: next(chr(c) for c in range(0x80) if regex.fullmatch("(?i)" + regex.escape(chr(c)), char))
            for char in _non_ascii_matches(r"[\x00-\x7f]", True)}


def _variants_path() -> Path:
    facts = "\n".join((regex.__version__, sys.version, Path(__file__).read_text("utf-8")))
    return cache_dir() / f"case-variants-{hashlib.sha256(facts.encode('utf-8')).hexdigest()[:24]}.json"


def _well_formed(found: object) -> bool:
    """Whether a cached value reads as `ascii_case_variants` returns them: one non-ASCII character to one ASCII one."""
    return isinstance(found, dict) and bool(found) and all(
        type(k) is str and type(v) is str and len(k) == len(v) == 1 and not k.isascii() and v.isascii()
        for k, v in found.items())


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
def atom_expression(atom: str, ignorecase: bool, exact: bool, literal: str | None = None) -> str:
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
    if not exact or any(single.fullmatch(chr(c)) for c in SURROGATES):  # lone surrogates: scanned as bytes
        others = None
    elif literal is not None and (literal.isascii() or not ignorecase):
        # itself alone, or (an ASCII character under (?i)) itself and case variants of ASCII characters
        others = [literal] if not literal.isascii() and literal not in ascii_case_variants() else []
    else:
        others = [c for c in _non_ascii_matches(atom, ignorecase) if c not in ascii_case_variants()]
    pieces = [byte_class(points)] if points else []
    if others is None or len(others) > _MAX_EXACT:
        pieces.append(_ANY_NON_ASCII)
    else:
        pieces += ["".join(f"\\x{b:02x}" for b in c.encode("utf-8")) for c in others]
    if not pieces:
        raise Unsupported("an atom that matches no character of a line")
    return pieces[0] if len(pieces) == 1 else "(?:" + "|".join(pieces) + ")"


def byte_class(points: set[int]) -> str:
    """A Hyperscan set of the ASCII bytes `points`, written short: runs of three or more as ranges, letters
    and digits as themselves (an expression is capped at about 16,000 characters, and a letter under (?i)
    written as two escapes took ten of them)."""
    def show(c: int) -> str:
        return chr(c) if chr(c).isalnum() else f"\\x{c:02x}"

    parts, ordered = [], sorted(points)
    start = 0
    while start < len(ordered):
        end = start
        while end + 1 < len(ordered) and ordered[end + 1] == ordered[end] + 1:
            end += 1
        if end - start >= 2:
            parts.append(f"{show(ordered[start])}-{show(ordered[end])}")
        else:
            parts += [show(c) for c in ordered[start:end + 1]]
        start = end + 1
    return "[" + "".join(parts) + "]"


def bytes_repeated(piece: str) -> str:
    """An atom's expression, for a repeat with no upper bound: "([A]|any non-ASCII)" becomes the byte set
    [A\\x80-\\xff], which a run of such characters' bytes (at least as many bytes as characters) matches."""
    if piece == _ANY_NON_ASCII:
        return _ANY_NON_ASCII[:-1]
    suffix = "]|" + _ANY_NON_ASCII + ")"
    if piece.startswith("(?:[") and piece.endswith(suffix) and piece.count("|") == 1:
        return piece[3:-len(suffix)] + _ANY_NON_ASCII[1:-2] + "]"
    return piece
