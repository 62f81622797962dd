"""Learning a site's furniture: mine each site of ../shared/sites over its own pages, then clean.

    python tests/bench/mining.py              # the table of the README (about a minute)
    python tests/bench/mining.py --leave-one-out --devset

For each site and input (`full.txt`, `recall.txt`) the site's pages of that input are mined (no gold
is read), the pack is written and loaded like any pack, and every page is cleaned with the default
rules plus the pack; F1 uses the dev set's metric (tests/bench/evaluate.py). The table shows each site
page by page and learned, and whether any site is below the page-by-page cleaner. `--leave-one-out`
also fits the setting (min_pages, min_share, long_chars, and the share of prose that makes a page's
body for blocks: a 24-point grid, best F1) on four sites and scores the fifth with it, and pools those held-out
scores, and then fits `page_body_loss` (when the pack tells the line model its site's documents are whole
pages) the same way, the rest at the shipped setting; `--devset` checks that learning leaves the dev set
(one to three pages per site) as it was.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import itertools
import json
import math
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from evaluate import aggregate, score_page

import cleaner.authoring.mineblocks as mineblocks
from cleaner.api import default_rules, domain_of
from cleaner.authoring.mine import SiteMined, Thresholds, mine_site
from cleaner.authoring.minepack import render_pack
from cleaner.engine.decide import apply_rules
from cleaner.rules.loader import load_pack
from cleaner.rules.ruleset import RuleSet

ROOT = Path(__file__).resolve().parents[2]
SITES = Path(os.environ.get("CLEANER_SITES", ROOT.parent / "shared" / "sites"))
KINDS = ("full", "recall")
RESULTS = Path(__file__).resolve().parent / "results"


def site_pages(site: Path, kind: str) -> list[tuple[str, str]]:
    """(text, gold) of each page of `site` for one input kind."""
    return [(p.read_text("utf-8"), p.with_name(p.name.replace(f".{kind}.txt", ".gold.txt")).read_text("utf-8"))
            for p in sorted(site.glob(f"*.{kind}.txt"))]


def learned_rules(site: str, texts: list[str], thresholds: Thresholds, scratch: Path) -> tuple[RuleSet, int]:
    """The default rules plus the pack mined from `texts`, written and loaded as a user's would be."""
    mined = mine_site(texts, default_rules(), thresholds)
    return pack_rules(site, mined, thresholds, scratch, mined.whole_pages), sum(m.proposed for m in mined.lines) + len(
        mined.blocks)


def pack_rules(site: str, mined: SiteMined, thresholds: Thresholds, scratch: Path,
               whole_pages: dict[str, int] | None) -> RuleSet:
    """The default rules plus `mined` as a pack, with `whole_pages` (its evidence, or None)."""
    base = default_rules()
    path = scratch / f"{site}.toml"
    path.write_text(render_pack(site, mined.lines, thresholds, scoped=False, blocks=mined.blocks,
                                whole_pages=whole_pages), "utf-8")
    return RuleSet((*base.packs, load_pack(path)), base.timeout)


def score(pages, rules: RuleSet):
    return [score_page(apply_rules(text, rules).text, gold) for text, gold in pages]


_PAGES: dict[tuple[str, str], list[tuple[str, str]]] = {}
_PAGE_BY_PAGE: dict[tuple[str, str], list] = {}


@dataclass(frozen=True)
class Setting:
    """What leave-one-out fits: the thresholds (pages, share, long lines), and the share of the largest
    gap's prose that makes a page's body for blocks (cleaner/authoring/mineblocks.py)."""

    thresholds: Thresholds = Thresholds()
    first_within: float = mineblocks.FIRST_WITHIN

    def __str__(self) -> str:
        t = self.thresholds
        return f"{t.min_pages}, {t.min_share:.0%}, {self.first_within:.0%}, {t.long_chars or 'off'}"


@contextlib.contextmanager
def applied(setting: Setting):
    saved = mineblocks.FIRST_WITHIN
    mineblocks.FIRST_WITHIN = setting.first_within
    try:
        yield setting.thresholds
    finally:
        mineblocks.FIRST_WITHIN = saved


def evaluate(setting: Setting, sites: list[Path], kind: str, scratch: Path) -> dict[str, dict]:
    out = {}
    for site in sites:
        key = (site.name, kind)
        if key not in _PAGES:
            _PAGES[key] = site_pages(site, kind)
            _PAGE_BY_PAGE[key] = score(_PAGES[key], default_rules())
        pages = _PAGES[key]
        with applied(setting) as thresholds:
            rules, n = learned_rules(site.name, [t for t, _ in pages], thresholds, scratch)
        out[site.name] = {"default": _PAGE_BY_PAGE[key], "learned": score(pages, rules), "rules": n}
    return out


def f1(scores) -> float:
    return aggregate(scores).f1


GRID = [Setting(Thresholds(p, s, long_chars=n), w)
        for p, s, w, n in itertools.product((3, 5), (0.03, 0.05), (0.25, 0.4, 0.6), (100, 0))]
assert Setting() in GRID  # the shipped setting is among them


def leave_one_out(sites: list[Path], per: dict) -> tuple[list[str], dict[str, float]]:
    """Fit the setting on four sites, score the fifth with it; rows, and F1 over all pages of the held-out
    sites scored with the setting fitted without them."""
    rows, pooled = [], {}
    for kind in KINDS:
        held_out = []
        for held in sites:
            rest = [s.name for s in sites if s != held]
            best = max(GRID, key=lambda t: (f1([x for s in rest for x in per[(t, kind)][s]["learned"]]),
                                            -GRID.index(t)))
            held_out += per[(best, kind)][held.name]["learned"]
            got = f1(per[(best, kind)][held.name]["learned"])
            ours = f1(per[(Setting(), kind)][held.name]["learned"])
            plain = f1(per[(Setting(), kind)][held.name]["default"])
            rows.append(f"| {held.name} | {kind}.txt | {best} | {got:.4f} | {ours:.4f} | {plain:.4f} |")
        pooled[kind] = f1(held_out)
        rows.append(f"| **all, each site scored with what the other four chose** | {kind}.txt | | "
                    f"**{pooled[kind]:.4f}** | | |")
    return rows, pooled


LOSS_GRID = (0.003, 0.001, 0.002, 0.005, 0.01, 0.0)  # page_body_loss: the shipped value first; 0: never


def whole_pages_runs(sites: list[Path], kind: str, scratch: Path) -> dict[str, tuple[float, list, list]]:
    """Per site, with the shipped setting otherwise: the share of its bodies' cores the line model cuts
    when it takes the pages for whole pages, and the pages scored with and without the pack's whole_pages."""
    out = {}
    for site in sites:
        pages = _PAGES[(site.name, kind)]
        thresholds = dataclasses.replace(Thresholds(), page_body_loss=1.0)  # the evidence whatever it says
        mined = mine_site([t for t, _ in pages], default_rules(), thresholds)
        evidence = mined.whole_pages or {"body_cut_chars": 1, "body_chars": 0}
        share = evidence["body_cut_chars"] / evidence["body_chars"] if evidence["body_chars"] else math.inf
        out[site.name] = (share, *(score(pages, pack_rules(site.name, mined, thresholds, scratch, e))
                                   for e in (mined.whole_pages, None)))
    return out


def leave_one_out_whole_pages(sites: list[Path], scratch: Path) -> list[str]:
    """page_body_loss fitted on four sites (LOSS_GRID, ties to the first), the fifth scored with it."""
    rows = []
    for kind in KINDS:
        runs = whole_pages_runs(sites, kind, scratch)

        def scored(name: str, loss: float, runs: dict = runs) -> list:
            share, on, off = runs[name]
            return on if loss and share <= loss else off

        held_out = []
        for held in sites:
            rest = [s.name for s in sites if s != held]
            best = max(LOSS_GRID, key=lambda t: (f1([x for s in rest for x in scored(s, t)]), -LOSS_GRID.index(t)))
            held_out += scored(held.name, best)
            rows.append(f"| {held.name} | {kind}.txt | {runs[held.name][0]:.2%} | {best:.1%} | "
                        f"{f1(scored(held.name, best)):.4f} | {f1(scored(held.name, LOSS_GRID[0])):.4f} |")
        rows.append(f"| **all, each site scored with what the other four chose** | {kind}.txt | | | "
                    f"**{f1(held_out):.4f}** | |")
    return rows


DEVSET = SITES.parent / "devset"


def devset_check(scratch: Path) -> list[str]:
    """The dev set (one or few pages per site): page by page, mined per URL host, mined as one folder."""
    ids = sorted(p.name.split(".")[0] for p in DEVSET.glob("*.gold.txt"))
    rows = []
    for kind in KINDS:
        texts = {i: (DEVSET / f"{i}.{kind}.txt").read_text("utf-8") for i in ids}
        gold = {i: (DEVSET / f"{i}.gold.txt").read_text("utf-8") for i in ids}
        urls = {i: ((DEVSET / f"{i}.url").read_text("utf-8").split() or [""])[0] for i in ids}
        host = {i: (domain_of(urls[i]) or "").removeprefix("www.") for i in ids}
        plain = {i: apply_rules(texts[i], default_rules(), host[i]).text for i in ids}
        by_host = dict(plain)
        groups: dict[str, list[str]] = {}
        for i in ids:
            groups.setdefault(host[i], []).append(i)
        for site, members in groups.items():
            if len(members) >= Thresholds().min_pages:
                rules, _ = learned_rules(site, [texts[i] for i in members], Thresholds(), scratch)
                by_host.update({i: apply_rules(texts[i], rules, host[i]).text for i in members})
        rules, n = learned_rules("devset", [texts[i] for i in ids], Thresholds(), scratch)
        folder = {i: apply_rules(texts[i], rules, host[i]).text for i in ids}
        f = [aggregate(score_page(out[i], gold[i]) for i in ids).f1 for out in (plain, by_host, folder)]
        rows.append(f"| {kind}.txt | {len(ids)} | {f[0]:.4f} | {f[1]:.4f} | {f[2]:.4f} ({n} rules) |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leave-one-out", action="store_true")
    parser.add_argument("--devset", action="store_true", help="also the dev set: does learning change it?")
    args = parser.parse_args()
    if not SITES.is_dir():
        sys.exit(f"sites not found at {SITES} (set CLEANER_SITES)")
    sites = sorted(p for p in SITES.iterdir() if p.is_dir())
    thresholds = Thresholds()
    print(f"thresholds: {thresholds}, blocks: body within {mineblocks.FIRST_WITHIN:.0%} of the largest gap's prose")
    print("| site | input | pages | mined rules | page by page | learned | change |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    summary = {}
    with tempfile.TemporaryDirectory() as scratch:
        grid = GRID if args.leave_one_out else [Setting()]
        per = {(t, k): evaluate(t, sites, k, Path(scratch)) for t in grid for k in KINDS}
        below = []
        for kind in KINDS:
            result = per[(Setting(), kind)]
            for site, r in result.items():
                a, b = f1(r["default"]), f1(r["learned"])
                below += [f"{site} {kind}.txt"] if b < a else []
                print(f"| {site} | {kind}.txt | {len(r['default'])} | {r['rules']} | {a:.4f} | {b:.4f} "
                      f"| {b - a:+.4f} |")
            a = f1([x for r in result.values() for x in r["default"]])
            b = f1([x for r in result.values() for x in r["learned"]])
            pages = sum(len(r["default"]) for r in result.values())
            print(f"| **all** | {kind}.txt | {pages} | | {a:.4f} | **{b:.4f}** | {b - a:+.4f} |")
            summary[kind] = {"page_by_page": a, "learned": b,
                             "sites": {s: {"page_by_page": f1(r["default"]), "learned": f1(r["learned"])}
                                       for s, r in result.items()}}
        verdict = "yes" if not below else "NO: " + ", ".join(below)
        print(f"\nnever below the page-by-page cleaner on any site: {verdict}")
        if args.leave_one_out:
            print("\n| held-out site | input | fitted on the other four (min_pages, min_share, body share, long_chars) "
                  "| F1 with them | F1 with the shipped setting | page by page |")
            print("| --- | --- | --- | --- | --- | --- |")
            rows, pooled = leave_one_out(sites, per)
            print("\n".join(rows))
            for kind in KINDS:
                summary[kind]["leave_one_site_out"] = pooled[kind]
            print("\n| held-out site | input | bodies' cores cut as whole pages | page_body_loss fitted on the other "
                  "four | F1 with it | F1 with the shipped setting |")
            print("| --- | --- | --- | --- | --- | --- |")
            print("\n".join(leave_one_out_whole_pages(sites, Path(scratch))))
        if args.devset:
            print("\n| dev set | pages | page by page | mined per URL host | the folder as one site |")
            print("| --- | --- | --- | --- | --- |")
            print("\n".join(devset_check(Path(scratch))))
    print("\n".join(since_last_run(summary, RESULTS / "mining.json")))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "mining.json").write_text(json.dumps({"thresholds": vars(thresholds), **summary}, indent=1) + "\n")


def since_last_run(summary: dict, recorded: Path, tolerance: float = 0.002) -> list[str]:
    """Each pooled figure against the run recorded in `recorded` (the results file this run replaces), with
    FELL where it dropped by more than `tolerance`: a regression here stood unnoticed for twelve sessions
    (session 51) because each run only printed its own table."""
    if not recorded.is_file():
        return []
    before = json.loads(recorded.read_text())
    lines = ["", "since the recorded run (tests/bench/results/mining.json):"]
    for kind, now in summary.items():
        for column in ("page_by_page", "learned"):
            was = before.get(kind, {}).get(column)
            if was is not None:
                flag = "  FELL" if now[column] < was - tolerance else ""
                lines.append(f"  {kind}.txt {column}: {was:.4f} -> {now[column]:.4f}{flag}")
    return lines


if __name__ == "__main__":
    main()
