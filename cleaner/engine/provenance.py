"""Provenance records: what was removed from a document, by which rule, and how to undo it.

A record is a JSON-ready dict (schema `cleaner.provenance/2`; `restore` also reads `/1` records,
which listed the rule set's packs in every record and no `matched`). Offsets are character (code point)
offsets into the text the rules ran on: the decoded file, or for HTML the text trafilatura
extracted. `restore` re-inserts every removed span and drops the newline the layout pass may have
appended, which rebuilds that text exactly; the record's hashes let it prove so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from cleaner.engine.decide import LAYOUT_PACK, Outcome, Removal
from cleaner.engine.keep import KeepEntry, kept_record, resolve
from cleaner.errors import CleanerError
from cleaner.lines import split_lines
from cleaner.rules.ruleset import RuleSet
from cleaner.search import linefast
from cleaner.version import __version__

SCHEMA = "cleaner.provenance/2"
READABLE_SCHEMAS = ("cleaner.provenance/1", SCHEMA)
LAYOUT_PREFIX = LAYOUT_PACK + "."  # the layout pass's pseudo-rules: layout.blank-run, ...


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def build_record(
    *, source: dict[str, Any], input_text: str, outcome: Outcome, ruleset: RuleSet,
    extraction: dict[str, Any] | None = None, input_sha256: str | None = None,
    site: dict[str, Any] | None = None, keep: Sequence[KeepEntry] = (),
) -> dict[str, Any]:
    """Assemble the provenance record of one cleaned document.

    `source` describes the file (path, sha256, size, encoding, format); `extraction` is set when
    the rules ran on text extracted from HTML (tool, version, settings, page metadata);
    `input_sha256` is `sha256_text(input_text)` when the caller has already computed it.
    The rule set appears by hash only (`RuleSet.describe()` lists its packs: a run writes that once,
    in its manifest); `site` (when the document's host was known) says which domain, where it came
    from and which site packs applied; `kept` lists the lines `keep` entries saved from a rule.
    """
    removals, counts = _removals_and_counts(outcome.removals)
    record = {
        "schema": SCHEMA,
        "cleaner_version": __version__,
        "source": source,
        "input": {"sha256": input_sha256 or sha256_text(input_text), "chars": len(input_text),
                  "extraction": extraction},
        "ruleset": {"hash": ruleset.hash, "timeout_seconds": ruleset.timeout,
                    "doc_timeout_seconds": ruleset.doc_timeout},
        "output": {"sha256": sha256_text(outcome.text), "chars": len(outcome.text)},
        "layout": {"final_newline_added": outcome.final_newline_added},
        "removals": removals,
        "counts": counts,
    }
    if site is not None:
        record["site"] = site
    if keep:
        record["keep"] = [entry.to_dict() for entry in keep]
    if outcome.kept:
        lines = split_lines(input_text)
        record["kept"] = kept_record(outcome.kept, resolve(keep, lines), lines)
    return record


def _removals_and_counts(removals: Sequence[Removal]) -> tuple[list[dict], dict[str, Any]]:
    """The record's `removals` and `counts`: in one C call when compiled (linefast.records)."""
    fast = linefast.records(removals, Removal._fields)
    if fast is not None:
        return fast
    return [r.to_dict() for r in removals], count_removals(removals)


def count_removals(removals: Sequence[Removal]) -> dict[str, Any]:
    """Totals and per-rule counts (spans, lines, characters)."""
    by_rule: dict[str, list[int]] = {}  # spans, lines, chars (lists: a Counter per rule cost more than the rest)
    for r in removals:
        counts = by_rule.get(r.rule_id)
        if counts is None:
            counts = by_rule[r.rule_id] = [0, 0, 0]
        counts[0] += 1
        counts[1] += r.last_line - r.first_line + 1
        counts[2] += len(r.text)
    return {
        "removals": len(removals),
        "lines_removed": sum(c[1] for c in by_rule.values()),
        "chars_removed": sum(c[2] for c in by_rule.values()),
        "by_rule": {rule: {"spans": s, "lines": n, "chars": c} for rule, (s, n, c) in sorted(by_rule.items())},
    }


WARN_SHARE = 0.9  # a document losing this share of its text, or a rule taking it alone, gets a warning


def removal_warnings(chars_in: int, by_rule: dict[str, dict[str, int]]) -> list[str]:
    """Warnings for a document that lost most of its text: `chars_in` and `by_rule` as a record's
    `input.chars` and `counts.by_rule` (layout removals, blank lines, do not count).

    A page may be nearly all furniture, so this is a warning, not an error; but a rule that removes
    everything (a pattern matching any line) looks the same, and must not pass silently."""
    if chars_in <= 0:
        return []
    by_rule = {rule: counts for rule, counts in by_rule.items() if not rule.startswith(LAYOUT_PREFIX)}
    removed = sum(counts["chars"] for counts in by_rule.values())
    if removed < WARN_SHARE * chars_in:
        return []
    warnings = [f"removed {_percent(removed, chars_in)} of the text"]
    for rule, counts in sorted(by_rule.items()):
        if counts["chars"] >= WARN_SHARE * chars_in:
            warnings.append(f"rule '{rule}' alone removed {_percent(counts['chars'], chars_in)} of the text")
    return warnings


def _percent(part: int, whole: int) -> str:
    return "all" if part >= whole else f"{min(99, 100 * part // whole)}%"  # never rounds up to 100%


class RestoreError(CleanerError):
    """The clean text and the record do not belong together."""


def check_record(record: Any) -> None:
    """Raise RestoreError, saying which field is wrong, unless `record` has every field `restore` (and
    re-encoding the source) reads, of the right type: a hand-edited or truncated record gets one line,
    not a TypeError from deep inside."""
    if not isinstance(record, dict):
        raise RestoreError(f"not a {SCHEMA} record (a JSON {type(record).__name__}, not an object)")
    if record.get("schema") not in READABLE_SCHEMAS:
        raise RestoreError(f"not a {SCHEMA} record (schema: {record.get('schema')!r})")
    for section, field, kind in _RECORD_FIELDS:
        value = record.get(section)
        if not isinstance(value, dict):
            raise RestoreError(f"record field '{section}' must be an object")
        if not isinstance(value.get(field), kind) or (kind is int and isinstance(value.get(field), bool)):
            raise RestoreError(f"record field '{section}.{field}' must be {_TYPE_NAMES[kind]}")
    removals = record.get("removals")
    if not isinstance(removals, list):
        raise RestoreError("record field 'removals' must be a list")
    for n, removal in enumerate(removals):
        if not (isinstance(removal, dict) and isinstance(removal.get("text"), str)
                and isinstance(removal.get("start"), int) and not isinstance(removal["start"], bool)
                and removal["start"] >= 0):
            raise RestoreError(f"record field 'removals[{n}]' must be an object with a 'start' offset "
                               "(an integer, 0 or more) and a 'text' string")


_RECORD_FIELDS = (("output", "sha256", str), ("input", "sha256", str), ("layout", "final_newline_added", bool),
                  ("source", "sha256", str), ("source", "encoding", str))
_TYPE_NAMES = {str: "a string", bool: "true or false", int: "an integer"}


def restore(clean_text: str, provenance: dict[str, Any]) -> str:
    """Rebuild the text the rules ran on from the clean text and its provenance record.

    Raises RestoreError when the record is malformed (see `check_record`) or does not belong to
    `clean_text`."""
    check_record(provenance)
    if sha256_text(clean_text) != provenance["output"]["sha256"]:
        raise RestoreError("the clean text does not match the record's output hash (edited since?)")
    if provenance["layout"]["final_newline_added"]:
        clean_text = clean_text[:-1]
    parts: list[str] = []
    position = removed_before = 0
    for removal in sorted(provenance["removals"], key=lambda r: r["start"]):
        at = removal["start"] - removed_before
        parts += [clean_text[position:at], removal["text"]]
        position = at
        removed_before += len(removal["text"])
    parts.append(clean_text[position:])
    original = "".join(parts)
    if sha256_text(original) != provenance["input"]["sha256"]:
        raise RestoreError("restored text does not match the record's input hash")
    return original
