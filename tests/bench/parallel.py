"""Parallel efficiency: `cleaner clean CORPUS.jsonl --jobs 1` against `--jobs 2` on a corpus of 10,000
documents cut from the dev corpus text (wall time of the whole command, median of runs).

The same run measures what this machine allows: the two halves of the corpus cleaned by two
independent `--jobs 1` processes started together. They share nothing, so their speedup over one
process on the whole corpus is the ceiling for any design on these two cores; on a shared virtual
machine it is well under 2, because two busy cores each run slower than one alone.

The runs alternate (1, 2, pair, 1, 2, pair, ...) so that a burst of load from other users of this
shared machine falls on every side, not on three runs of one."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import report, write_jsonl_corpus

DOCS = 10_000
RUNS = 5


def command(corpus: Path, out: Path, jobs: int) -> list[str]:
    return [sys.executable, "-m", "cleaner.cli.main", "clean", str(corpus), "-o", str(out), "--jobs", str(jobs)]


def timed(commands: list[list[str]]) -> float:
    """Wall time of running `commands` all at once, until the last ends."""
    start = time.perf_counter()
    processes = [subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for c in commands]
    for process, c in zip(processes, commands, strict=True):
        _, err = process.communicate()
        if process.returncode:
            sys.exit(f"{' '.join(c)} failed: {err.decode(errors='replace')}")
    return time.perf_counter() - start


def split_halves(corpus: Path) -> list[Path]:
    lines = corpus.read_bytes().splitlines(keepends=True)
    halves = [corpus.with_name("first.jsonl"), corpus.with_name("second.jsonl")]
    halves[0].write_bytes(b"".join(lines[: len(lines) // 2]))
    halves[1].write_bytes(b"".join(lines[len(lines) // 2:]))
    return halves


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp, "corpus.jsonl")
        size = write_jsonl_corpus(corpus, DOCS)
        halves = split_halves(corpus)
        runs = {
            "--jobs 1": [command(corpus, Path(tmp, "out1"), 1)],
            "--jobs 2": [command(corpus, Path(tmp, "out2"), 2)],
            "2 x --jobs 1, a half each": [command(half, Path(tmp, half.stem), 1) for half in halves]  # one OUT per run,
        }
        times: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(RUNS):
            for name, commands in runs.items():
                times[name].append(timed(commands))
        outputs = [(Path(tmp, out, "corpus.jsonl").read_bytes(), Path(tmp, out, "corpus.provenance.jsonl").read_bytes())
                   for out in ("out1", "out2")]
    seconds = {name: statistics.median(t) for name, t in times.items()}
    mb = size / 1e6
    rows = [[name, DOCS, round(mb, 1), s, mb / s, DOCS / s, " ".join(f"{t:.2f}" for t in times[name])]
            for name, s in seconds.items()]
    speedup = seconds["--jobs 1"] / seconds["--jobs 2"]
    ceiling = seconds["--jobs 1"] / seconds["2 x --jobs 1, a half each"]
    summary = {"speedup_jobs2_over_jobs1": speedup, "parallel_efficiency": speedup / 2, "target_speedup": 1.7,
               "machine_ceiling_two_independent_processes": ceiling,
               "jobs2_share_of_ceiling": speedup / ceiling,
               "outputs_identical": outputs[0] == outputs[1]}
    report("parallel", "python tests/bench/parallel.py", ["run", "docs", "MB", "seconds", "MB/s", "docs/s", "runs"],
           rows, summary)


if __name__ == "__main__":
    main()
