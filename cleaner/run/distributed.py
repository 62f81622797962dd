"""Clean on a Dask cluster: the same cleaning as one process, mapped over a bag or a dataframe.

`pip install 'cleaner[dask]'`. Without a scheduler address a `LocalCluster` (one single-threaded
worker process per core) is started and closed again. The rule set travels to the workers once:
it is one task in the graph, keyed by the rule set's content hash, that each worker fetches once
and every partition reuses (for folders of files, each worker process loads it once from the
`RuleSpec`). Partitions are cleaned by the functions the local engine uses and written back in
input order, so the outputs are byte-identical to `--jobs 1`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from cleaner.api import default_rules
from cleaner.errors import CleanerError
from cleaner.rules.ruleset import RuleSet
from cleaner.run.batch import Job, Report, RuleSpec, clean_one
from cleaner.run.corpus import (
    PROVENANCE_MODES,
    CorpusOutputs,
    CorpusStats,
    CorpusWriter,
    clean_jsonl_lines,
    clean_or_note,
    outputs_for,
)

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


def _clean_records(records: Sequence[dict], rules: RuleSet, provenance_field: str | None) -> list[dict]:
    out = []
    stats = CorpusStats()
    for number, record in enumerate(records, 1):
        cleaned, note = clean_or_note(record, rules, stats, number)
        if provenance_field:
            cleaned = {**cleaned, provenance_field: note.get("provenance", note)}
        out.append(cleaned)
    return out


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
    records = frame.to_dict(orient="records")
    texts, notes = [], []
    stats = CorpusStats()
    for number, record in enumerate(records, 1):
        record = {**record, "text": record.get(text_column)}
        cleaned, note = clean_or_note(record, rules, stats, number)
        texts.append(cleaned["text"])
        notes.append(json.dumps(note.get("provenance", note), ensure_ascii=False, separators=(",", ":")))
    if len(frame):
        frame[text_column] = texts
    if provenance_column:
        frame[provenance_column] = notes
    return frame


def clean_jsonl(src: str, out: str | Path, client: Any, rules: RuleSet, *, provenance: str = "file",
                blocksize: str | int | None = None) -> tuple[CorpusOutputs, CorpusStats]:
    """Clean the JSONL corpus `src` (path or fsspec URL) on the cluster into the local folder `out`.

    Partitions are fetched and written in order, so the files equal those of `corpus.clean_jsonl`.
    The default `blocksize` gives each worker about four partitions (1 to 64 MiB each), so that
    uneven partitions still finish together.
    """
    if provenance not in PROVENANCE_MODES:
        raise ValueError(f"provenance must be one of {PROVENANCE_MODES}")
    _, bag, distributed = _dask()
    compressed = src.lower().endswith(".gz")
    if blocksize is None and not compressed:
        blocksize = _blocksize(src, len(client.scheduler_info().get("workers", {})))
    lines = bag.read_text(src, blocksize=None if compressed else blocksize)
    parts = lines.map_partitions(_clean_lines_partition, shipped(rules), provenance).to_delayed()
    futures = client.compute(parts)
    targets = outputs_for(src, out, provenance)
    stats = CorpusStats()
    with CorpusWriter(targets.output, targets.provenance) as writers:
        for future in futures:
            ((out_lines, prov_lines, part_stats),) = future.result()
            future.release()
            writers.write(out_lines, prov_lines)
            stats.add(part_stats)
    return targets, stats


def _blocksize(src: str, workers: int) -> int:
    import fsspec

    fs, path = fsspec.core.url_to_fs(src)
    return min(64 << 20, max(1 << 20, fs.size(path) // (4 * max(1, workers)) + 1))


def _clean_lines_partition(lines: Sequence[str], rules: RuleSet, provenance: str) -> list[tuple]:
    return [clean_jsonl_lines(lines, rules, provenance=provenance)]


def run_jobs(jobs: Sequence[Job], out: str, spec: RuleSpec, client: Any, *, dry_run: bool = False,
             force: bool = False) -> list[Report]:
    """Clean planned file jobs on the cluster (workers must see the inputs and OUT); reports in job order."""
    if not jobs:
        return []
    _, bag, _ = _dask()
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    parts = bag.from_sequence(jobs, npartitions=min(len(jobs), 8 * workers))
    reports = parts.map_partitions(_clean_jobs, out, spec, dry_run, force)
    return list(client.compute(reports).result())


def _clean_jobs(jobs: Sequence[Job], out: str, spec: RuleSpec, dry_run: bool, force: bool) -> list[Report]:
    rules = _rules_for(spec)
    return [clean_one(job, out, rules, dry_run=dry_run, force=force) for job in jobs]


@lru_cache(maxsize=4)
def _rules_for(spec: RuleSpec) -> RuleSet:
    """The rule set of `spec`, loaded once per worker process."""
    return spec.load()
