"""Shared by the benchmark scripts: the dev corpus, timing, the machine, and the JSON/table output.

Benchmarks are scripts, not tests: `python tests/bench/run_all.py` runs them all (see README,
Performance). Each prints a table and writes tests/bench/results/<name>.json.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGES = Path(os.environ.get("CLEANER_DEVSET", ROOT.parent / "shared" / "devset"))
RESULTS = Path(__file__).resolve().parent / "results"


def dev_texts(kinds: tuple[str, ...] = ("full", "recall")) -> list[str]:
    """The dev corpus text: every page's *.full.txt then every *.recall.txt (781 pages each)."""
    if not PAGES.is_dir():
        sys.exit(f"dev corpus not found at {PAGES} (set CLEANER_DEVSET)")
    return [p.read_text("utf-8") for kind in kinds for p in sorted(PAGES.glob(f"*.{kind}.txt"))]


def dev_pieces(max_chars: int = 2000) -> list[str]:
    """The dev corpus text cut at line ends into pieces of at most about `max_chars` characters."""
    pieces = []
    for text in dev_texts():
        piece = ""
        for line in text.splitlines(keepends=True):
            if piece and len(piece) + len(line) > max_chars:
                pieces.append(piece)
                piece = ""
            piece += line
        if piece.strip():
            pieces.append(piece)
    return pieces


def cli_env() -> dict[str, str]:
    """The environment of a timed `cleaner` command: this one, with Python free to cache the package's
    bytecode. An installed package has its modules compiled when pip installs it; with
    PYTHONDONTWRITEBYTECODE set (as in this project's shells), a checkout's modules were compiled from
    source by every command, about 0.05 s of CPU per start here, which no installed `cleaner` pays.
    The untimed first run of each comparison writes the cache (`__pycache__/`, ignored by git)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def write_small_documents(folder: Path, n_docs: int, max_chars: int = 1500) -> list[Path]:
    """`n_docs` text files in `folder` (0000.txt, ...) cycling through the dev pieces: the CLI's
    small-documents benchmark input."""
    pieces = dev_pieces(max_chars)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n_docs):
        paths.append(folder / f"{i:04d}.txt")
        paths[-1].write_text(pieces[i % len(pieces)], "utf-8")
    return paths


def write_jsonl_corpus(path: Path, n_docs: int, max_chars: int = 2000) -> int:
    """Write `n_docs` records cycling through the dev pieces; return the file's size in bytes."""
    pieces = dev_pieces(max_chars)
    with path.open("w", encoding="utf-8") as f:
        for i in range(n_docs):
            f.write(json.dumps({"id": i, "text": pieces[i % len(pieces)], "source": "devset"}) + "\n")
    return path.stat().st_size


def forget_documents(rules) -> None:
    """Empty what `rules` learned from the documents it cleaned (the line model's per-process cache of
    line facts, the classifiers' known terms), so a timed pass over documents cleaned before costs what
    a first pass costs. Without it an in-process loop over the same texts is timed with every line's facts
    already computed by the untimed pass, about a fifth faster than any fresh process (a CLI run, a
    worker) can be."""
    from cleaner.rules.features import FeatureSpec
    from cleaner.rules.kinds.line_classifier import forget_texts

    forget_texts()  # the furniture-line classifiers' known terms of each text, kept for the process too
    for rule in rules.rules():
        spec = getattr(rule, "spec", None)
        if isinstance(spec, FeatureSpec):
            spec.cache.clear()


def dev_pages() -> list[Path]:
    return sorted(PAGES.glob("*.html"))


def median_seconds(fn: Callable[[], object], runs: int, warmup: int = 1) -> tuple[float, list[float]]:
    """Median wall time of `runs` calls of fn, after `warmup` untimed calls."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times


def machine() -> dict:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu_model": model, "python": platform.python_version(),
            "platform": platform.platform(), "load_average_1_5_15": list(os.getloadavg())}


def table(headers: list[str], rows: list[list]) -> str:
    cells = [[f"{c:,.2f}" if isinstance(c, float) else str(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(headers, widths, strict=True))]
    lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join(lines)


def report(name: str, command: str, headers: list[str], rows: list[list], summary: dict) -> None:
    """Print the table and summary; write results/<name>.json with the machine and the command."""
    print(f"== {name}: {command}")
    print(table(headers, rows))
    for key, value in summary.items():
        print(f"{key}: {value:,.3f}" if isinstance(value, float) else f"{key}: {value}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = {"benchmark": name, "command": command, "machine": machine(), "when": time.strftime("%Y-%m-%dT%H:%M:%SZ",
            time.gmtime()), "headers": headers, "rows": rows, "summary": summary}
    (RESULTS / f"{name}.json").write_text(json.dumps(data, indent=2) + "\n", "utf-8")
    print()
