"""Clean on a Dask cluster: the executor the CLI's `--engine dask` uses, and bag/dataframe helpers.

`pip install 'cleaner[dask]'`. Without a scheduler address a `LocalCluster` (one single-threaded
worker process per core) is started and closed again. `DaskExecutor` is the same interface as the
local executors: the client reads the batches (so a bad line is reported exactly as the local
engine reports it), the workers clean them through the one record loop, and the client writes the
results in input order, so the outputs are byte-identical to `--jobs 1`. The rule set reaches each
worker once (scattered to every worker; in a graph, one task keyed `cleaner-rules-<hash>`).

A LocalCluster's workers die with the run: their nannies live in this process, and each worker
process exits as soon as the pipe its nanny holds open closes (distributed's
`AsyncProcess._immediate_exit_when_closed`), so a SIGKILLed `cleaner clean --engine dask` leaves no
orphans (tests/test_interrupt.py kills one). Workers of a `--scheduler` cluster are not ours: the
scheduler drops the dead client's tasks and they live on.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from cleaner.api import default_rules
from cleaner.errors import CleanerError
from cleaner.rules.ruleset import RuleSet
from cleaner.run.corpus import BATCH_BYTES, clean_corpus
from cleaner.run.plan import corpus_job
from cleaner.run.records import clean_items
from cleaner.run.report import Report

T = TypeVar("T")
BLOCKSIZE = "16MiB"  # per partition for read_jsonl (compressed shards are one partition each)


def _dask():
    try:
        import dask
        import dask.bag
        import distributed
    except ImportError as exc:
        raise CleanerError("the Dask engine needs dask[distributed]: pip install 'cleaner[dask]'") from exc
    return dask, dask.bag, distributed


@contextmanager
def connect(scheduler: str | None = None, *, workers: int | None = None) -> Iterator[Any]:
    """A `distributed.Client` for `scheduler`, or for a LocalCluster of `workers` processes started here
    (its HTTP endpoint on a free port, so several runs on one machine do not collide)."""
    _, _, distributed = _dask()
    if scheduler:
        with distributed.Client(scheduler) as client:
            yield client
        return
    with distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, distributed.Client(cluster) as client:
        yield client


class DaskExecutor:
    """fn(batch, rules) on the cluster's workers, results in input order, two batches per worker in flight."""

    same_machine = False  # a worker may be on another machine: it publishes its outputs itself

    def __init__(self, client: Any, rules: RuleSet) -> None:
        self._client = client
        self.workers = max(1, len(client.scheduler_info().get("workers", {})))
        self._rules = client.scatter(rules, broadcast=True)
        self._pending: deque = deque()

    def map(self, fn: Callable[[Any, RuleSet], T], batches: Iterable[Any]) -> Iterator[T]:
        pending = self._pending
        try:
            for batch in batches:
                pending.append(self._client.submit(fn, batch, self._rules, pure=False))
                if len(pending) >= 2 * self.workers:
                    yield self._next()
            while pending:
                yield self._next()
        except BaseException:
            self.stop()
            raise

    def _next(self) -> Any:
        future = self._pending.popleft()
        result = future.result()
        future.release()
        return result

    def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        while self._pending:
            self._pending.popleft().cancel()


def shipped(rules: RuleSet | None = None) -> Any:
    """The rule set as one Dask task keyed by its hash, so each worker receives it once."""
    dask, _, _ = _dask()
    rules = default_rules() if rules is None else rules
    return dask.delayed(rules, name=f"cleaner-rules-{rules.hash}", traverse=False)


def clean_bag(bag: Any, rules: RuleSet | None = None, *, provenance_field: str | None = "provenance") -> Any:
    """A bag of cleaned records from a bag of records (dicts with `id`, `text`, other fields kept).

    Each record's provenance goes into `provenance_field` (or {"id", "error"} when it could not be
    cleaned and was kept as it was); None leaves provenance out.
    """
    return bag.map_partitions(_clean_records, shipped(rules), provenance_field)


def _clean_records(records: Sequence[Any], rules: RuleSet, provenance_field: str | None) -> list[dict]:
    done = clean_items(enumerate(records, 1), rules, unit="record")
    if not provenance_field:
        return done.records
    return [{**r, provenance_field: n.get("provenance", n)} for r, n in zip(done.records, done.notes, strict=True)]


def read_jsonl(urls: str | Sequence[str], *, blocksize: str | int | None = BLOCKSIZE) -> Any:
    """A bag of records from JSONL shards: local paths, globs or any fsspec URL (.gz read whole)."""
    _, bag, _ = _dask()
    compressed = any(str(u).endswith(".gz") for u in ([urls] if isinstance(urls, str) else urls))
    return bag.read_text(urls, blocksize=None if compressed else blocksize).filter(str.strip).map(json.loads)


def clean_dataframe(df: Any, rules: RuleSet | None = None, *, text_column: str = "text",
                    provenance_column: str | None = "provenance") -> Any:
    """A Dask dataframe with `text_column` cleaned and each row's provenance as JSON in `provenance_column`.

    Rows need an `id` column only for the provenance records to name them. Needs pandas
    (`dask[dataframe]`), e.g. from `dask.dataframe.read_parquet(url)`.
    """
    meta = df._meta.copy()
    if provenance_column:
        meta[provenance_column] = meta[text_column].astype(object)
    return df.map_partitions(_clean_frame, shipped(rules), text_column, provenance_column, meta=meta)


def _clean_frame(frame: Any, rules: RuleSet, text_column: str, provenance_column: str | None) -> Any:
    frame = frame.copy()
    rows = [{**row, "text": row.get(text_column)} for row in frame.to_dict(orient="records")]
    done = clean_items(enumerate(rows, 1), rules, unit="row")
    if len(frame):
        frame[text_column] = [r["text"] for r in done.records]
    if provenance_column:
        frame[provenance_column] = [json.dumps(n.get("provenance", n), ensure_ascii=False, separators=(",", ":"))
                                    for n in done.notes]
    return frame


def clean_jsonl(src: str, out: str | Path, client: Any, rules: RuleSet | None = None, *, provenance: str = "file",
                blocksize: int | None = None) -> Report:
    """Clean the JSONL corpus `src` (path or fsspec URL) on the cluster into the local folder `out`.

    The client reads `blocksize`-byte batches (default 1 MiB), the workers clean them, the client
    writes them in order: the files equal those of the local engine.
    """
    executor = DaskExecutor(client, default_rules() if rules is None else rules)
    return clean_corpus(corpus_job(src, provenance), Path(out), executor, provenance=provenance,
                        batch_bytes=blocksize or BATCH_BYTES)
