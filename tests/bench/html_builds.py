"""Compare the HTML speed ratio (or, with --text, the text ratio) of two builds back to back, on a loaded machine.

    python tests/bench/html_builds.py OLD_CHECKOUT [NEW_CHECKOUT] [--rounds 7] [--pages 60] [--text]

Each checkout (a folder holding `cleaner/`, e.g. `git worktree add /tmp/old COMMIT`; a compiled
extension must be built or copied into it) gets one long-lived process that imports its own
`cleaner`, cleans the pages once untimed, then on each round times `cleaner.clean_file` over the
pages (the line facts forgotten first, as `targets.py` does) and `trafilatura.extract` (default
settings) over the same pages. The rounds alternate between the builds, so both see the same load,
and each round's ratio (trafilatura's time over ours) is taken in CPU time (`process_time`: what the
machine's other jobs change least) and in wall time. `targets.py --only html` is the target's own
figure; this is for telling two builds apart when the load moves that figure by +-0.1.

With `--text`, the text target instead: `cleaner.clean` over every dev page's `full.txt` (the line
facts forgotten first) against datatrove's `C4QualityFilter(min_num_sentences=-1)` on the same texts,
as `targets.py --only text` compares them (needs the bench extra).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent


def html_sides(pages: int) -> tuple[Callable[[], None], Callable[[], None]]:
    """`clean_file` and `trafilatura.extract` over the first `pages` dev pages."""
    import trafilatura
    from common import PAGES, forget_documents

    import cleaner

    paths = sorted(PAGES.glob("*.html"))[:pages]
    rules = cleaner.default_rules()

    def ours() -> None:
        forget_documents(rules)
        for path in paths:
            cleaner.clean_file(path, rules=rules)

    def theirs() -> None:
        for path in paths:
            trafilatura.extract(path.read_bytes())

    return ours, theirs


def text_sides() -> tuple[Callable[[], None], Callable[[], None]]:
    """`cleaner.clean` and C4QualityFilter's line rules over every dev page's full.txt."""
    from common import PAGES, forget_documents
    from datatrove.data import Document
    from datatrove.pipeline.filters import C4QualityFilter

    import cleaner

    texts = [p.read_text("utf-8") for p in sorted(PAGES.glob("*.full.txt"))]
    rules = cleaner.default_rules()
    rules.index.prepare()  # steady state, as targets.py has it
    c4 = C4QualityFilter(min_num_sentences=-1)

    def ours() -> None:
        forget_documents(rules)
        for text in texts:
            cleaner.clean(text, rules=rules)

    def theirs() -> None:
        for i, text in enumerate(texts):
            c4.filter(Document(text=text, id=str(i)))

    return ours, theirs


def worker(pages: int, text: bool) -> None:
    """Run in a build's folder: wait for a line on stdin, time one round, print it as JSON."""
    sys.path.insert(0, str(HERE))
    ours, theirs = text_sides() if text else html_sides(pages)
    ours(), theirs()
    print("ready", flush=True)
    for _ in sys.stdin:
        times = {}
        for name, run in (("ours", ours), ("theirs", theirs)):
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
    parser.add_argument("--text", action="store_true", help="the text target: clean against C4QualityFilter")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.pages, args.text)
        return 0
    builds = {"old": args.old.resolve(), "new": args.new.resolve()}
    procs = {name: subprocess.Popen([sys.executable, str(HERE / "html_builds.py"), str(folder), "--worker",
                                     "--pages", str(args.pages), *(["--text"] if args.text else [])],
                                    cwd=folder, text=True,
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
                ratios[name][clock].append(times["theirs"][k] / times["ours"][k])
            cpu, wall = ratios[name]["cpu"][-1], ratios[name]["wall"][-1]
            other = "C4QualityFilter" if args.text else "trafilatura"
            print(f"round {round_} {name}: ratio {cpu:.3f} cpu, {wall:.3f} wall (ours {times['ours'][0]:.2f} s cpu, "
                  f"{other} {times['theirs'][0]:.2f} s)", flush=True)
    for name, proc in procs.items():
        proc.stdin.close()
        proc.wait()
        cpu, wall = ratios[name]["cpu"], ratios[name]["wall"]
        print(f"{name} ({builds[name]}): median ratio {statistics.median(cpu):.3f} cpu "
              f"({min(cpu):.3f}-{max(cpu):.3f}), {statistics.median(wall):.3f} wall ({min(wall):.3f}-{max(wall):.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
