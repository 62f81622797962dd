"""Where the CLI's extra time goes on 1,000 small documents, against cleaning them in one process.

    python tests/bench/cli_overhead.py            # --docs 1000 --runs 3

Each step adds one cost to the one before, all timed in one run, alternating, with medians (wall and
CPU, the CPU of child processes included):

- `python -c pass`: starting the interpreter;
- `import cleaner.cli.main`: the imports a run needs;
- `cleaner clean --dry-run --jobs 1`: plus loading the rules, planning and cleaning, nothing written;
- `cleaner clean --jobs 1`: plus writing two files per document and the manifest;
- `cleaner clean` (default jobs): the command a user runs;
- in-process `clean_file` on every document (rules loaded and compiled, line facts forgotten, as
  `targets.py` times it): the reference;
- in-process `clean_jobs` (clean and write the outputs, the same way): plus the write path.

Outputs are deleted after the timing, not in it (see `targets.py`). The documents are pieces of about
1.5 KB cut from the dev set's texts, as in `targets.py`.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import cli_env, forget_documents, report, write_small_documents  # noqa: E402

import cleaner  # noqa: E402


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _self_cpu() -> float:
    return time.process_time()


def timed(fn: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), _children_cpu() + _self_cpu()
    fn()
    return time.perf_counter() - wall, _children_cpu() + _self_cpu() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cleaner-bench-cli-"))
    try:
        src = work / "src"
        paths = write_small_documents(src, args.docs)
        counter = iter(range(10**6))

        def command(*argv: str) -> Callable[[], None]:
            def go() -> None:
                out = work / f"out{next(counter)}"
                subprocess.run([sys.executable, *argv] if argv[:1] == ("-c",) else
                               [sys.executable, "-m", "cleaner", "clean", str(src), "-o", str(out), *argv],
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=cli_env())
            return go

        rules = cleaner.default_rules()
        from cleaner.run.documents import clean_jobs
        from cleaner.run.plan import plan

        def in_process() -> None:
            forget_documents(rules)
            for path in paths:
                cleaner.clean_file(path, rules=rules)

        def in_process_write() -> None:
            out = work / f"out{next(counter)}"
            jobs = plan([str(src)], out).documents
            forget_documents(rules)
            out.mkdir()
            for start in range(0, len(jobs), 64):
                clean_jobs(jobs[start:start + 64], rules, out, False, False)

        steps = {
            "python -c pass": command("-c", "pass"),
            "import cleaner.cli.main": command("-c", "import cleaner.cli.main"),
            "clean --dry-run --jobs 1": command("--dry-run", "--jobs", "1"),
            "clean --jobs 1": command("--jobs", "1"),
            "clean (default jobs)": command(),
            "in-process clean_file": in_process,
            "in-process clean_jobs (writes)": in_process_write,
        }
        for fn in steps.values():
            fn()  # untimed: caches, page cache
        walls: dict[str, list[float]] = {name: [] for name in steps}
        cpus: dict[str, list[float]] = {name: [] for name in steps}
        for _ in range(args.runs):
            for name, fn in steps.items():
                wall, cpu = timed(fn)
                walls[name].append(wall)
                cpus[name].append(cpu)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    reference = statistics.median(walls["in-process clean_file"])
    reference_cpu = statistics.median(cpus["in-process clean_file"])
    rows = [[name, f"{statistics.median(walls[name]):.2f} ({min(walls[name]):.2f}-{max(walls[name]):.2f})",
             f"{statistics.median(cpus[name]):.2f}", round(statistics.median(walls[name]) / reference, 2),
             round(statistics.median(cpus[name]) / reference_cpu, 2)] for name in steps]
    report("cli_overhead", "python tests/bench/cli_overhead.py",
           ["step", "wall s (median, range)", "cpu s", "wall / in-process", "cpu / in-process"], rows,
           {"documents": args.docs, "runs": args.runs, "cores": os.cpu_count()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
