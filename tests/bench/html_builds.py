"""Compare the HTML speed ratio of two builds back to back, on a loaded machine.

    python tests/bench/html_builds.py OLD_CHECKOUT [NEW_CHECKOUT] [--rounds 7] [--pages 60]

Each checkout (a folder holding `cleaner/`, e.g. `git worktree add /tmp/old COMMIT`; a compiled
extension must be built or copied into it) gets one long-lived process that imports its own
`cleaner`, cleans the pages once untimed, then on each round times `cleaner.clean_file` over the
pages (the line facts forgotten first, as `targets.py` does) and `trafilatura.extract` (default
settings) over the same pages. The rounds alternate between the builds, so both see the same load,
and each round's ratio (trafilatura's time over ours) is taken in CPU time (`process_time`: what the
machine's other jobs change least) and in wall time. `targets.py --only html` is the target's own
figure; this is for telling two builds apart when the load moves that figure by +-0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def worker(pages: int) -> None:
    """Run in a build's folder: wait for a line on stdin, time one round, print it as JSON."""
    sys.path.insert(0, str(HERE))
    import trafilatura
    from common import PAGES, forget_documents

    import cleaner

    paths = sorted(PAGES.glob("*.html"))[:pages]
    rules = cleaner.default_rules()
    for path in paths:
        cleaner.clean_file(path, rules=rules)
        trafilatura.extract(path.read_bytes())
    print("ready", flush=True)
    for _ in sys.stdin:
        times = {}

        def ours() -> None:
            forget_documents(rules)
            for path in paths:
                cleaner.clean_file(path, rules=rules)

        def theirs() -> None:
            for path in paths:
                trafilatura.extract(path.read_bytes())

        for name, run in (("ours", ours), ("trafilatura", theirs)):
            cpu, wall = time.process_time(), time.perf_counter()
            run()
            times[name] = (time.process_time() - cpu, time.perf_counter() - wall)
        print(json.dumps(times), flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old", type=Path)
    parser.add_argument("new", type=Path, nargs="?", default=HERE.parents[1])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--pages", type=int, default=60)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.pages)
        return 0
    builds = {"old": args.old.resolve(), "new": args.new.resolve()}
    procs = {name: subprocess.Popen([sys.executable, str(HERE / "html_builds.py"), str(folder), "--worker",
                                     "--pages", str(args.pages)], cwd=folder, text=True,
                                    env={**os.environ, "PYTHONPATH": str(folder)},
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE)
             for name, folder in builds.items()}
    for proc in procs.values():
        assert proc.stdout.readline().strip() == "ready"
    ratios: dict[str, dict[str, list[float]]] = {name: {"cpu": [], "wall": []} for name in procs}
    for round_ in range(args.rounds):
        for name, proc in procs.items():
            proc.stdin.write("go\n")
            proc.stdin.flush()
            times = json.loads(proc.stdout.readline())
            for k, clock in enumerate(("cpu", "wall")):
                ratios[name][clock].append(times["trafilatura"][k] / times["ours"][k])
            cpu, wall = ratios[name]["cpu"][-1], ratios[name]["wall"][-1]
            print(f"round {round_} {name}: ratio {cpu:.3f} cpu, {wall:.3f} wall (ours {times['ours'][0]:.2f} s cpu, "
                  f"trafilatura {times['trafilatura'][0]:.2f} s)", flush=True)
    for name, proc in procs.items():
        proc.stdin.close()
        proc.wait()
        cpu, wall = ratios[name]["cpu"], ratios[name]["wall"]
        print(f"{name} ({builds[name]}): median ratio {statistics.median(cpu):.3f} cpu "
              f"({min(cpu):.3f}-{max(cpu):.3f}), {statistics.median(wall):.3f} wall ({min(wall):.3f}-{max(wall):.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
