"""Peak memory while cleaning a 1 GB JSONL corpus: `python tests/bench/memory.py [--mb 1000] [--jobs N]`.

Generates the corpus (dev corpus pages cycled) in a temporary folder, runs `cleaner clean` on it in a
subprocess, samples the resident memory of that process and its workers every 0.1 s, and deletes
everything afterwards. Peak RSS must stay under 500 MB however large the corpus: records are streamed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from common import dev_texts, report


def write_corpus(path: Path, megabytes: float) -> tuple[int, int]:
    texts = dev_texts()
    target, size, n = megabytes * 1e6, 0, 0
    with path.open("w", encoding="utf-8") as f:
        while size < target:
            line = json.dumps({"id": n, "text": texts[n % len(texts)], "source": "devset"}) + "\n"
            f.write(line)
            size += len(line.encode("utf-8"))
            n += 1
    return n, size


def sample(process: subprocess.Popen) -> tuple[int, int]:
    """Poll until the process ends; return (peak total RSS of it and its children, peak of any one)."""
    parent = psutil.Process(process.pid)
    peak_total = peak_one = 0
    while process.poll() is None:
        try:
            rss = [p.memory_info().rss for p in [parent, *parent.children(recursive=True)]]
        except psutil.Error:
            continue
        peak_total, peak_one = max(peak_total, sum(rss)), max(peak_one, *rss)
        time.sleep(0.1)
    return peak_total, peak_one


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, default=1000.0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--tmp", default=tempfile.gettempdir())
    return parser.parse_args()


def run_sampled(args: list[str]) -> tuple[float, int, int, str]:
    """Run `cleaner ARGS...` in a subprocess; return (seconds, peak RSS of all, of one process, stdout).
    Exits with cleaner's stderr if it fails."""
    command = [sys.executable, "-m", "cleaner.cli.main", *args]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak_total, peak_one = sample(process)
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        sys.exit(f"cleaner failed: {process.stderr.read().decode()}")
    return seconds, peak_total, peak_one, process.stdout.read().decode()


def main() -> None:
    args = arguments()
    folder = Path(tempfile.mkdtemp(prefix="cleaner-memory-", dir=args.tmp))
    try:
        corpus = folder / "corpus.jsonl"
        docs, size = write_corpus(corpus, args.mb)
        seconds, peak_total, peak_one, _ = run_sampled(["clean", str(corpus), "-o", str(folder / "out"),
                                                        "--jobs", str(args.jobs)])
        out_size = sum(p.stat().st_size for p in (folder / "out").iterdir())
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    rows = [[f"{size / 1e6:,.0f}", docs, args.jobs, seconds, size / 1e6 / seconds, peak_total / 1e6, peak_one / 1e6,
             f"{out_size / 1e6:,.0f}"]]
    summary = {"peak_rss_total_mb": peak_total / 1e6, "peak_rss_one_process_mb": peak_one / 1e6,
               "target_peak_mb_below": 500}
    report("memory", f"python tests/bench/memory.py --mb {args.mb:g} --jobs {args.jobs}",
           ["input MB", "docs", "jobs", "seconds", "MB/s", "peak RSS MB (all)", "peak RSS MB (one)", "output MB"],
           rows, summary)


if __name__ == "__main__":
    main()
