"""Keep lists: lines a user has said a rule (or every rule) must not remove from one document.

An entry names a line by its `text` (compared with surrounding whitespace stripped) or by its
`hash` (the first hex digits, at least 8, of `line_hash`), and the `rule` it is kept from: a rule
id, or "*" for every rule. A kept line can still be removed by another rule, and by the layout pass
(which only ever removes blank lines). Entries come from the configuration (`[tool.cleaner.keep]`)
or from a sidecar file beside the document (`cleaner.config.keep_for`); this module is pure: it
parses entries from data already read and resolves them against a document's lines.
"""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cleaner.errors import CleanerError
from cleaner.lines import Line

ANY_RULE = "*"
MIN_HASH_DIGITS = 8


class KeepError(CleanerError):
    """A keep list that cannot be used; the message names where it came from."""


@dataclass(frozen=True)
class KeepEntry:
    """Keep the line whose stripped text is `text` (or whose `line_hash` starts with `hash`) from `rule`."""

    rule: str = ANY_RULE
    text: str | None = None
    hash: str | None = None
    origin: str = ""  # the file the entry was read from (a sidecar, or a pyproject.toml)

    def matches(self, stripped: str, digest: str | None) -> bool:
        if self.text is not None:
            return stripped == self.text
        return digest is not None and digest.startswith(self.hash or "\0")

    def to_dict(self) -> dict[str, str]:
        named = {"text": self.text} if self.text is not None else {"hash": self.hash}
        return {**named, "rule": self.rule, "origin": self.origin}


def record_name(record: dict[str, Any], position: int) -> str:
    """How a keep list names a record of a corpus file: its `id` field as text, or, for a record
    without one, its 1-based position (the line of a JSONL file, the row of a Parquet file)."""
    ident = record.get("id")
    return str(position) if ident is None else str(ident)


@dataclass(frozen=True)
class RecordKeep:
    """The keep entries for the records of one corpus file: (record name pattern, entries) pairs,
    a pattern matching `record_name` as a glob ("*": every record)."""

    patterns: tuple[tuple[str, tuple[KeepEntry, ...]], ...] = ()

    def for_record(self, record: dict[str, Any], position: int) -> tuple[KeepEntry, ...]:
        name = record_name(record, position)
        return tuple(e for pattern, entries in self.patterns
                     if name == pattern or fnmatch.fnmatchcase(name, pattern) for e in entries)

    def __bool__(self) -> bool:
        return bool(self.patterns)


def line_hash(text: str) -> str:
    """The hash a keep entry can name a line by: SHA-256 of its text stripped of surrounding whitespace."""
    return hashlib.sha256(text.strip().encode("utf-8", "surrogatepass")).hexdigest()


def parse_entries(items: Any, origin: str) -> tuple[KeepEntry, ...]:
    """Entries from TOML data: a list of tables `{ text = "..." | hash = "...", rule = "id" | "*" }`
    (`rule` defaults to "*"). Raises KeepError naming `origin` and the entry."""
    if not isinstance(items, list):
        raise KeepError(f"{origin}: keep must be a list of {{ text = ..., rule = ... }} tables")
    entries = []
    for n, item in enumerate(items):
        where = f"{origin}: keep[{n}]"
        if not isinstance(item, dict) or set(item) - {"text", "hash", "rule"}:
            raise KeepError(f"{where}: expected a table with text or hash, and rule")
        if ("text" in item) == ("hash" in item):
            raise KeepError(f"{where}: give exactly one of text and hash")
        rule = item.get("rule", ANY_RULE)
        if not isinstance(rule, str) or not rule:
            raise KeepError(f"{where}: rule must be a rule id or \"*\"")
        if "text" in item:
            text = item["text"]
            if not isinstance(text, str) or not text.strip() or "\n" in text or "\r" in text:
                raise KeepError(f"{where}: text must be one non-blank line")
            entries.append(KeepEntry(rule, text=text.strip(), origin=origin))
        else:
            digest = item["hash"]
            if not isinstance(digest, str) or len(digest) < MIN_HASH_DIGITS \
                    or any(c not in "0123456789abcdef" for c in digest.lower()):
                raise KeepError(f"{where}: hash must be at least {MIN_HASH_DIGITS} hex digits of a line's SHA-256")
            entries.append(KeepEntry(rule, hash=digest.lower(), origin=origin))
    return tuple(entries)


def resolve(entries: Sequence[KeepEntry], lines: Sequence[Line]) -> dict[int, tuple[KeepEntry, ...]]:
    """The line indices the entries name, each with the entries that name it."""
    if not entries:
        return {}
    hashed = any(e.hash is not None for e in entries)
    found: dict[int, tuple[KeepEntry, ...]] = {}
    for i, line in enumerate(lines):
        stripped = line.text.strip()
        if not stripped:
            continue
        digest = line_hash(stripped) if hashed else None
        named = tuple(e for e in entries if e.matches(stripped, digest))
        if named:
            found[i] = named
    return found


def protects(named: Iterable[KeepEntry], rule_id: str) -> bool:
    """Whether one of the entries naming a line keeps it from `rule_id`."""
    return any(e.rule == ANY_RULE or e.rule == rule_id for e in named)


def kept_record(kept: Mapping[int, list[str]], entries: Mapping[int, tuple[KeepEntry, ...]],
                lines: Sequence[Line]) -> list[dict[str, Any]]:
    """The record's `kept` list: each line a keep entry saved, the rules it was kept from, and why."""
    return [{"line": i + 1, "text": lines[i].text, "rules": rules,
             "entries": [e.to_dict() for e in entries[i]]}
            for i, rules in sorted(kept.items())]
