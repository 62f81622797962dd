"""The line model's per-line lookups on the dev set: the facts cache held in C against the pure-Python
reference (docs/performance-history.md, "Text, the line facts held in C").

    python tests/bench/facts_path.py [--rounds 7]

For every dev page's full.txt, its non-blank lines are looked up twice (as a document's two passes do),
from cold caches each round, two ways in turn: `pure`, the facts through `line_facts.facts_of_lines` and
its dict cache with the lexical columns through the uncompiled `lexicon.Table.columns` (what
`CLEANER_PURE_PYTHON=1` runs), and `held`, both through one `FactsCache.packed` call (the compiled
way). It checks on the first round that both give the same bytes, and prints each way's median CPU
time (process_time) with its range. Needs the compiled speed-up. (Until the dict path compiled by
`_linefast.cached_facts` was removed, the baseline was that path.)
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import time
from array import array

from common import PAGES

import cleaner
from cleaner.rules import lexicon, line_facts
from cleaner.rules.features import FeatureSpec
from cleaner.search import linefast

LIMIT = 20_000  # line_facts._CACHE_LIMIT and lexicon._CACHE_LIMIT


def documents() -> list[tuple[list[str], list[int], list[str]]]:
    """Per dev page: its lines, the non-blank ones' indices and their stripped texts."""
    out = []
    for page in sorted(PAGES.glob("*.full.txt")):
        texts = page.read_text("utf-8").splitlines()
        stripped = [t.strip() for t in texts]
        lines = [i for i, key in enumerate(stripped) if key]
        out.append((texts, lines, [stripped[i] for i in lines]))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    spec = next(r.spec for r in cleaner.default_rules().rules() if isinstance(getattr(r, "spec", None), FeatureSpec)
                and r.spec.lexical_features)
    if spec.compiled is None or spec.lexicon_table.compiled is None:
        raise SystemExit("needs the compiled speed-up (and CLEANER_PURE_PYTHON unset)")
    slow = dataclasses.replace(spec, use_compiled=False)  # its dict cache and pure lexicon table
    native = linefast._linefast
    table, codes = spec.lexicon_table.compiled, tuple(map(lexicon.LEXICAL_FEATURES.index, spec.lexical_features))
    docs = documents()

    def pure() -> list:
        slow.cache.clear()
        slow.lexicon_table.cache.clear()
        return [(line_facts.facts_of_lines(texts, lines, keys, slow),
                 slow.lexicon_table.columns(keys, slow.lexical_features))
                for texts, lines, keys in docs for _ in range(2)]

    def held() -> list:
        cache = native.FactsCache(line_facts.LineFacts)
        return [cache.packed(spec.compiled, texts, lines, keys, LIMIT, table, codes) for texts, lines, keys in docs
                for _ in range(2)]

    packed = [(array("d", [v for f in facts for v in f.values]).tobytes(),
               array("d", [v for row in columns for v in row]).tobytes()) for facts, columns in pure()]
    assert packed == held(), "the two ways differ"
    times: dict[str, list[float]] = {"pure": [], "held": []}
    for _ in range(args.rounds):
        for name, run in (("pure", pure), ("held", held)):
            start = time.process_time()
            run()
            times[name].append(time.process_time() - start)
    for name, values in times.items():
        print(f"{name}: median {statistics.median(values):.3f} s CPU ({min(values):.3f}-{max(values):.3f}), "
              f"{args.rounds} rounds")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
