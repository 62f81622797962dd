"""Parallel efficiency: `cleaner clean CORPUS.jsonl --jobs 1` against `--jobs 2` on a corpus of 10,000
documents cut from the dev corpus text (wall time of the whole command, median of runs).

The runs alternate (1, 2, 1, 2, ...) so that a burst of load from other users of this shared
machine falls on both sides, not on three runs of one."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from common import median_seconds, report, write_jsonl_corpus

DOCS = 10_000
RUNS = 5


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp, "corpus.jsonl")
        size = write_jsonl_corpus(corpus, DOCS)
        rows, seconds, times, outputs = [], {}, {1: [], 2: []}, {}
        for _ in range(RUNS):
            for jobs in (1, 2):
                out = Path(tmp, f"out{jobs}")
                command = [sys.executable, "-m", "cleaner.cli", "clean", str(corpus), "-o", str(out), "--jobs",
                           str(jobs)]
                times[jobs].append(median_seconds(lambda c=command: subprocess.run(c, check=True, capture_output=True),
                                                  1, warmup=0)[0])
                outputs[jobs] = (out / "corpus.jsonl").read_bytes(), (out / "corpus.provenance.jsonl").read_bytes()
        for jobs in (1, 2):
            seconds[jobs] = statistics.median(times[jobs])
            mb = size / 1e6
            rows.append([jobs, DOCS, round(mb, 1), seconds[jobs], mb / seconds[jobs], DOCS / seconds[jobs],
                         " ".join(f"{t:.2f}" for t in times[jobs])])
    speedup = seconds[1] / seconds[2]
    summary = {"speedup_jobs2_over_jobs1": speedup, "parallel_efficiency": speedup / 2, "target_speedup": 1.7,
               "outputs_identical": outputs[1] == outputs[2]}
    report("parallel", "python tests/bench/parallel.py", ["jobs", "docs", "MB", "seconds", "MB/s", "docs/s", "runs"],
           rows, summary)


if __name__ == "__main__":
    main()
