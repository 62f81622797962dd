"""The one record loop: JSONL lines, Parquet rows, Dask bags and dataframes are all cleaned here.

A record is a JSON object (a row) with a string `text`; every other field is kept and a `url`
field selects site-scoped packs; a `RecordKeep` names lines to keep per record (by its `id`, or
its position without one: `cleaner.engine.keep.record_name`). Each input item gives either an
output record or an error naming its position ("line 7: not a JSON object"): a line that is not a
JSON object has no record to keep and is dropped; a record without a string `text` (or one whose
cleaning fails) is kept as it was, with {"id": ..., "error": ...} as its provenance line. Every engine cleans through
`clean_items`, which is what makes their outputs byte-identical.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cleaner.api import clean
from cleaner.engine.keep import RecordKeep
from cleaner.errors import CleanerError
from cleaner.io.json_text import json_line
from cleaner.rules.ruleset import RuleSet
from cleaner.run.report import Tally


@dataclass
class Cleaned:
    """A batch of records cleaned: the records kept (in order), their provenance notes, the counts,
    and one message per item that failed."""

    records: list[dict] = field(default_factory=list)
    notes: list[dict] = field(default_factory=list)
    tally: Tally = field(default_factory=Tally)
    errors: list[str] = field(default_factory=list)


NO_KEEP = RecordKeep()


def clean_record(record: dict[str, Any], rules: RuleSet, keep: RecordKeep = NO_KEEP,
                 position: int = 0) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (`record` with its `text` cleaned, the provenance record); other fields are kept.
    `keep` gives the lines to keep in the record at `position` (1-based, names a record without `id`).

    Raises CleanerError when the record has no string `text`.
    """
    text = record.get("text")
    if not isinstance(text, str):
        raise CleanerError(f"record {record.get('id')!r} has no string 'text' field")
    url = record.get("url")
    result = clean(text, rules=rules, source=str(record.get("id")), url=url if isinstance(url, str) else None,
                   keep=keep.for_record(record, position) if keep else ())
    return {**record, "text": result.text}, result.provenance


def clean_items(items: Iterable[tuple[int, Any]], rules: RuleSet, *, unit: str = "line",
                keep: RecordKeep = NO_KEEP) -> Cleaned:
    """Clean (position, item) pairs: an item is a JSONL line (bytes or str; blank lines are passed
    over) or a record (dict). `unit` names positions in error messages ("line", "row", "record");
    `keep` the lines to keep per record."""
    done = Cleaned()
    for number, item in items:
        if isinstance(item, (bytes, str)):
            if not item.strip():
                continue
            record, problem = _parse(item)
        else:
            record, problem = item, None if isinstance(item, dict) else "not a JSON object"
        done.tally.records += 1
        if problem is not None:
            done.tally.failed += 1
            done.errors.append(f"{unit} {number}: {problem}; dropped")
            continue
        try:
            cleaned, provenance = clean_record(record, rules, keep, number)
        except CleanerError as exc:
            done.tally.failed += 1
            done.errors.append(f"{unit} {number}: {exc}; kept unchanged")
            done.records.append(record)
            done.notes.append({"id": record.get("id"), "error": str(exc)})
            continue
        done.tally.count(provenance)
        done.records.append(cleaned)
        done.notes.append({"id": record.get("id"), "provenance": provenance})
    return done


def _parse(raw: bytes | str) -> tuple[Any, str | None]:
    try:
        record = json.loads(raw)
    except ValueError as exc:  # UnicodeDecodeError (invalid UTF-8) included
        return None, f"not JSON: {exc}"
    return record, None if isinstance(record, dict) else "not a JSON object"


@dataclass
class JsonlPart:
    """A cleaned JSONL batch as text: output lines, provenance lines ("" with provenance in records)."""

    output: str
    provenance: str
    tally: Tally
    errors: list[str]


def clean_jsonl_batch(lines: list[tuple[int, bytes]], rules: RuleSet, provenance: str = "file",
                      keep: RecordKeep = NO_KEEP) -> JsonlPart:
    """Clean numbered JSONL lines into output and provenance text (provenance "file" or "field")."""
    done = clean_items(lines, rules, keep=keep)
    if provenance == "field":
        out = [{**r, "provenance": n.get("provenance", n)} for r, n in zip(done.records, done.notes, strict=True)]
        return JsonlPart("".join(map(json_line, out)), "", done.tally, done.errors)
    return JsonlPart("".join(map(json_line, done.records)), "".join(map(json_line, done.notes)),
                     done.tally, done.errors)


def clean_row_batch(rows: list[tuple[int, dict]], rules: RuleSet,
                    keep: RecordKeep = NO_KEEP) -> tuple[list[dict], str, Tally, list[str]]:
    """Clean numbered Parquet rows: (rows, provenance lines, counts, errors)."""
    done = clean_items(rows, rules, unit="row", keep=keep)
    return done.records, "".join(map(json_line, done.notes)), done.tally, done.errors
