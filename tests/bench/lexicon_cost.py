"""The learned lexical features' cost and sameness on the dev set (docs/quality-history.md, "Learned lexical features").

    python tests/bench/lexicon_cost.py RULES_DIR [--rounds 3] [--every 3]        # CPU time, alternated
    python tests/bench/lexicon_cost.py RULES_DIR --digests OUT.json             # outputs, for --compare
    python tests/bench/lexicon_cost.py RULES_DIR --digests OUT.json --compare OTHER.json

RULES_DIR is a copy of `rules/` whose line model declares `lexical_features` (and a trained `lexicon`).
Timing: one process loads three rule sets, the shipped rules (`off`), RULES_DIR with the lexicon
compiled (`on`) and RULES_DIR with it in Python (`on-python`, the reference's cached `columns`), and
times `cleaner.clean` over every `--every`-th dev page's full.txt with each in turn, round after round
(so all see the same load), the line facts and lexicon caches forgotten before each pass; it prints
each set's median CPU time (process_time), its ratio to `off`'s and the median of the rounds' ratios.
`--digests`: the SHA-256 of every dev page's full.txt, recall.txt and gold.txt cleaned with RULES_DIR
(text and provenance record, snapshot.py's digest); run once compiled and once with
CLEANER_PURE_PYTHON=1 and compare.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from common import PAGES, forget_documents
from snapshot import digest, report_differences

import cleaner
from cleaner.rules.features import FeatureSpec
from cleaner.rules.loader import load_rules


def _specs(rules) -> list[FeatureSpec]:
    return [r.spec for r in rules.rules() if isinstance(getattr(r, "spec", None), FeatureSpec)]


def _forget(rules) -> None:
    forget_documents(rules)
    for spec in _specs(rules):
        spec.lexicon_table.cache.clear()


def timing(rules_dir: Path, rounds: int, every: int) -> None:
    texts = [p.read_text("utf-8") for p in sorted(PAGES.glob("*.full.txt"))[::every]]
    python = load_rules([rules_dir], defaults=False)
    for spec in _specs(python):
        spec.lexicon_table.compiled = None  # the reference's columns, through its cache
    sets = {"off": cleaner.default_rules(), "on": load_rules([rules_dir], defaults=False), "on-python": python}
    if not any(s.lexical_features for s in _specs(sets["on"])):
        sys.exit(f"no line model in {rules_dir} declares lexical_features")
    lines = sum(1 for t in texts for line in t.splitlines() if line.strip())
    times: dict[str, list[float]] = {name: [] for name in sets}
    for rules in sets.values():  # untimed: compiled patterns, caches of the rules themselves
        rules.index.prepare()
        for text in texts:
            cleaner.clean(text, rules=rules)
    for _ in range(rounds):
        for name, rules in sets.items():
            _forget(rules)
            cpu = time.process_time()
            for text in texts:
                cleaner.clean(text, rules=rules)
            times[name].append(time.process_time() - cpu)
        print(json.dumps({k: round(v[-1], 3) for k, v in times.items()}), flush=True)
    off = statistics.median(times["off"])
    print(f"{len(texts)} pages, {lines} non-blank lines, {rounds} rounds: median CPU s, its ratio to off's, "
          "the median of the rounds' ratios, us a line")
    for name, values in times.items():
        med = statistics.median(values)
        ratio = statistics.median(v / o for v, o in zip(values, times["off"], strict=True))
        print(f"  {name:10} {med:8.3f}  {med / off:6.3f}x  {ratio:6.3f}x  {1e6 * med / lines:7.1f}")


def digests(rules_dir: Path) -> dict[str, str]:
    rules = load_rules([rules_dir], defaults=False)
    out = {}
    for path in sorted(PAGES.glob("*.full.txt")):
        page = path.name.split(".")[0]
        for kind in ("full", "recall", "gold"):
            out[f"{page}.{kind}"] = digest(cleaner.clean((PAGES / f"{page}.{kind}.txt").read_text("utf-8"),
                                                         rules=rules))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("rules", type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--every", type=int, default=3)
    parser.add_argument("--digests", type=Path, help="write the outputs' digests here instead of timing")
    parser.add_argument("--compare", type=Path, help="with --digests: the digests to compare with")
    args = parser.parse_args()
    if not args.digests:
        timing(args.rules, args.rounds, args.every)
        return 0
    found = digests(args.rules)
    args.digests.write_text(json.dumps(found, indent=0, sort_keys=True))
    print(f"{len(found)} documents")
    if args.compare:
        return 1 if report_differences(json.loads(args.compare.read_text()), found) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
