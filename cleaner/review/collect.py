"""Read a cleaned corpus back from its output folder: each document's original text and removals.

`cleaner clean SRC -o OUT` leaves OUT/manifest.jsonl (one line per document or corpus file), a
provenance record beside each clean body, and for corpus files a parallel NAME.provenance.jsonl (or
records carrying a `provenance` field). `read_cleaned` walks the manifest and gives one
`ReviewedDocument` per document or corpus record, its original rebuilt by `restore` from the clean
text and the record, so a reviewer sees exactly the text the rules ran on. A document whose outputs
are missing or do not match their record is returned with its `error` set, never skipped silently.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager as ContextManager
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cleaner.engine.provenance import restore
from cleaner.errors import CleanerError
from cleaner.io.corpus_files import read_jsonl, read_parquet

MANIFEST = "manifest.jsonl"


class ReviewError(CleanerError):
    """OUT is not a cleaned corpus (no readable manifest)."""


@dataclass
class ReviewedDocument:
    """One cleaned document as a reviewer sees it: its name, the text the rules ran on, its removals."""

    name: str
    text: str = ""
    removals: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


def read_manifest(out: str | Path) -> list[dict[str, Any]]:
    """The manifest's document lines as dicts (not its first line, which describes the run's rule
    set); ReviewError when OUT has no readable manifest."""
    path = Path(out) / MANIFEST
    try:
        lines = path.read_text("utf-8").splitlines()
    except OSError as exc:
        raise ReviewError(f"{path}: cannot read ({exc.strerror or exc}); is {out} the output folder of "
                          "`cleaner clean`?") from exc
    try:
        rows = [json.loads(line) for line in lines if line.strip()]
        return [row for row in rows if "manifest" not in row]
    except ValueError as exc:
        raise ReviewError(f"{path}: not JSON Lines: {exc}") from exc


def read_cleaned(out: str | Path) -> Iterator[ReviewedDocument]:
    """Every document of the cleaned corpus in OUT, in manifest order (corpus records in file order)."""
    root = Path(out)
    for row in read_manifest(root):
        name = str(row.get("source") or row.get("output") or "?")
        if row.get("status") == "failed" and not row.get("output"):
            continue  # never cleaned: nothing was removed from it
        if row.get("records") is not None:
            yield from _corpus_records(root, row, name)
        else:
            yield _document(root, row, name)


def categorize(documents: list[ReviewedDocument], categories: dict[str, str]) -> None:
    """Give each removal without a `category` the one `categories` has for its rule (if any)."""
    for document in documents:
        for removal in document.removals:
            if "category" not in removal and removal.get("rule_id") in categories:
                removal["category"] = categories[removal["rule_id"]]


def _document(root: Path, row: dict[str, Any], name: str) -> ReviewedDocument:
    try:
        record = json.loads((root / row["provenance"]).read_text("utf-8"))
        clean = (root / row["output"]).read_bytes().decode("utf-8")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return ReviewedDocument(name, error=f"cannot read its outputs: {exc}")
    return _restored(name, clean, record)


def _restored(name: str, clean: str, record: dict[str, Any]) -> ReviewedDocument:
    try:
        original = restore(clean, record)
    except (CleanerError, KeyError, TypeError, ValueError) as exc:
        return ReviewedDocument(name, error=f"cannot restore: {exc}")
    return ReviewedDocument(name, original, list(record.get("removals", [])))


def corpus_outputs(output: Path, provenance: Path | None) -> Iterator[tuple[int, dict[str, Any], dict[str, Any]]]:
    """(record number, output record, provenance note) for every record of a corpus output in OUT: a
    JSONL file (its provenance in the parallel `provenance` file, or in each record's `provenance`
    field when that is None) or a Parquet file (with its provenance file). Raises OSError or ValueError
    (CleanerError for a Parquet file it cannot read) when the outputs cannot be read whole."""
    if output.name.endswith(".parquet"):
        rows: Iterator[tuple[int, Any]] = read_parquet(output)
    else:
        rows = ((n, json.loads(raw)) for n, raw in read_jsonl(output))
    with _open_or_none(provenance) as notes:
        for number, record in rows:
            if notes is None:
                note = {"provenance": record.get("provenance")}
            else:
                line = notes.readline()
                if not line:
                    raise ValueError(f"{provenance}: fewer lines than records ({number - 1})")
                note = json.loads(line)
            yield number, record, note


def _corpus_records(root: Path, row: dict[str, Any], name: str) -> Iterator[ReviewedDocument]:
    """The records of a corpus output (JSONL or Parquet), paired with their provenance lines."""
    output = root / str(row.get("output") or "")
    provenance_file = root / row["provenance"] if row.get("provenance") else None
    try:
        for number, record, note in corpus_outputs(output, provenance_file):
            label = f"{name}#{record.get('id', number)}"
            if note.get("provenance") is None:
                yield ReviewedDocument(label, error=note.get("error") or "no provenance")
                continue
            yield _restored(label, record.get("text", ""), note["provenance"])
    except (OSError, ValueError, CleanerError) as exc:
        yield ReviewedDocument(name, error=f"cannot read its outputs: {exc}")


def _open_or_none(path: Path | None) -> ContextManager[IO[bytes] | None]:
    return path.open("rb") if path is not None else nullcontext()
