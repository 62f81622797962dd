"""Quality on real pages: the cleaner against reference methods on a corpus laid out like the dev set.

    python tests/bench/quality.py [--devset ../shared/devset] [--no-html] [--losses 8]

For every page id the corpus holds `<id>.gold.txt` (the article body), `<id>.full.txt` (all visible
text), `<id>.recall.txt` (trafilatura favor_recall output), `<id>.html` and `<id>.url`. Prints
precision / recall / F1 (the benchmark's 4-token shingle metric, cleaner/evaluate.py) per input
variant for: no cleaning, the C4 line rules, the cleaner, and on the HTML trafilatura's default and
favor_precision next to the cleaner's HTML path (trafilatura favor_recall, then the rules). Then
what the rules remove from the gold bodies themselves and, per variant, the rules that removed most
gold text, the pages the cleaner loses most on, and their top lost and leaked lines, so rule work
follows evidence.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import trafilatura

import cleaner
from cleaner.evaluate import PageScore, Score, aggregate, c4_line_filter, score_page

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DEVSET = ROOT.parent / "shared" / "devset"
TARGETS = {"full.txt": 0.93, "recall.txt": 0.98, "html": 0.98}
MIN_RECALL = {"recall.txt": 0.97}  # the recall.txt target also asks that recall not drop below this


def page_ids(pages: Path) -> list[str]:
    return sorted(p.name.removesuffix(".gold.txt") for p in pages.glob("*.gold.txt"))


def read(pages: Path, page: str, suffix: str) -> str:
    path = pages / f"{page}.{suffix}"
    return path.read_text("utf-8") if path.exists() else ""


def _words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text))


class Run:
    """One method over one input variant: per-page predictions, scores and (for the cleaner) removals."""

    def __init__(self, method: str, variant: str) -> None:
        self.method, self.variant = method, variant
        self.scores: dict[str, PageScore] = {}
        self.results: dict[str, tuple[str, cleaner.CleanResult | None]] = {}
        self.seconds = 0.0

    @property
    def score(self) -> Score:
        return aggregate(self.scores.values())


def run_method(method: str, variant: str, ids: list[str], pages: Path,
               predict: Callable[[str], tuple[str, cleaner.CleanResult | None]]) -> Run:
    run = Run(method, variant)
    started = time.perf_counter()
    for page in ids:
        predicted, result = predict(page)
        run.results[page] = (predicted, result)
        run.scores[page] = score_page(predicted, read(pages, page, "gold.txt"))
    run.seconds = time.perf_counter() - started
    return run


def _clean_text(pages: Path, suffix: str) -> Callable[[str], tuple[str, cleaner.CleanResult]]:
    def predict(page: str) -> tuple[str, cleaner.CleanResult]:
        url = read(pages, page, "url").strip() or None
        result = cleaner.clean(read(pages, page, suffix), url=url, source=f"{page}.{suffix}")
        return result.text, result
    return predict


def _clean_html(pages: Path) -> Callable[[str], tuple[str, cleaner.CleanResult]]:
    def predict(page: str) -> tuple[str, cleaner.CleanResult]:
        url = read(pages, page, "url").strip() or None
        result = cleaner.clean_file(pages / f"{page}.html", url=url)
        return result.text, result
    return predict


def _trafilatura(pages: Path, **options) -> Callable[[str], tuple[str, None]]:
    def predict(page: str) -> tuple[str, None]:
        html = (pages / f"{page}.html").read_bytes()
        return trafilatura.extract(html, deduplicate=False, **options) or "", None
    return predict


def all_runs(pages: Path, ids: list[str], html: bool) -> list[Run]:
    runs = []
    for suffix in ("full.txt", "recall.txt"):
        runs.append(run_method("no cleaning", suffix, ids, pages, lambda p, s=suffix: (read(pages, p, s), None)))
        runs.append(run_method("C4 line rules", suffix, ids, pages,
                               lambda p, s=suffix: (c4_line_filter(read(pages, p, s)), None)))
        runs.append(run_method("cleaner", suffix, ids, pages, _clean_text(pages, suffix)))
    if html:
        runs.append(run_method("trafilatura default", "html", ids, pages, _trafilatura(pages)))
        runs.append(run_method("trafilatura favor_precision", "html", ids, pages,
                               _trafilatura(pages, favor_precision=True)))
        runs.append(run_method("cleaner (trafilatura favor_recall + rules)", "html", ids, pages, _clean_html(pages)))
    return runs


def table(runs: list[Run]) -> str:
    rows = ["| method | input | precision | recall | F1 | target | seconds |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    for run in runs:
        s = run.score
        target = ""
        if run.method.startswith("cleaner"):
            # Judged on the exact figures, not the rounded ones shown (0.9298 is not >= 0.93).
            wanted, floor = TARGETS[run.variant], MIN_RECALL.get(run.variant, 0.0)
            met = s.f1 >= wanted and s.recall >= floor
            target = f"F1 >= {wanted:.2f}" + (f", R >= {floor:.2f}" if floor else "")
            target += f": {'met' if met else 'NOT met'} (F1 {s.f1:.4f})"
        rows.append(f"| {run.method} | {run.variant} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | "
                    f"{target} | {run.seconds:.1f} |")
    return "\n".join(rows)


def losses(run: Run, pages: Path, top: int) -> str:
    """Rules that removed gold text, the worst pages, and their top lost and leaked lines."""
    lost_by_rule: Counter = Counter()
    per_page = []
    for page, (predicted, result) in run.results.items():
        gold = _words(read(pages, page, "gold.txt"))
        lost = []
        for removal in result.removals if result else ():
            for line in removal.text.splitlines():
                words = _words(line)
                if len(words.split()) >= 4 and words in gold:
                    lost.append((len(line.strip()), removal.rule_id, line.strip()))
                    lost_by_rule[removal.rule_id] += len(words.split())
        leaked = [(len(line.strip()), line.strip()) for line in predicted.splitlines()
                  if _words(line) and _words(line) not in gold]
        s = run.scores[page]
        per_page.append((s.fn + s.fp, page, sorted(lost, reverse=True), sorted(leaked, reverse=True)))
    out = [f"\n## {run.method} on {run.variant}: gold words removed, by rule",
           ", ".join(f"{rule} {n}" for rule, n in lost_by_rule.most_common()) or "(none)",
           f"\n## {run.method} on {run.variant}: pages losing most (fp + fn of the page)"]
    for loss, page, lost, leaked in sorted(per_page, reverse=True)[:top]:
        out.append(f"- {page[:12]} loss {loss:.3f}  {read(pages, page, 'url').strip()}")
        out += [f"    lost   [{rule}] {text[:110]}" for _, rule, text in lost[:3]]
        out += [f"    leaked {text[:110]}" for _, text in leaked[:3]]
    return "\n".join(out)


def gold_removals(pages: Path, ids: list[str]) -> str:
    """Words the rules remove from the gold bodies themselves: each is a rule firing on article text
    (or on a gold body's own furniture, such as an image credit)."""
    removed: Counter = Counter()
    for page in ids:
        for removal in cleaner.clean(read(pages, page, "gold.txt")).removals:
            if removal.pack_id != "layout":
                removed[removal.rule_id] += len(removal.text.split())
    total = sum(len(read(pages, page, "gold.txt").split()) for page in ids)
    listed = ", ".join(f"{rule} {n}" for rule, n in removed.most_common()) or "(none)"
    return f"\n## gold bodies cleaned: {sum(removed.values())} of {total} words removed\n{listed}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=DEFAULT_DEVSET, help="corpus folder (holding pages/)")
    parser.add_argument("--no-html", action="store_true", help="skip the HTML rows (trafilatura is slow)")
    parser.add_argument("--losses", type=int, default=8, help="pages to list per variant (0: none)")
    args = parser.parse_args(argv)
    pages = args.devset / "pages" if (args.devset / "pages").is_dir() else args.devset
    ids = page_ids(pages)
    if not ids:
        print(f"no <id>.gold.txt pages under {pages}", file=sys.stderr)
        return 2
    runs = all_runs(pages, ids, html=not args.no_html)
    print(f"{len(ids)} pages from {pages}\n")
    print(table(runs))
    print(gold_removals(pages, ids))
    if args.losses:
        for run in runs:
            if run.method.startswith("cleaner"):
                print(losses(run, pages, args.losses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
