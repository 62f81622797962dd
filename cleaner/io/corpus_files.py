"""Read and write corpus files: JSON Lines (plain, gzipped, or any fsspec URL) and Parquet.

Readers stream (position, item) pairs: a JSONL file gives (line number, the line's bytes), a
Parquet file (row number, the row as a dict), both counted from 1 over the whole file. Any fault
reading the file (a missing file, a truncated or corrupt gzip stream, a damaged Parquet file)
becomes one CleanerError naming the file.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from cleaner.errors import CleanerError
from cleaner.io.files import atomic_file

PARQUET_BATCH_ROWS = 256  # rows per read batch and per row group written
_READ_FAULTS = (OSError, EOFError, zlib.error)


def read_jsonl(src: str | Path) -> Iterator[tuple[int, bytes]]:
    """(line number, raw line) for every line of a .jsonl or .jsonl.gz file (or fsspec URL)."""
    try:
        with _open(str(src)) as f:
            yield from enumerate(f, 1)
    except _READ_FAULTS as exc:
        raise CleanerError(f"{src}: cannot read: {_reason(exc)}") from exc


def _open(src: str) -> IO[bytes]:
    if "://" in src:
        import fsspec

        return fsspec.open(src, "rb", compression="infer").open()
    return gzip.open(src, "rb") if src.lower().endswith(".gz") else open(src, "rb")  # noqa: SIM115


def _reason(exc: BaseException) -> str:
    if isinstance(exc, EOFError):
        return "the compressed file is truncated (it ends before its end-of-stream marker)"
    if isinstance(exc, zlib.error):
        return f"the compressed data is corrupt ({exc})"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)


def _pyarrow() -> tuple[Any, Any]:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise CleanerError("Parquet needs pyarrow: pip install 'cleaner[parquet]'") from exc
    return pa, pq


def parquet_schema(src: str | Path) -> Any:
    pa, pq = _pyarrow()
    try:
        return pq.read_schema(src)
    except (OSError, pa.ArrowException) as exc:
        raise CleanerError(f"{src}: cannot read as Parquet: {exc}") from exc


def read_parquet(src: str | Path, rows: int = PARQUET_BATCH_ROWS) -> Iterator[tuple[int, dict]]:
    """(row number, row) for every row of a Parquet file, read `rows` at a time."""
    pa, pq = _pyarrow()
    number = 0
    try:
        for batch in pq.ParquetFile(src).iter_batches(batch_size=rows):
            for row in batch.to_pylist():
                number += 1
                yield number, row
    except (OSError, pa.ArrowException) as exc:
        raise CleanerError(f"{src}: cannot read as Parquet: {exc}") from exc


@contextmanager
def parquet_writer(target: Path, schema: Any, *, mode: int | None = None) -> Iterator[Any]:
    """A function writing a list of rows (one row group) to `target`, replaced atomically at the end."""
    pa, pq = _pyarrow()
    with atomic_file(target, mode=mode) as f, pq.ParquetWriter(f, schema) as writer:
        yield lambda rows: writer.write_table(pa.Table.from_pylist(rows, schema=schema))
