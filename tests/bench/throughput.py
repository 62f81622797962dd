"""Throughput of cleaner.clean on the dev corpus text, against trafilatura.extract on the same pages'
HTML and a C4-style line filter on the same text, measured in the same run (one core).

cleaner.clean is timed in steady state: with the Hyperscan pattern prefilter compiled beforehand (when
Hyperscan is installed; a long run compiles it by itself, see cleaner/prefilter.py), and once more with
the keyword prefilter alone; the one-off compile time is reported too."""

from __future__ import annotations

import sys
import time
from collections import Counter

import trafilatura
from common import ROOT, dev_pages, dev_texts, median_seconds, report

import cleaner
from cleaner.rules.ruleset import RuleSet

RUNS = 5
C4_TERMINAL = ('.', '!', '?', '"', "'", "”", "’")


def c4_filter(text: str) -> str:
    """The C4 heuristics (Raffel et al. 2020) per line: terminal punctuation, 5+ words, no
    'javascript'; the page is dropped with fewer than 3 kept lines, 'lorem ipsum' or a '{'."""
    lowered = text.lower()
    if "lorem ipsum" in lowered or "{" in text:
        return ""
    kept = []
    for line in text.splitlines():
        line = line.strip()
        if line.endswith(C4_TERMINAL) and len(line.split()) >= 5 and "javascript" not in line.lower():
            kept.append(line)
    return "\n".join(kept) if len(kept) >= 3 else ""


def rule_costs(texts: list[str], rules: RuleSet) -> Counter:
    """Seconds each rule's `find` takes over `texts` (one extra, instrumented pass)."""
    costs: Counter = Counter()
    originals = {cls: cls.find for cls in {type(r) for r in rules.rules()}}

    def timed(find):
        def wrapper(rule, doc):
            start = time.perf_counter()
            claims = list(find(rule, doc))
            costs[rule.id] += time.perf_counter() - start
            return iter(claims)
        return wrapper

    try:
        for cls, find in originals.items():
            cls.find = timed(find)
        for t in texts:
            cleaner.clean(t, rules=rules)
    finally:
        for cls, find in originals.items():
            cls.find = find
    return costs


def main() -> None:
    texts = dev_texts()
    same_pages = dev_texts(("full",))
    pages = [p.read_bytes() for p in dev_pages()]
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    # --rules DIR (repeatable): measure those packs instead of the bundled ones.
    paths = [sys.argv[i + 1] for i, arg in enumerate(sys.argv[:-1]) if arg == "--rules"]
    rules = cleaner.load_rules(paths, defaults=not paths)
    keywords_only = cleaner.load_rules(paths, defaults=not paths)
    keywords_only.index.compile_after = None  # never compiles the pattern prefilter
    start = time.perf_counter()
    prefilter = rules.index.prepare()
    compile_s = time.perf_counter() - start

    def run_cleaner(docs, ruleset=rules):
        return lambda: [cleaner.clean(t, rules=ruleset) for t in docs]

    clean_s, _ = median_seconds(run_cleaner(texts), RUNS)
    keywords_s, _ = median_seconds(run_cleaner(texts, keywords_only), RUNS)
    seeds = [p.read_text("utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))]
    seeds_mb = sum(len(t.encode("utf-8")) for t in seeds) / 1e6
    seeds_s, _ = median_seconds(run_cleaner(seeds * 20), RUNS)  # 3 seeds are too few to time alone
    floor_s, _ = median_seconds(lambda: [cleaner.clean(t, rules=RuleSet(())) for t in texts], RUNS)
    clean_pages_s, _ = median_seconds(run_cleaner(same_pages), RUNS)
    # The bound on the trafilatura ratio: the engine's own work (lines, layout, hashes, record) with no rule.
    floor_pages_s, _ = median_seconds(lambda: [cleaner.clean(t, rules=RuleSet(())) for t in same_pages], RUNS)
    c4_s, _ = median_seconds(lambda: [c4_filter(t) for t in texts], RUNS)
    c4_pages_s, _ = median_seconds(lambda: [c4_filter(t) for t in same_pages], RUNS)
    trafilatura.extract(pages[0], deduplicate=False)  # imports and caches warm
    runs = 1 if "--quick" in sys.argv else 3
    traf_s, _ = median_seconds(lambda: [trafilatura.extract(h, deduplicate=False) for h in pages], runs, warmup=0)
    html_mb = sum(map(len, pages)) / 1e6
    full_label = f"dev text (full, {len(same_pages)} pages)"
    rows = [
        ["cleaner.clean", "the 3 seeds (x20)", len(seeds) * 20, round(seeds_mb * 20, 2), seeds_mb * 20 / seeds_s,
         len(seeds) * 20 / seeds_s],
        ["cleaner.clean", "dev text (full+recall)", len(texts), round(megabytes, 2), megabytes / clean_s,
         len(texts) / clean_s],
        ["cleaner.clean, keyword prefilter only", "dev text (full+recall)", len(texts), round(megabytes, 2),
         megabytes / keywords_s, len(texts) / keywords_s],
        ["cleaner.clean", full_label, len(same_pages), "", "", len(same_pages) / clean_pages_s],
        ["cleaner.clean, no rules", "dev text (full+recall)", len(texts), round(megabytes, 2), megabytes / floor_s,
         len(texts) / floor_s],
        ["cleaner.clean, no rules", full_label, len(same_pages), "", "",
         len(same_pages) / floor_pages_s],
        ["C4 line filter", "dev text (full+recall)", len(texts), round(megabytes, 2), megabytes / c4_s,
         len(texts) / c4_s],
        ["C4 line filter", full_label, len(same_pages), "", "", len(same_pages) / c4_pages_s],
        ["trafilatura.extract", f"the {len(pages)} pages' HTML", len(pages), round(html_mb, 2), html_mb / traf_s,
         len(pages) / traf_s],
    ]
    costs = rule_costs(texts, rules)
    summary = {
        "rules": len(rules.rules()),
        "slowest_rules_ms": {rule: round(seconds * 1000, 1) for rule, seconds in costs.most_common(8)},
        "cleaner_mb_per_s": megabytes / clean_s,
        "cleaner_keyword_prefilter_only_mb_per_s": megabytes / keywords_s,
        "pattern_prefilter": prefilter,
        "pattern_prefilter_compile_s": round(compile_s, 2),
        "engine_without_rules_mb_per_s": megabytes / floor_s,
        "cleaner_docs_per_s": len(texts) / clean_s,
        "cleaner_seeds_mb_per_s": seeds_mb * 20 / seeds_s,
        "speedup_vs_trafilatura_docs_per_s": (len(same_pages) / clean_pages_s) / (len(pages) / traf_s),
        "no_rules_speedup_vs_trafilatura_docs_per_s": (len(same_pages) / floor_pages_s) / (len(pages) / traf_s),
        "cleaner_vs_c4_time_ratio": clean_s / c4_s,
        "target_mb_per_s": 20.0,
        "target_speedup_vs_trafilatura": 50.0,
    }
    command = " ".join(["python tests/bench/throughput.py", *sys.argv[1:]])
    report("throughput_rules" if paths else "throughput", command, ["engine", "input", "docs", "MB", "MB/s", "docs/s"],
           rows, summary)


if __name__ == "__main__":
    main()
