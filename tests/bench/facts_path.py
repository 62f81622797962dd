"""The line model's per-line lookups on the dev set, the way before and after the facts cache moved into C
(README, "Text, the line facts held in C").

    python tests/bench/facts_path.py [--rounds 7]

For every dev page's full.txt, its non-blank lines are looked up twice (as a document's two passes do),
from cold caches each round, two ways in turn: `dicts`, the facts through `_linefast.cached_facts` and a
dict cache with the lexical columns through `Lexicon.columns` and its own dict cache (the way before), and
`held`, both through one `FactsCache.packed` call (the way now). It checks on the first round that both give
the same bytes, and prints each way's median CPU time (process_time) with its range. Needs the compiled
speed-up.
"""

from __future__ import annotations

import argparse
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
    native = linefast._linefast
    table, codes = spec.lexicon_table.compiled, tuple(map(lexicon.LEXICAL_FEATURES.index, spec.lexical_features))
    docs, sweep = documents(), linefast.sweeper(LIMIT)

    def dicts() -> list:
        cache, lexical, out = {}, {}, []
        for texts, lines, keys in docs:
            for _ in range(2):
                facts = native.cached_facts(spec.compiled, cache, texts, lines, keys, LIMIT, sweep,
                                            line_facts.LineFacts)
                if len(lexical) > LIMIT:
                    lexical.clear()
                out.append((facts, table.columns(keys, codes, None, lexical, True)))
        return out

    def held() -> list:
        cache = native.FactsCache(line_facts.LineFacts)
        return [cache.packed(spec.compiled, texts, lines, keys, LIMIT, table, codes) for texts, lines, keys in docs
                for _ in range(2)]

    packed = [(array("d", [v for f in facts for v in f.values]).tobytes(), columns) for facts, columns in dicts()]
    assert packed == held(), "the two ways differ"
    times: dict[str, list[float]] = {"dicts": [], "held": []}
    for _ in range(args.rounds):
        for name, run in (("dicts", dicts), ("held", held)):
            start = time.process_time()
            run()
            times[name].append(time.process_time() - start)
    for name, values in times.items():
        print(f"{name}: median {statistics.median(values):.3f} s CPU ({min(values):.3f}-{max(values):.3f}), "
              f"{args.rounds} rounds")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
