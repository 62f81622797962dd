"""Issue 12's two precision figures, fast, per rule and per fold: for iterating on the pattern rules.

    python tests/bench/precision.py [--rules PACK]... [--replace PACK]... [--fold K] [--no-model]
                                    [--show gold,without,with] [--inputs recall.txt,full.txt]

Cleans each page's `gold.txt` and `recall.txt` once with the default rules as shipped (the line
model trained on all folds, so its share is in-sample; `--no-model` leaves it out) plus `--rules`,
in this process, and prints per fold and overall:

- the share of the gold bodies' own words removed, and per rule (the removed lines with `--show gold`);
- on recall.txt, the share of WCXB's `without` snippets left and `with` snippets kept, the rule
  that removed each lost `with` snippet, and (`--show without`) every `without` snippet left;
- per input of `--inputs` (default recall.txt, full.txt), shingle F1 per fold (devset.score_folds)
  and per rule the words it removed from lines the gold holds (`body`) and from the rest (`other`):
  a rule's precision on real input, where the gold-body figure shows only what it takes from bodies.

A rule change is measured by running this before and after: a rule written from some folds'
losses is kept only if it also helps the folds it was not written from (the per-fold columns).
The reported figures stay those of quality.py (out-of-fold line model); this takes about a third
of its time and names the rules.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path

from devset import DEFAULT_DEVSET, Page, RuleSpec, clean_results, load_pages, score_folds
from evaluate import snippet_found

import cleaner


def _owner(result: cleaner.CleanResult, snippet: str, source: str) -> str:
    """The rule of the removal holding (part of) `snippet`, best effort: a removed span containing
    its first words."""
    head = " ".join(snippet.lower().split()[:4])
    for removal in result.removals:
        if head and head in " ".join(removal.text.lower().split()):
            return f"{removal.pack_id}/{removal.rule_id}"
    return "(not in the input)" if not snippet_found(snippet, source) else "(split or layout)"


def gold_report(pages: Sequence[Page], results: Sequence[cleaner.CleanResult], show: bool) -> list[str]:
    by_rule: Counter = Counter()
    by_fold_removed: Counter = Counter()
    by_fold_total: Counter = Counter()
    lines_by_rule: dict[str, list[str]] = defaultdict(list)
    for page, result in zip(pages, results, strict=True):
        by_fold_total[page.fold] += len(page.gold.split())
        for removal in result.removals:
            words = len(removal.text.split())
            rule = f"{removal.pack_id}/{removal.rule_id}"
            by_rule[rule] += words
            by_fold_removed[page.fold] += words
            if words:
                lines_by_rule[rule].append(f"{page.id} f{page.fold}: {removal.text.strip()[:150]!r}")
    total = sum(by_fold_total.values())
    folds = sorted(by_fold_total)
    out = [f"## gold bodies: {sum(by_rule.values()) / total:.3%} of their words removed "
           f"({sum(by_rule.values())} of {total}); per fold "
           + " ".join(f"f{k} {by_fold_removed[k] / by_fold_total[k]:.3%}" for k in folds)]
    for rule, words in by_rule.most_common():
        out.append(f"- {rule}: {words} words, {words / total:.3%}")
        if show:
            out += [f"    {line}" for line in lines_by_rule[rule]]
    return out


def snippet_report(pages: Sequence[Page], results: Sequence[cleaner.CleanResult],
                   show_without: bool, show_with: bool) -> list[str]:
    left = Counter()
    without = Counter()
    kept = Counter()
    with_ = Counter()
    lost_by_rule: Counter = Counter()
    left_lines, lost_lines = [], []
    for page, result in zip(pages, results, strict=True):
        source = page.text("recall.txt")
        for snippet in page.meta.get("without", ()):
            without[page.fold] += 1
            if snippet_found(snippet, result.text):
                left[page.fold] += 1
                left_lines.append(f"{page.id} f{page.fold}: {snippet[:150]!r}")
        for snippet in page.meta.get("with", ()):
            with_[page.fold] += 1
            if snippet_found(snippet, result.text):
                kept[page.fold] += 1
            elif snippet_found(snippet, source):
                rule = _owner(result, snippet, source)
                lost_by_rule[rule] += 1
                lost_lines.append(f"{page.id} f{page.fold} [{rule}]: {snippet[:150]!r}")
    folds = sorted(without)
    n_without, n_with = sum(without.values()), sum(with_.values())
    out = [f"## recall.txt: `without` left {sum(left.values()) / n_without:.4f} ({sum(left.values())} of "
           f"{n_without}), `with` kept {sum(kept.values()) / n_with:.4f} ({sum(kept.values())} of {n_with})",
           "per fold, without left: " + " ".join(f"f{k} {left[k] / without[k]:.4f}" for k in folds),
           "per fold, with kept:    " + " ".join(f"f{k} {kept[k] / with_[k]:.4f}" for k in folds),
           "`with` snippets in the input that cleaning lost, by rule: "
           + (", ".join(f"{rule} {n}" for rule, n in lost_by_rule.most_common()) or "(none)")]
    if show_with:
        out += [f"    lost {line}" for line in lost_lines]
    if show_without:
        out += [f"    left {line}" for line in left_lines]
    return out


_WORD = re.compile(r"\w+")


def _words(text: str) -> str:
    return " ".join(_WORD.findall(text))


def input_report(pages: Sequence[Page], input_name: str, results: Sequence[cleaner.CleanResult]) -> list[str]:
    """F1 per fold, and per rule the words removed from gold lines and from other lines."""
    body: Counter = Counter()
    other: Counter = Counter()
    for page, result in zip(pages, results, strict=True):
        gold = f" {_words(page.gold)} "
        for removal in result.removals:
            rule = f"{removal.pack_id}/{removal.rule_id}"
            for line in removal.text.splitlines():
                words = _words(line)
                n = len(words.split())
                if n and f" {words} " in gold:
                    body[rule] += n
                else:
                    other[rule] += n
    scores = score_folds(pages, [r.text for r in results])
    out = [f"## {input_name}: {scores.summary()}", "rule: words removed from body lines / from other lines"]
    out += [f"- {rule}: {body[rule]} / {other[rule]}" for rule in sorted(set(body) | set(other),
                                                                       key=lambda r: (-body[r], -other[r]))
            if body[rule] + other[rule]]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", action="append", default=[], metavar="PACK")
    parser.add_argument("--replace", action="append", default=[], metavar="PACK",
                        help="a changed copy of a bundled pack, loaded in place of the bundled file of its name")
    parser.add_argument("--fold", type=int, help="only this fold's pages")
    parser.add_argument("--no-model", action="store_true", help="without the line model (rules alone)")
    parser.add_argument("--show", default="", help="comma-separated: gold, without, with (the lines themselves)")
    parser.add_argument("--inputs", default="recall.txt,full.txt", help="inputs scored per fold and per rule")
    parser.add_argument("--devset", type=Path, default=DEFAULT_DEVSET)
    args = parser.parse_args(argv)
    show = {s.strip() for s in args.show.split(",") if s.strip()}
    pages = [p for p in load_pages(args.devset) if args.fold is None or p.fold == args.fold]
    drop = tuple(Path(p).stem for p in args.replace) + (("line_model",) if args.no_model else ())
    spec = RuleSpec(tuple(args.rules) + tuple(args.replace), drop=drop)
    print("\n".join(gold_report(pages, clean_results(pages, "gold.txt", spec), "gold" in show)) + "\n", flush=True)
    for input_name in [i.strip() for i in args.inputs.split(",") if i.strip()]:
        results = clean_results(pages, input_name, spec)
        if input_name == "recall.txt":
            print("\n".join(snippet_report(pages, results, "without" in show, "with" in show)) + "\n")
        print("\n".join(input_report(pages, input_name, results)) + "\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
