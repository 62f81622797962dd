"""Where learning a site's furniture still loses: what is kept that is not the article, and what is removed that is.

    python tests/bench/mining_losses.py [--inputs recall,full] [--top 12] [--site NAME]

For each site of ../shared/sites and input, the site is mined and cleaned as `tests/bench/mining.py`
does; then each line of each page is compared with the page's gold (a line is gold when at least half
of its 4-token shingles are in the gold). A kept line that is not gold costs precision, a removed
gold line costs recall; each is weighted by its share of its page's predicted (or gold) shingles and
averaged over the pages of all sites, so a figure is about what the line costs the pooled averages
of tests/bench/mining.py. Lines are classed by the pages of their site holding their key
(cleaner/authoring/linekeys.py): on one page only, two pages, or at least `min_pages`, which is what
mining can see; and by whether they are table rows (`| a | b |`, as trafilatura writes tables). The
line-level ceiling keeps exactly the gold lines: what whole-line deletion could reach at best.
Gold is read here only to measure; mining never reads it.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

from evaluate import aggregate, score_page, shingles
from mining import SITES, learned_rules, site_pages

from cleaner.authoring.linekeys import line_key
from cleaner.authoring.mine import Thresholds
from cleaner.engine.decide import apply_rules

GOLD_SHARE = 0.5  # a line is gold when at least this share of its shingles is in the page's gold


def page_lines(text: str, gold: str, removed: dict[int, str]) -> list[tuple[str, str | None, float, int]]:
    """(line, rule that removed it or None, share of its shingles in the gold, its shingle count)."""
    gold_shingles = shingles(gold)
    out = []
    for index, line in enumerate(text.splitlines()):
        own = shingles(line)
        total = sum(own.values())
        if line.strip() and total:
            out.append((line, removed.get(index), sum((own & gold_shingles).values()) / total, total))
    return out


def removed_lines(text: str, rules) -> tuple[str, dict[int, str]]:
    result = apply_rules(text, rules)
    removed = {}
    for r in result.removals:
        for number in range(r.first_line, r.last_line + 1):
            removed[number - 1] = r.rule_id
    return result.text, removed


def line_class(line: str, pages: int, min_pages: int) -> str:
    where = "1 page" if pages <= 1 else "2 pages" if pages < min_pages else f">= {min_pages} pages"
    return where + (", table row" if line.lstrip().startswith("|") else "")


def analyse(kind: str, sites: list[Path], scratch: Path):
    """Per site: F1 scores learned and at the line-level ceiling, and the weighted losses."""
    thresholds = Thresholds()
    total_pages = sum(len(list(s.glob(f"*.{kind}.txt"))) for s in sites)
    kept, lost = defaultdict(float), defaultdict(float)  # (site, text, df, rule) -> cost
    by_class: Counter = Counter()
    scores, ceiling = {}, {}
    for site in sites:
        pages = site_pages(site, kind)
        rules, _ = learned_rules(site.name, [t for t, _ in pages], thresholds, scratch)
        df: Counter = Counter()
        for text, _ in pages:
            df.update({line_key(line) for line in text.splitlines()} - {None})
        scores[site.name], ceiling[site.name] = [], []
        for text, gold in pages:
            clean, removed = removed_lines(text, rules)
            scores[site.name].append(score_page(clean, gold))
            rows = page_lines(text, gold, removed)
            ceiling[site.name].append(score_page("\n".join(r[0] for r in rows if r[2] >= GOLD_SHARE), gold))
            predicted = sum(shingles(clean).values()) or 1
            in_gold = sum(shingles(gold).values()) or 1
            for line, rule, share, count in rows:
                pages_with = df[line_key(line)]
                if rule is None and share < GOLD_SHARE:
                    cost = count * (1 - share) / predicted / total_pages
                    kept[(site.name, line.strip()[:100], pages_with, None)] += cost
                    by_class[("precision", line_class(line, pages_with, thresholds.min_pages))] += cost
                elif rule is not None and share >= GOLD_SHARE:
                    cost = count * share / in_gold / total_pages
                    lost[(site.name, line.strip()[:100], pages_with, rule)] += cost
                    source = "mined" if ":" in rule else "default rules"
                    by_class[("recall", f"{line_class(line, pages_with, thresholds.min_pages)}, {source}")] += cost
    return scores, ceiling, kept, lost, by_class


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", default="recall,full")
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--site", action="append", help="only this site (repeatable)")
    args = parser.parse_args()
    sites = sorted(p for p in SITES.iterdir() if p.is_dir() and (not args.site or p.name in args.site))
    with tempfile.TemporaryDirectory() as scratch:
        for kind in args.inputs.split(","):
            scores, ceiling, kept, lost, by_class = analyse(kind, sites, Path(scratch))
            print(f"\n## {kind}.txt\n\n| site | P | R | F1 learned | F1 line-level ceiling |")
            print("| --- | --- | --- | --- | --- |")
            for site in [*scores, "all"]:
                got = aggregate(scores[site] if site != "all" else [x for v in scores.values() for x in v])
                best = aggregate(ceiling[site] if site != "all" else [x for v in ceiling.values() for x in v])
                print(f"| {site} | {got.precision:.4f} | {got.recall:.4f} | {got.f1:.4f} | {best.f1:.4f} |")
            print("\n| cost to the pooled average | lines | share of their key's site pages |\n| --- | --- | --- |")
            for (side, cls), cost in sorted(by_class.items(), key=lambda kv: -kv[1]):
                print(f"| {side} | {cost:.4f} | {cls} |")
            for title, table in (("kept, not gold", kept), ("removed, gold", lost)):
                print(f"\n{title} (cost, pages of the site with the line, rule):")
                for (site, text, pages_with, rule), cost in sorted(table.items(), key=lambda kv: -kv[1])[:args.top]:
                    print(f"  {cost:.5f} {site[:14]:14} {pages_with:3d} {rule or '':24.24} {text[:90]!r}")


if __name__ == "__main__":
    main()
