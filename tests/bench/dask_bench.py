"""Dask: a LocalCluster of 2 single-threaded worker processes against the one-process run, on the
same 10,000-document JSONL corpus (median of runs; cluster start-up timed apart)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from common import median_seconds, report, write_jsonl_corpus

import cleaner
from cleaner.run import distributed as cd
from cleaner.run.corpus import clean_jsonl
from cleaner.run.options import RuleSpec

DOCS = 10_000
RUNS = 3


def main() -> None:
    rules = cleaner.default_rules()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp, "corpus.jsonl")
        size = write_jsonl_corpus(corpus, DOCS)
        local_s, local_runs = median_seconds(lambda: clean_jsonl(corpus, Path(tmp, "local"), RuleSpec()), RUNS, 0)
        start = time.perf_counter()
        with cd.connect(workers=2) as client:
            startup = time.perf_counter() - start
            dask_s, dask_runs = median_seconds(
                lambda: cd.clean_jsonl(str(corpus), Path(tmp, "dask"), client, rules), RUNS, 0)
        same = all((Path(tmp, "local", n).read_bytes() == Path(tmp, "dask", n).read_bytes())
                   for n in ("corpus.jsonl", "corpus.provenance.jsonl"))
    mb = size / 1e6
    rows = [["one process", DOCS, round(mb, 1), local_s, mb / local_s, " ".join(f"{t:.2f}" for t in local_runs)],
            ["LocalCluster(n_workers=2)", DOCS, round(mb, 1), dask_s, mb / dask_s,
             " ".join(f"{t:.2f}" for t in dask_runs)]]
    summary = {"speedup_dask_over_one_process": local_s / dask_s, "cluster_startup_seconds": startup,
               "outputs_identical": same}
    report("dask", "python tests/bench/dask_bench.py", ["engine", "docs", "MB", "seconds", "MB/s", "runs"], rows,
           summary)


if __name__ == "__main__":
    main()
