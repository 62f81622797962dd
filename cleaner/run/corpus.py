"""Corpus files: JSON Lines (optionally gzipped) and Parquet, cleaned record by record in constant memory.

A record is a JSON object (a Parquet row) with an `id` and a `text`; every other field is kept as it
is and a `url` field, when present, selects site-scoped packs. SRC/name.jsonl (or .jsonl.gz) becomes
OUT/name.jsonl, the same records in the same order with `text` replaced by the clean body, and
OUT/name.provenance.jsonl, one line per output record in the same order: {"id": ..., "provenance":
{...}} (or {"id": ..., "error": "..."} for a record that could not be cleaned and was kept as it was).
With provenance="field" each record carries its provenance in a `provenance` field instead.
SRC/name.parquet becomes OUT/name.parquet (same schema) and the parallel OUT/name.provenance.jsonl.

Records are read, cleaned and written in batches, so memory stays flat whatever the corpus size;
`workers` > 1 cleans batches in worker processes (the rule set loaded once per worker) and writes
them in input order, so the output is byte-identical to a one-process run.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cleaner.api import clean
from cleaner.errors import CleanerError
from cleaner.rules.ruleset import RuleSet
from cleaner.run.batch import Report, init_worker, worker_rules

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
PARQUET_SUFFIX = ".parquet"
CORPUS_SUFFIXES = (*JSONL_SUFFIXES, PARQUET_SUFFIX)
PROVENANCE_MODES = ("file", "field")
BATCH_BYTES = 1 << 20  # input per batch: large enough to amortise a worker round trip, small in memory
PARQUET_BATCH_ROWS = 256
MAX_ERRORS_KEPT = 20  # per corpus file, for the report; the provenance file has every one


def is_corpus(path: str | Path) -> bool:
    """Whether `path` names a corpus file (.jsonl, .jsonl.gz, .parquet) rather than one document."""
    return str(path).lower().endswith(CORPUS_SUFFIXES)


def corpus_name(path: str | Path) -> str:
    """The file name without its corpus suffix: data/web.jsonl.gz -> web."""
    name = Path(str(path)).name
    for suffix in CORPUS_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


@dataclass
class CorpusStats:
    """Totals over the records of one corpus file (or one batch of it)."""

    records: int = 0
    failed: int = 0
    chars_in: int = 0
    chars_removed: int = 0
    by_rule: dict[str, Counter] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def add(self, other: CorpusStats) -> None:
        self.records += other.records
        self.failed += other.failed
        self.chars_in += other.chars_in
        self.chars_removed += other.chars_removed
        for rule, counts in other.by_rule.items():
            self.by_rule.setdefault(rule, Counter()).update(counts)
        self.errors += other.errors[: MAX_ERRORS_KEPT - len(self.errors)]

    def _count(self, provenance: dict) -> None:
        self.chars_in += provenance["input"]["chars"]
        self.chars_removed += provenance["counts"]["chars_removed"]
        for rule, counts in provenance["counts"]["by_rule"].items():
            self.by_rule.setdefault(rule, Counter()).update(counts)

    def _fail(self, message: str) -> None:
        self.failed += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(message)


def clean_record(record: dict[str, Any], rules: RuleSet) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return (`record` with its `text` cleaned, the provenance record); other fields are kept.

    Raises CleanerError when the record has no string `text`.
    """
    text = record.get("text")
    if not isinstance(text, str):
        raise CleanerError(f"record {record.get('id')!r} has no string 'text' field")
    url = record.get("url")
    result = clean(text, rules=rules, source=str(record.get("id")), url=url if isinstance(url, str) else None)
    return {**record, "text": result.text}, result.provenance


def clean_jsonl_lines(lines: Iterable[bytes | str], rules: RuleSet, *, first_line: int = 1,
                      provenance: str = "file") -> tuple[list[str], list[str], CorpusStats]:
    """Clean JSON Lines; return (output lines, provenance lines, stats).

    Every engine (one process, worker processes, Dask) cleans through this function, which is
    what makes their outputs byte-identical. A line that is not a JSON object is dropped and
    counted as failed; a record that fails to clean is kept unchanged, its error in provenance.
    """
    out: list[str] = []
    prov: list[str] = []
    stats = CorpusStats()
    for number, raw in enumerate(lines, first_line):
        if not raw.strip():
            continue
        stats.records += 1
        try:
            record = json.loads(raw)
        except ValueError as exc:
            stats._fail(f"line {number}: not JSON: {exc}")
            continue
        if not isinstance(record, dict):
            stats._fail(f"line {number}: not a JSON object")
            continue
        cleaned, note = clean_or_note(record, rules, stats, number)
        if provenance == "field":
            cleaned = {**cleaned, "provenance": note.get("provenance", note)}
        else:
            prov.append(_dumps(note))
        out.append(_dumps(cleaned))
    return out, prov, stats


def clean_or_note(record: dict, rules: RuleSet, stats: CorpusStats, number: int) -> tuple[dict, dict]:
    """(cleaned record, provenance line) for a record, counted in `stats`; a record that cannot be
    cleaned comes back unchanged with {"id", "error"} as its line."""
    try:
        cleaned, provenance = clean_record(record, rules)
    except CleanerError as exc:
        stats._fail(f"line {number}: {exc}")
        return record, {"id": record.get("id"), "error": str(exc)}
    stats._count(provenance)
    return cleaned, {"id": record.get("id"), "provenance": provenance}


def _dumps(obj: Any) -> str:
    """One JSON line; strings with lone surrogates (valid JSON, not UTF-8) are written escaped."""
    line = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(obj, separators=(",", ":"))
    return line + "\n"


def read_jsonl_batches(path: str | Path, batch_bytes: int = BATCH_BYTES) -> Iterator[tuple[int, list[bytes]]]:
    """Stream (number of the batch's first line, raw lines) from a .jsonl or .jsonl.gz file."""
    with _open_read(path) as f:
        batch: list[bytes] = []
        size, first = 0, 1
        for number, raw in enumerate(f, 1):
            if not batch:
                first = number
            batch.append(raw)
            size += len(raw)
            if size >= batch_bytes:
                yield first, batch
                batch, size = [], 0
        if batch:
            yield first, batch


def _open_read(path: str | Path) -> IO[bytes]:
    try:
        return gzip.open(path, "rb") if str(path).lower().endswith(".gz") else open(path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise CleanerError(f"{path}: cannot read: {exc.strerror or exc}") from exc


@dataclass(frozen=True)
class CorpusOutputs:
    """Where a corpus file's outputs go."""

    output: Path
    provenance: Path | None


def outputs_for(src: str | Path, out: str | Path, provenance: str = "file") -> CorpusOutputs:
    name = corpus_name(src)
    suffix = PARQUET_SUFFIX if str(src).lower().endswith(PARQUET_SUFFIX) else ".jsonl"
    prov = Path(out, f"{name}.provenance.jsonl") if provenance == "file" or suffix == PARQUET_SUFFIX else None
    return CorpusOutputs(Path(out, name + suffix), prov)


def clean_jsonl(src: str | Path, out: str | Path, spec: Any, *, workers: int = 1, provenance: str = "file",
                batch_bytes: int = BATCH_BYTES) -> tuple[CorpusOutputs, CorpusStats]:
    """Clean the JSONL corpus `src` into the folder `out`; `spec` is a batch.RuleSpec.

    Outputs are written to temporary names and renamed at the end, so a reader never sees half a corpus.
    """
    if provenance not in PROVENANCE_MODES:
        raise ValueError(f"provenance must be one of {PROVENANCE_MODES}")
    targets = outputs_for(src, out, provenance)
    batches = read_jsonl_batches(src, batch_bytes)
    with CorpusWriter(targets.output, targets.provenance) as writers:
        stats = CorpusStats()
        for out_lines, prov_lines, batch_stats in _map_ordered(_clean_jsonl_batch, batches, spec, workers,
                                                               provenance):
            writers.write(out_lines, prov_lines)
            stats.add(batch_stats)
    return targets, stats


def clean_parquet(src: str | Path, out: str | Path, spec: Any, *, workers: int = 1,
                  rows: int = PARQUET_BATCH_ROWS) -> tuple[CorpusOutputs, CorpusStats]:
    """Clean the Parquet corpus `src` into `out` (same schema, `text` cleaned) plus provenance JSONL."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise CleanerError("Parquet needs pyarrow: pip install 'cleaner[parquet]'") from exc
    targets = outputs_for(src, out)
    try:
        reader = pq.ParquetFile(src)
    except (OSError, pa.ArrowException) as exc:
        raise CleanerError(f"{src}: cannot read as Parquet: {exc}") from exc
    schema = reader.schema_arrow
    batches = ((0, b.to_pylist()) for b in reader.iter_batches(batch_size=rows))
    targets.output.parent.mkdir(parents=True, exist_ok=True)
    stats = CorpusStats()
    tmp = _tmp(targets.output)
    try:
        with CorpusWriter(None, targets.provenance) as writers, pq.ParquetWriter(tmp, schema) as table:
            for records, prov_lines, batch_stats in _map_ordered(_clean_record_batch, batches, spec, workers,
                                                                 "file"):
                table.write_table(pa.Table.from_pylist(records, schema=schema))
                writers.write([], prov_lines)
                stats.add(batch_stats)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, targets.output)
    return targets, stats


def _clean_record_batch(batch: tuple[int, list[dict]], rules: RuleSet, provenance: str
                        ) -> tuple[list[dict], list[str], CorpusStats]:
    _, records = batch
    stats = CorpusStats(records=len(records))
    out, prov = [], []
    for number, record in enumerate(records, 1):
        cleaned, note = clean_or_note(record, rules, stats, number)
        out.append(cleaned)
        prov.append(_dumps(note))
    return out, prov, stats


def _clean_jsonl_batch(batch: tuple[int, list[bytes]], rules: RuleSet, provenance: str):
    first, lines = batch
    return clean_jsonl_lines(lines, rules, first_line=first, provenance=provenance)


class CorpusWriter:
    """A corpus's output and provenance files (either may be None), written under temporary names and
    renamed when the block ends without an error."""

    def __init__(self, output: Path | None, provenance: Path | None) -> None:
        self._paths = (output, provenance)
        self._files: list[IO[str] | None] = [None, None]

    def __enter__(self) -> CorpusWriter:
        for n, path in enumerate(self._paths):
            if path is not None:
                self._files[n] = open(_tmp(path), "w", encoding="utf-8", newline="")  # noqa: SIM115
        return self

    def write(self, out_lines: list[str], prov_lines: list[str]) -> None:
        for f, lines in zip(self._files, (out_lines, prov_lines), strict=True):
            if f is not None and lines:
                f.writelines(lines)

    def __exit__(self, exc_type, exc, tb) -> None:
        for path, f in zip(self._paths, self._files, strict=True):
            if path is None or f is None:
                continue
            f.close()
            if exc_type is None:
                os.replace(f.name, path)
            else:
                Path(f.name).unlink(missing_ok=True)


def _tmp(path: Path) -> Path:
    """A new temporary file beside `path`, named as batch.write_atomic names its own, so that
    batch.remove_stale_temp_files clears what a killed run left."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    return Path(name)


def _in_worker(fn: Callable, batch: Any, provenance: str) -> Any:
    return fn(batch, worker_rules(), provenance)


def _map_ordered(fn: Callable, batches: Iterator, spec: Any, workers: int, provenance: str) -> Iterator:
    """fn(batch, rules, provenance) for each batch, in order; at most 2 batches per worker in flight."""
    if workers <= 1:
        rules = spec.load()
        for batch in batches:
            yield fn(batch, rules, provenance)
        return
    with ProcessPoolExecutor(workers, initializer=init_worker, initargs=(spec,)) as pool:
        yield from _bounded(pool, fn, batches, 2 * workers, provenance)


def _bounded(pool: Executor, fn: Callable, batches: Iterator, window: int, provenance: str) -> Iterator:
    pending: deque = deque()
    for batch in batches:
        pending.append(pool.submit(_in_worker, fn, batch, provenance))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def clean_corpus(src: str, out: str | Path, spec: Any, *, workers: int = 1, provenance: str = "file",
                 client: Any = None) -> tuple[CorpusOutputs, CorpusStats]:
    """Clean one corpus file by its suffix; with a Dask `client`, JSONL is cleaned on the cluster
    (Parquet always here: see `distributed.clean_dataframe` for Parquet on a cluster)."""
    if str(src).lower().endswith(PARQUET_SUFFIX):
        return clean_parquet(src, out, spec, workers=workers)
    if client is not None:
        from cleaner.run.distributed import clean_jsonl as clean_jsonl_on_cluster

        return clean_jsonl_on_cluster(str(src), out, client, spec.load(), provenance=provenance)
    return clean_jsonl(src, out, spec, workers=workers, provenance=provenance)


def to_report(src: str, out: str | Path, targets: CorpusOutputs, stats: CorpusStats) -> Report:
    """The manifest line of a corpus file: one line for the file, its records' totals."""
    def rel(path: Path | None) -> str:
        return path.relative_to(out).as_posix() if path is not None else ""

    error = None
    if stats.failed:
        error = f"{src}: {stats.failed} of {stats.records} records failed: " + "; ".join(stats.errors[:3])
    return Report(src, rel(targets.output), rel(targets.provenance), "failed" if stats.failed else "cleaned",
                  chars_in=stats.chars_in, chars_removed=stats.chars_removed,
                  by_rule={rule: dict(c) for rule, c in sorted(stats.by_rule.items())}, error=error,
                  records=stats.records, records_failed=stats.failed)
