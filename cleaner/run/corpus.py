"""Corpus files: JSON Lines (optionally gzipped) and Parquet, cleaned batch by batch in constant memory.

SRC/name.jsonl (or .jsonl.gz) becomes OUT/name.jsonl, the same records in the same order with `text`
replaced by the clean body, and OUT/name.provenance.jsonl, one line per output record in the same
order: {"id": ..., "provenance": {...}} (or {"id": ..., "error": "..."} for a record kept as it was).
With provenance "field" each record carries its provenance in a `provenance` field instead.
SRC/name.parquet becomes OUT/name.parquet (same schema) and the parallel OUT/name.provenance.jsonl.

Batches are read here, cleaned by any executor (this process, worker processes, a Dask cluster)
through the one record loop, and written here in input order, so every engine writes the same
bytes. Both outputs are written under temporary names and renamed at the end (the provenance file
first); a corpus that cannot be read to its end leaves no output.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack
from functools import partial
from pathlib import Path
from typing import Any

from cleaner.config import sidecar_record_keep
from cleaner.engine.keep import RecordKeep
from cleaner.io.corpus_files import PARQUET_BATCH_ROWS, parquet_schema, parquet_writer, read_jsonl, read_parquet
from cleaner.io.files import atomic_file, mode_of
from cleaner.io.json_text import utf8
from cleaner.run.executor import Executor, chunked, local_executor
from cleaner.run.options import PROVENANCE_MODES, RuleSource, rule_source
from cleaner.run.plan import CorpusJob, corpus_job, corpus_name, is_corpus
from cleaner.run.records import NO_KEEP, clean_jsonl_batch, clean_record, clean_row_batch
from cleaner.run.report import MAX_ERRORS_IN_MANIFEST, Report, Tally, corpus_report

BATCH_BYTES = 1 << 20  # input per batch: large enough to amortise a worker round trip, small in memory

__all__ = ["BATCH_BYTES", "clean_corpus", "clean_jsonl", "clean_parquet", "clean_record", "corpus_name",
           "is_corpus"]

OnErrors = Callable[[str, list[str]], None]


def clean_corpus(job: CorpusJob, out: Path, executor: Executor, *, provenance: str = "file",
                 batch_bytes: int = BATCH_BYTES, batch_rows: int = PARQUET_BATCH_ROWS,
                 on_errors: OnErrors | None = None, keep: RecordKeep = NO_KEEP) -> Report:
    """Clean one corpus file into `out` (raises CleanerError when it cannot be read; nothing is then
    left in `out`). `on_errors(source, messages)` hears each batch's failed records as they come;
    `keep` names the lines to keep per record."""
    if provenance not in PROVENANCE_MODES:
        raise ValueError(f"provenance must be one of {PROVENANCE_MODES}")
    mode = mode_of(job.source)
    tally, errors = Tally(), []

    def failed(messages: list[str]) -> None:
        errors.extend(messages[: MAX_ERRORS_IN_MANIFEST - len(errors)])  # stderr gets every one
        if on_errors is not None and messages:
            on_errors(job.source, messages)

    with ExitStack() as stack:
        records = stack.enter_context(atomic_file(out / job.provenance)) if job.provenance else None
        if job.parquet:
            _parquet(job, out, executor, stack, records, tally, failed, mode, batch_rows, keep)
        else:
            output = stack.enter_context(atomic_file(out / job.output, mode=mode))
            batches = chunked(read_jsonl(job.source), max_bytes=batch_bytes, size=lambda item: len(item[1]))
            for part in executor.map(partial(clean_jsonl_batch, provenance=provenance, keep=keep), batches):
                output.write(utf8(part.output))
                if records is not None:
                    records.write(utf8(part.provenance))
                tally.add(part.tally)
                failed(part.errors)
    return corpus_report(job.source, job.output, job.provenance or "", tally, errors)


def _parquet(job: CorpusJob, out: Path, executor: Executor, stack: ExitStack, records, tally: Tally,
             failed: Callable[[list[str]], None], mode: int | None, rows: int, keep: RecordKeep) -> None:
    schema = parquet_schema(job.source)
    write = stack.enter_context(parquet_writer(out / job.output, schema, mode=mode))
    batches = chunked(read_parquet(job.source, rows), max_items=rows)
    for rows, notes, part, messages in executor.map(partial(clean_row_batch, keep=keep), batches):
        write(rows)
        records.write(utf8(notes))
        tally.add(part)
        failed(messages)



def clean_jsonl(src: str | Path, out: str | Path, rules: RuleSource = None, *, workers: int = 1,
                provenance: str = "file", batch_bytes: int = BATCH_BYTES, keep: RecordKeep | None = None) -> Report:
    """Clean the JSONL corpus `src` into the folder `out` (library entry point).

    `rules`: a loaded RuleSet, rule pack paths (on top of the bundled packs), a RuleSpec, or None for
    the bundled packs. `keep`: the lines to keep per record; None (the default) reads the corpus
    file's sidecar keep file, if any (`cleaner.config.Config.keep_for_records` adds a project's).
    Returns the corpus's Report (its manifest line: counts, errors)."""
    return _clean_with(corpus_job(src, provenance), out, rules, workers, provenance=provenance,
                       batch_bytes=batch_bytes, keep=_keep_of(src, keep))


def clean_parquet(src: str | Path, out: str | Path, rules: RuleSource = None, *, workers: int = 1,
                  rows: int = PARQUET_BATCH_ROWS, keep: RecordKeep | None = None) -> Report:
    """Clean the Parquet corpus `src` into `out` (same schema, `text` cleaned) plus provenance JSONL;
    `rows` per batch and row group. `rules` and `keep` as for `clean_jsonl`."""
    return _clean_with(corpus_job(src), out, rules, workers, batch_rows=rows, keep=_keep_of(src, keep))


def _keep_of(src: str | Path, keep: RecordKeep | None) -> RecordKeep:
    return RecordKeep(sidecar_record_keep(Path(src))) if keep is None else keep


def _clean_with(job: CorpusJob, out: str | Path, rules: RuleSource, workers: int, **kwargs: Any) -> Report:
    executor = local_executor(rule_source(rules), workers)
    try:
        return clean_corpus(job, Path(out), executor, **kwargs)
    finally:
        executor.close()
