"""Peak memory while mining 1 GB of JSONL: `python tests/bench/mining_memory.py [--mb 1000] [--jobs N]`.

Generates the corpus in a temporary folder from the texts of ../shared/sites (each record one site
page with its `url`; the words of every line of 60 characters or more are shuffled per record, so
bodies are unique as in a real crawl while the furniture repeats), runs `cleaner mine` on it in a
subprocess, samples the resident memory of that process and its workers every 0.1 s, and deletes
everything afterwards. Memory holds the lines that repeat (and a 16 MB filter of lines seen once),
never the corpus or its unique lines.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

from common import report
from memory import arguments, run_sampled

SITES = Path(os.environ.get("CLEANER_SITES", Path(__file__).resolve().parents[3] / "shared" / "sites"))


def site_texts() -> list[tuple[str, str]]:
    if not SITES.is_dir():
        sys.exit(f"sites not found at {SITES} (set CLEANER_SITES)")
    return [(site.name, p.read_text("utf-8")) for site in sorted(SITES.iterdir()) if site.is_dir()
            for kind in ("full", "recall") for p in sorted(site.glob(f"*.{kind}.txt"))]


def varied(text: str, rng: random.Random) -> str:
    lines = []
    for line in text.split("\n"):
        if len(line) >= 60:
            words = line.split()
            rng.shuffle(words)
            line = " ".join(words)
        lines.append(line)
    return "\n".join(lines)


def write_corpus(path: Path, megabytes: float) -> tuple[int, int]:
    texts = site_texts()
    target, size, n = megabytes * 1e6, 0, 0
    with path.open("w", encoding="utf-8") as f:
        while size < target:
            site, text = texts[n % len(texts)]
            record = {"id": n, "url": f"https://{site}/page/{n}", "text": varied(text, random.Random(n))}
            line = json.dumps(record) + "\n"
            f.write(line)
            size += len(line.encode("utf-8"))
            n += 1
    return n, size


def main() -> None:
    args = arguments()
    folder = Path(tempfile.mkdtemp(prefix="cleaner-mining-memory-", dir=args.tmp))
    try:
        corpus = folder / "corpus.jsonl"
        docs, size = write_corpus(corpus, args.mb)
        seconds, peak_total, peak_one, said = run_sampled(["mine", str(corpus), "-o", str(folder / "packs"),
                                                           "--jobs", str(args.jobs)])
        rules = sum(p.read_text("utf-8").count("[[rules]]") for p in (folder / "packs").glob("*.toml"))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    rows = [[f"{size / 1e6:,.0f}", docs, args.jobs, seconds, size / 1e6 / seconds, peak_total / 1e6, peak_one / 1e6,
             rules]]
    print(said.strip())
    report("mining_memory", f"python tests/bench/mining_memory.py --mb {args.mb:g} --jobs {args.jobs}",
           ["input MB", "records", "jobs", "seconds", "MB/s", "peak RSS MB (all)", "peak RSS MB (one)", "rules"],
           rows, {"peak_rss_total_mb": peak_total / 1e6, "peak_rss_one_process_mb": peak_one / 1e6})


if __name__ == "__main__":
    main()
