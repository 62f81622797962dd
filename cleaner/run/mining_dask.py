"""Mining on a Dask cluster: the two passes of cleaner/run/mining.py as bag reductions.

Pass 1 partitions are folded on the client as they complete (only lines seen on two pages or more
are kept, `CountFold`); pass 2 is a tree reduction. Workers read the files and JSONL partitions
themselves (they must share the file system); no process holds more than a partition of text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cleaner.authoring.mine import SiteEvidence, Thresholds
from cleaner.authoring.minecount import CountFold, SiteCounts, SitePlan
from cleaner.rules.ruleset import RuleSet
from cleaner.run.mining import (
    FILES_PER_UNIT,
    SiteResult,
    Sources,
    Unit,
    count_documents,
    documents,
    merge_sites,
    observe_documents,
    parquet_rows,
    plans_for,
    results,
)
from cleaner.run.plan import PARQUET_SUFFIX, corpus_name


def mine_bag(bag: Any, rules: RuleSet, thresholds: Thresholds | None = None) -> list[SiteResult]:
    """Mine a Dask bag of `Unit`s (see `units_bag`).

    Pass 1: each partition becomes exact per-site counts of its line hashes; the client folds them
    in as they complete (`CountFold`: only lines seen on two pages or more are kept). Pass 2 (exact
    evidence for those lines only) is a tree reduction. No process holds more than a partition of text.
    """
    import dask
    from distributed import as_completed, default_client

    from cleaner.run.distributed import shipped

    thresholds = thresholds or Thresholds()
    client = default_client()
    fold = CountFold()
    futures = client.compute(bag.map_partitions(_count_units_partition).to_delayed())
    for future in as_completed(futures):  # folded on the client one partition at a time
        fold.add(future.result()[0])
        future.release()
    plans = plans_for(fold.sites, thresholds)
    partials = bag.map_partitions(_observe_units, dask.delayed(plans, traverse=False), shipped(rules))
    evidence = partials.reduction(merge_sites, merge_sites).compute()
    return results(fold.sites, evidence, plans, thresholds)


def units_bag(sources: Sources, *, blocksize: int | str | None = None) -> Any:
    """A Dask bag of units: JSONL corpora read by the workers (partitions of records), folders' files
    in units of FILES_PER_UNIT paths (read by the workers: they must share the file system), Parquet
    read here (as `cleaner clean --engine dask` does)."""
    import dask.bag

    from cleaner.run.distributed import read_jsonl

    bags = []
    files = [Unit(files=tuple(sources.files[i:i + FILES_PER_UNIT]))
             for i in range(0, len(sources.files), FILES_PER_UNIT)]
    if files:
        bags.append(dask.bag.from_sequence(files, partition_size=1))
    for path in sources.corpora:
        name = corpus_name(path)
        if str(path).lower().endswith(PARQUET_SUFFIX):
            bags.append(dask.bag.from_sequence([Unit(corpus=name, records=tuple(rows)) for rows in parquet_rows(path)],
                                               partition_size=1))
        else:
            options = {"blocksize": blocksize} if blocksize else {}
            bags.append(read_jsonl(path, **options).map_partitions(_as_units, name))
    return dask.bag.concat(bags) if bags else dask.bag.from_sequence([], npartitions=1)


def _as_units(part: Iterable[Any], name: str) -> list[Unit]:
    return [Unit(corpus=name, records=tuple(part))]


def _count_units_partition(part: Iterable[Unit]) -> list[dict[str, SiteCounts]]:
    return [merge_sites(count_documents(documents(u)) for u in part)]


def _observe_units(part: Iterable[Unit], plans: dict[str, SitePlan], rules: RuleSet) -> list[dict[str, SiteEvidence]]:
    return [merge_sites(observe_documents(documents(u), plans, rules) for u in part)]
