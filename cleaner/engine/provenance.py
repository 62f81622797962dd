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

from cleaner.engine.decide import Outcome, Removal
from cleaner.engine.keep import KeepEntry, kept_record, resolve
from cleaner.errors import CleanerError
from cleaner.lines import split_lines
from cleaner.rules.ruleset import RuleSet
from cleaner.version import __version__

SCHEMA = "cleaner.provenance/2"
READABLE_SCHEMAS = ("cleaner.provenance/1", SCHEMA)


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
    record = {
        "schema": SCHEMA,
        "cleaner_version": __version__,
        "source": source,
        "input": {"sha256": input_sha256 or sha256_text(input_text), "chars": len(input_text),
                  "extraction": extraction},
        "ruleset": {"hash": ruleset.hash, "timeout_seconds": ruleset.timeout},
        "output": {"sha256": sha256_text(outcome.text), "chars": len(outcome.text)},
        "layout": {"final_newline_added": outcome.final_newline_added},
        "removals": [r.to_dict() for r in outcome.removals],
        "counts": count_removals(outcome.removals),
    }
    if site is not None:
        record["site"] = site
    if outcome.kept:
        lines = split_lines(input_text)
        record["kept"] = kept_record(outcome.kept, resolve(keep, lines), lines)
    return record


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


class RestoreError(CleanerError):
    """The clean text and the record do not belong together."""


def restore(clean_text: str, provenance: dict[str, Any]) -> str:
    """Rebuild the text the rules ran on from the clean text and its provenance record."""
    if provenance.get("schema") not in READABLE_SCHEMAS:
        raise RestoreError(f"not a {SCHEMA} record (schema: {provenance.get('schema')!r})")
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
