"""Real articles in a layout a scraper gives: the dev set's gold bodies with a block of furniture between their
paragraphs, cleaned by the default rules. What it counts is the article's safety, not the tuning: a gold body is
the article alone, so every one of its paragraphs lost is the cleaner's doing.

    python tests/bench/paragraph_safety.py                          # the built-in blocks, under the first paragraph
    python tests/bench/paragraph_safety.py --at middle              # ... under the middle one
    python tests/bench/paragraph_safety.py --cases tests/data/handwritten_unseen_16.toml   # a case file's furniture
    python tests/bench/paragraph_safety.py --limit 100 -v           # the first 100 pages; each loss printed
    python tests/bench/paragraph_safety.py --fold 4                 # fold 4's pages only
    python tests/bench/paragraph_safety.py --fit train_line_classifier:fit_with_line_model --at lead,middle
                                                                    # out of fold: each fold's pages cleaned by
                                                                    # what is fitted on the other four (20 minutes)

Each page whose gold body has at least `--min-lines` lines and opens with a paragraph (15+ words ending a
sentence) becomes: its title (`.meta.json`), a blank line, the first paragraph, a blank line, the block, a blank
line, and the rest of the gold lines, one per paragraph with blank lines between (`--at middle` puts the block
after the middle paragraph instead). Per block, over the pages:

- `lead lost`: the first paragraph not kept whole;
- `paragraphs lost`: pages where any gold line of 15+ words is not kept whole;
- `caught`: pages where no line of the block is left.

The first row is the control, the same pages without a block. The blocks are ours (`BLOCKS`), or with `--cases`
each `[[furniture]]` case of a hand-written file (a held-out file's misses are not printed unless `-v`).

Without `--fit` the pages are cleaned by the shipped rules, whose line model and classifiers were trained on
every dev page: the figures are in-sample for the articles (session 62: `landmarks_apart` took the pages losing
a paragraph from 83 to 69 in-sample, and from 27 to 28 on two held-out folds). With `--fit MODULE:FUNCTION` (a
`devset.Fitter`, as `quality.py --fit` takes) each fold's pages are cleaned by the rules it fits on the other
folds' pages (their full.txt), the figure to read before shipping a change to a fitted model.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import tomllib
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from devset import DEFAULT_DEVSET, RuleSpec, load_pages  # noqa: E402 - after the path set-up above, so it runs as a script too
from devset import Page as DevPage  # noqa: E402

import cleaner  # noqa: E402

BLOCKS = {
    "share bar": "Share\nFacebook\nWhatsApp\nX (Twitter)\nLinkedIn\nEmail",
    "follow row": "Follow us\nFacebook\nInstagram\nYouTube",
    "newsletter box": "Sign up for our newsletter\nGet the day's top stories in your inbox every morning.\n"
                      "Enter your email\nSubscribe",
    "read next": "Read next\nThe hidden cost of cheap flights",
    "ad label": "Advertisement",
}
MIN_WORDS = 15  # a paragraph, for `lead lost` and `paragraphs lost`


@dataclass(frozen=True)
class Page:
    """A dev page's title and gold paragraphs (non-blank gold lines, stripped)."""

    name: str
    title: str
    paragraphs: tuple[str, ...]


def is_paragraph(line: str) -> bool:
    return len(line.split()) >= MIN_WORDS and line.rstrip("\"'”’)")[-1:] in ".!?"


def pages(devset: Path, min_lines: int) -> Iterator[Page]:
    """The dev pages whose gold body has `min_lines` lines or more and opens with a paragraph."""
    for gold in sorted(devset.glob("*.gold.txt")):
        lines = tuple(line.strip() for line in gold.read_text("utf-8").splitlines() if line.strip())
        if len(lines) < min_lines or not is_paragraph(lines[0]):
            continue
        meta = json.loads(gold.with_name(gold.name.replace(".gold.txt", ".meta.json")).read_text("utf-8"))
        yield Page(gold.name.split(".")[0], meta.get("title") or "Untitled", lines)


def laid_out(page: Page, block: str | None, at: str) -> str:
    """The page's document with `block` (None: none) under its first or its middle paragraph (`at`)."""
    after = 1 if at == "lead" else max(1, len(page.paragraphs) // 2)
    parts = [page.title, *page.paragraphs[:after], *([block] if block else []), *page.paragraphs[after:]]
    return "\n\n".join(parts) + "\n"


_worker_rules: cleaner.RuleSet | None = None  # the rules a worker cleans with (None: the default rules)


def _init_worker(spec: RuleSpec | None) -> None:
    global _worker_rules
    _worker_rules = spec.load() if spec is not None else None


def outcome(page: Page, block: str | None, at: str) -> tuple[bool, list[str], bool]:
    """Cleaning the page laid out with `block`: (lead lost, paragraphs lost, block caught)."""
    kept = set(cleaner.clean(laid_out(page, block, at), rules=_worker_rules).text.split("\n"))
    lost = [line for line in page.paragraphs if is_paragraph(line) and line not in kept]
    caught = block is None or not any(line.strip() and line in kept for line in block.split("\n"))
    return page.paragraphs[0] in lost, lost, caught


def _one(args: tuple[Page, Sequence[tuple[str, str | None]], str]) -> list[tuple[str, str, bool, list[str], bool]]:
    page, blocks, at = args
    return [(name, page.name, *outcome(page, block, at)) for name, block in blocks]


def case_blocks(path: Path) -> dict[str, str]:
    """Each furniture case of a hand-written file, named by its kind and number."""
    cases = tomllib.loads(path.read_text("utf-8"))
    return {f"{case['kind']} {n}": case["text"].strip("\n") for n, case in enumerate(cases["furniture"], 1)
            if "lang" not in case}


def fitted_groups(dev_pages: Sequence[DevPage], chosen: list[Page],
                  fit: str | None) -> Iterator[tuple[RuleSpec | None, list[Page]]]:
    """(rules, pages) to clean: the default rules for every chosen page, or with `fit` (`module:function`, a
    `devset.Fitter`) per fold of `dev_pages`, that fold's chosen pages and the rules fitted on every other fold's
    pages."""
    if fit is None:
        yield None, chosen
        return
    from quality import load_fitter

    fitter = load_fitter(fit)
    fold_of = {page.id: page.fold for page in dev_pages}
    with tempfile.TemporaryDirectory(prefix="cleaner-safety-") as scratch:
        for k in sorted({fold_of[page.name] for page in chosen}):
            workdir = Path(scratch) / f"fold{k}"
            workdir.mkdir()
            spec = fitter([page for page in dev_pages if page.fold != k], "full.txt", workdir)
            yield spec, [page for page in chosen if fold_of[page.name] == k]


def print_table(at: str, n_pages: int, blocks: Sequence[tuple[str, str | None]], results: list, verbose: bool,
                fitted: bool) -> None:
    where = "first" if at == "lead" else "middle"
    print(f"{n_pages} dev pages, block under the {where} paragraph{', out of fold' if fitted else ''}")
    print(f"{'block':<24} {'lead lost':>10} {'paragraphs lost':>16} {'caught':>8}")
    totals = [0, 0, 0, 0]
    for name, _ in blocks:
        rows = [row for row in results if row[0] == name]
        lead, lost, caught = (sum(row[2] for row in rows), sum(bool(row[3]) for row in rows),
                              sum(row[4] for row in rows))
        print(f"{name[:24]:<24} {lead:>10} {lost:>16} {caught if name != '(no block)' else '':>8}")
        if name != "(no block)":
            totals = [totals[0] + lead, totals[1] + lost, totals[2] + caught, totals[3] + len(rows)]
        if verbose:
            for row in rows:
                for line in row[3]:
                    print(f"    lost {row[1]}: {line[:110]}")
    print(f"{'all blocks':<24} {totals[0]:>10} {totals[1]:>16} {totals[2]:>8}  of {totals[3]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devset", type=Path, default=DEFAULT_DEVSET)
    parser.add_argument("--at", default="lead", help="lead, middle, or both comma-separated (one table each)")
    parser.add_argument("--cases", type=Path, help="a hand-written case file: its furniture cases as the blocks")
    parser.add_argument("--min-lines", type=int, default=4)
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages")
    parser.add_argument("--fold", type=int, help="only the pages of this fold (tests/data/devset_folds.json)")
    parser.add_argument("--fit", metavar="MODULE:FUNCTION", help="out of fold: a devset.Fitter, as quality.py takes")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("-v", "--verbose", action="store_true", help="print each lost paragraph")
    args = parser.parse_args(argv)
    places = args.at.split(",")
    if not places or any(at not in ("lead", "middle") for at in places):
        parser.error(f"--at: lead, middle or lead,middle, not {args.at!r}")
    chosen = list(pages(args.devset, args.min_lines))[: args.limit or None]
    dev_pages = load_pages(args.devset) if args.fold is not None or args.fit else []
    if args.fold is not None:
        in_fold = {page.id for page in dev_pages if page.fold == args.fold}
        chosen = [page for page in chosen if page.name in in_fold]
    blocks = [("(no block)", None), *(case_blocks(args.cases) if args.cases else BLOCKS).items()]
    results: dict[str, list] = {at: [] for at in places}
    for spec, group in fitted_groups(dev_pages, chosen, args.fit):
        with ProcessPoolExecutor(args.jobs, initializer=_init_worker, initargs=(spec,)) as pool:
            for at in places:
                results[at] += [row for rows in pool.map(_one, [(page, blocks, at) for page in group], chunksize=8)
                                for row in rows]
    for at in places:
        print_table(at, len(chosen), blocks, results[at], args.verbose, args.fit is not None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
