"""The furniture-line classifiers' bars, compared out of fold on the dev set.

    python tests/bench/classifier_bars.py 0.98 0.99:0.9:4 0.99:0.9:7 0.99:0.9:4:0.5 [--jobs 2]

Each setting is `threshold[:label_threshold[:label_words[:neighbour_threshold]]]` (`kinds/line_classifier.py`;
a field left out takes the kind's default), applied to every rule of `rules/furniture_lines.toml`. For each
fold the classifiers and the text line model are trained on the other folds' pages as
`train_line_classifier:fit_with_line_model` trains them (once, whatever the number of settings), and only the
bars change between settings: each row scores the same fitted models. Prints, per setting, recall.txt and
full.txt F1 (mean over the held-out folds), full.txt `without` snippets left, recall.txt `with` snippets kept,
and the share of the gold bodies' words removed; about 15 minutes for the training and 4 a setting on two
cores. How session 46 chose the shipped bars (docs/quality-history.md, session 46).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from devset import Fitter, Page, RuleSpec, load_pages, out_of_fold, score_folds  # noqa: E402
from quality import gold_words_removed, snippet_shares  # noqa: E402
from train_line_classifier import OUTPUT, fit_with_line_model  # noqa: E402

from cleaner.authoring.toml_out import dump_pack  # noqa: E402

SETTING = "threshold[:label_threshold[:label_words[:neighbour_threshold]]]"


@dataclasses.dataclass(frozen=True)
class Bars:
    """One setting of the classifiers' bars (the `line_classifier` fields of the same names)."""

    threshold: float
    label_threshold: float = 2.0
    label_words: int = 4
    neighbour_threshold: float = 2.0

    @classmethod
    def parse(cls, text: str) -> Bars:
        """`threshold[:label_threshold[:label_words[:neighbour_threshold]]]`."""
        parts = text.split(":")
        if not 1 <= len(parts) <= 4:
            raise argparse.ArgumentTypeError(f"expected {SETTING}, got {text!r}")
        values = [float(parts[0]), *(float(p) for p in parts[1:2]), *(int(p) for p in parts[2:3]),
                  *(float(p) for p in parts[3:4])]
        return cls(*values)

    def __str__(self) -> str:
        return f"{self.threshold}:{self.label_threshold}:{self.label_words}:{self.neighbour_threshold}"


def with_bars(pack: Path, bars: Bars, folder: Path) -> Path:
    """A copy of the classifiers' `pack` in `folder` with every rule's bars set to `bars` (the weights as
    they are)."""
    raw = tomllib.loads(pack.read_text("utf-8"))
    for rule in raw["rules"]:
        rule.update(dataclasses.asdict(bars))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / pack.name
    path.write_text(dump_pack(raw, f"{pack} with the bars {bars}\n"), "utf-8")
    return path


def fitter(bars: Bars) -> Fitter:
    """`fit_with_line_model`, its classifiers' bars set to `bars`."""
    def fit(train_pages: list[Page], input_name: str, workdir: Path) -> RuleSpec:
        spec = fit_with_line_model(train_pages, input_name, workdir)
        packs = tuple(str(with_bars(Path(p), bars, workdir / "bars")) if Path(p).name == OUTPUT.name else p
                      for p in spec.packs)
        return dataclasses.replace(spec, packs=packs)
    return fit


def row(pages: Sequence[Page], bars: Bars, jobs: int) -> str:
    """The setting's Markdown table row."""
    fit = fitter(bars)
    recall = out_of_fold(pages, "recall.txt", fit, jobs)
    full = out_of_fold(pages, "full.txt", fit, jobs)
    gold, _ = gold_words_removed(pages, fit, jobs)
    cells = [f"{score_folds(pages, recall).f1:.4f}", f"{score_folds(pages, full).f1:.4f}",
             f"{snippet_shares(pages, full)[0]:.4f}", f"{snippet_shares(pages, recall)[1]:.4f}", f"{gold:.4%}"]
    return f"| {bars} | " + " | ".join(cells) + " |"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("settings", nargs="+", type=Bars.parse, help=SETTING)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    pages = load_pages()
    print(f"| {SETTING.replace('[', '').replace(']', '')} | recall.txt F1 | full.txt F1 | full.txt `without` left "
          "| recall.txt `with` kept | gold words removed |")
    print("| --- | --- | --- | --- | --- | --- |")
    for bars in args.settings:
        print(row(pages, bars, args.jobs), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
