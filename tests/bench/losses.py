"""Where the cleaner loses on the dev set: the rules that removed gold text, and the worst pages.

    python tests/bench/losses.py [--inputs full.txt,recall.txt] [--rules PACK]... [--top 8] [--fold K]

For each input, the words of gold text each rule removed (a removed line whose words occur in the
gold), then the pages losing most (fp + fn of the page) with their largest lost lines (and the rule
responsible) and leaked lines. Rule work should follow this evidence across folds: `--fold K` lists
only fold K's pages, so a rule written from one fold's losses can be checked on the others with
quality.py. The default rules as they are; nothing is fitted here.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from devset import DEFAULT_DEVSET, Page, RuleSpec, clean_results, load_pages
from evaluate import score_page

import cleaner

_WORD = re.compile(r"\w+")


def _words(text: str) -> str:
    return " ".join(_WORD.findall(text))


def report(pages: Sequence[Page], input_name: str, results: Sequence[cleaner.CleanResult], top: int) -> str:
    """The gold words each rule removed, and the `top` worst pages with their lost and leaked lines."""
    by_rule: Counter = Counter()
    per_page = []
    for page, result in zip(pages, results, strict=True):
        gold = f" {_words(page.gold)} "
        lost = []
        for removal in result.removals:
            for line in removal.text.splitlines():
                words = _words(line)
                if len(words.split()) >= 4 and f" {words} " in gold:
                    lost.append((len(line.strip()), removal.rule_id, line.strip()))
                    by_rule[removal.rule_id] += len(words.split())
        leaked = [(len(line.strip()), line.strip()) for line in result.text.splitlines()
                  if _words(line) and f" {_words(line)} " not in gold]
        score = score_page(result.text, page.gold_shingles)
        per_page.append((score.fn + score.fp, page, sorted(lost, reverse=True), sorted(leaked, reverse=True)))
    out = [f"## {input_name}: gold words removed, by rule",
           ", ".join(f"{rule} {n}" for rule, n in by_rule.most_common()) or "(none)",
           f"\n## {input_name}: pages losing most (fp + fn of the page)"]
    for loss, page, lost, leaked in sorted(per_page, key=lambda t: (-t[0], t[1].id))[:top]:
        out.append(f"- {page.id} fold {page.fold} loss {loss:.3f}  {page.url or ''}")
        out += [f"    lost   [{rule}] {text[:110]}" for _, rule, text in lost[:3]]
        out += [f"    leaked {text[:110]}" for _, text in leaked[:3]]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", default="full.txt,recall.txt")
    parser.add_argument("--rules", action="append", default=[], metavar="PACK")
    parser.add_argument("--top", type=int, default=8, help="pages to list per input")
    parser.add_argument("--fold", type=int, help="only this fold's pages")
    parser.add_argument("--devset", type=Path, default=DEFAULT_DEVSET)
    args = parser.parse_args(argv)
    pages = [p for p in load_pages(args.devset) if args.fold is None or p.fold == args.fold]
    spec = RuleSpec(tuple(args.rules))
    for input_name in [i.strip() for i in args.inputs.split(",") if i.strip()]:
        print(report(pages, input_name, clean_results(pages, input_name, spec), args.top) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
