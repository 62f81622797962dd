"""The dev set, its folds by site, and out-of-fold scoring: the library under tests/bench/quality.py.

Import it from a tuning script in tests/bench (`from devset import load_pages, ...`) or, from
elsewhere, after putting tests/bench on sys.path:

    pages = load_pages()                                   # 781 pages, each with its fold
    outputs = clean_pages(pages, "recall.txt", RuleSpec(packs=("my_pack.toml",)), jobs=2)
    print(score_folds(pages, outputs).summary())           # per-fold and mean shingle P/R/F1

Out-of-fold: anything fitted on the dev set is fitted on four folds and scores the fifth. A `Fitter`
gets the training pages, the input name and a scratch folder, and returns the `RuleSpec` that
cleans the held-out fold (for example a line-model rule file it trained and wrote there);
`out_of_fold(pages, input, fitter)` runs it once per fold. Rules with nothing fitted are one
constant spec (`constant(spec)`), cleaned in one pass. A fitter that fits more than rules (the HTML
model's extraction parameters, `train_line_model.fit`) may carry its own
`out_of_fold(pages, input, jobs)`, which returns the outputs (or None: the rule files as above).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from evaluate import Score, aggregate, score_page, shingles

import cleaner
from cleaner.rules.loader import default_rules_dir

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DEVSET = Path(os.environ.get("CLEANER_DEVSET", ROOT.parent / "shared" / "devset"))
FOLDS_FILE = ROOT / "tests" / "data" / "devset_folds.json"
INPUTS = ("full.txt", "recall.txt", "html")


@dataclass(frozen=True)
class Page:
    """One dev page: its id, fold and site, and its files read on demand (`text("recall.txt")`)."""

    id: str
    fold: int
    domain: str
    folder: Path

    def path(self, suffix: str) -> Path:
        return self.folder / f"{self.id}.{suffix}"

    def text(self, suffix: str) -> str:
        return self.path(suffix).read_text("utf-8")

    @cached_property
    def gold(self) -> str:
        return self.text("gold.txt")

    @cached_property
    def gold_shingles(self) -> Counter:
        return shingles(self.gold)

    @cached_property
    def url(self) -> str | None:
        path = self.path("url")
        return (path.read_text("utf-8").strip() or None) if path.exists() else None

    @cached_property
    def meta(self) -> dict:
        path = self.path("meta.json")
        return json.loads(path.read_text("utf-8")) if path.exists() else {}

    @property
    def title(self) -> str:
        return self.meta.get("title") or ""


def load_pages(devset: Path = DEFAULT_DEVSET, folds_file: Path = FOLDS_FILE) -> list[Page]:
    """Every page of the dev set that has a gold body, in id order, with its fold from `folds_file`."""
    record = json.loads(folds_file.read_text("utf-8"))
    ids = sorted(p.name.removesuffix(".gold.txt") for p in devset.glob("*.gold.txt"))
    missing = [i for i in ids if i not in record["fold"]]
    if missing:
        raise ValueError(f"{len(missing)} pages have no fold in {folds_file} (first: {missing[0]}); "
                         "re-run tests/bench/make_folds.py")
    return [Page(i, record["fold"][i], record["domains"][i], devset) for i in ids]


def fold_numbers(pages: Sequence[Page]) -> list[int]:
    return sorted({p.fold for p in pages})


@dataclass(frozen=True)
class FoldScores:
    """Shingle P/R/F1 per held-out fold, their means (the reported figure), and all pages pooled."""

    by_fold: dict[int, Score]
    pooled: Score

    @property
    def precision(self) -> float:
        return sum(s.precision for s in self.by_fold.values()) / len(self.by_fold)

    @property
    def recall(self) -> float:
        return sum(s.recall for s in self.by_fold.values()) / len(self.by_fold)

    @property
    def f1(self) -> float:
        return sum(s.f1 for s in self.by_fold.values()) / len(self.by_fold)

    def summary(self) -> str:
        folds = "  ".join(f"f{k} {s.f1:.4f}" for k, s in self.by_fold.items())
        return f"P {self.precision:.4f}  R {self.recall:.4f}  F1 {self.f1:.4f}  ({folds})"


def score_folds(pages: Sequence[Page], outputs: Sequence[str]) -> FoldScores:
    """Score `outputs[i]` against `pages[i]`'s gold; aggregate per fold and over all pages."""
    if len(outputs) != len(pages):
        raise ValueError(f"{len(outputs)} outputs for {len(pages)} pages")
    per_page = [score_page(out, page.gold_shingles) for page, out in zip(pages, outputs, strict=True)]
    by_fold = {k: aggregate(s for s, p in zip(per_page, pages, strict=True) if p.fold == k)
               for k in fold_numbers(pages)}
    return FoldScores(by_fold, aggregate(per_page))


@dataclass(frozen=True)
class RuleSpec:
    """Which rule packs clean a page: the bundled ones (less the files named in `drop`, by file stem,
    e.g. a shipped model trained on all folds) plus the files or folders in `packs`, under `profile`
    (`article`, the default, or `body`)."""

    packs: tuple[str, ...] = ()
    defaults: bool = True
    drop: tuple[str, ...] = field(default=())
    profile: str = "article"

    def load(self) -> cleaner.RuleSet:
        if not self.drop:
            return cleaner.load_rules(list(self.packs), defaults=self.defaults, profile=self.profile)
        bundled = [p for p in sorted(default_rules_dir().glob("*.toml")) if p.stem not in self.drop]
        return cleaner.load_rules([*(bundled if self.defaults else []), *self.packs], defaults=False,
                                  profile=self.profile)


_worker_rules: cleaner.RuleSet | None = None


def _init_worker(spec: RuleSpec) -> None:
    global _worker_rules
    _worker_rules = spec.load()


def _clean_one(job: tuple[str, Path, str | None]) -> str:
    input_name, path, url = job
    if input_name == "html":
        return cleaner.clean_file(path, rules=_worker_rules, url=url).text
    return cleaner.clean(path.read_text("utf-8"), rules=_worker_rules, url=url).text


def clean_pages(pages: Sequence[Page], input_name: str, spec: RuleSpec = RuleSpec(), jobs: int = 1) -> list[str]:
    """The cleaner's output for each page's `input_name` (full.txt, recall.txt, gold.txt or html,
    the HTML through cleaner.clean_file) with the rules of `spec`; `jobs` worker processes."""
    work = [(input_name, p.path(input_name), p.url) for p in pages]
    if jobs <= 1 or len(work) < 8:
        _init_worker(spec)
        return [_clean_one(w) for w in work]
    with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(spec,)) as pool:
        return list(pool.map(_clean_one, work, chunksize=max(1, len(work) // (jobs * 8))))


Fitter = Callable[[list[Page], str, Path], RuleSpec]
"""fit(training pages, input name, scratch folder) -> the RuleSpec that cleans the held-out fold.
The input name is the one about to be cleaned: full.txt, recall.txt, html, or gold.txt (quality.py's
check of what the rules remove from the gold bodies: fit what would ship by default)."""


def constant(spec: RuleSpec = RuleSpec()) -> Fitter:
    """A fitter that fits nothing: the same rules for every fold."""
    def fit(train: list[Page], input_name: str, workdir: Path) -> RuleSpec:
        return spec
    fit.constant = spec  # type: ignore[attr-defined]  # lets out_of_fold clean in one pass
    return fit


def clean_results(pages: Sequence[Page], input_name: str, spec: RuleSpec = RuleSpec(),
                  jobs: int = 1) -> list[cleaner.CleanResult]:
    """Like clean_pages, in this process, keeping each page's CleanResult (its removals and rules)."""
    rules = spec.load()
    if input_name == "html":
        return [cleaner.clean_file(p.path("html"), rules=rules, url=p.url) for p in pages]
    return [cleaner.clean(p.text(input_name), rules=rules, url=p.url) for p in pages]


def out_of_fold(pages: Sequence[Page], input_name: str, fitter: Fitter, jobs: int = 1,
                clean: Callable[[Sequence[Page], str, RuleSpec, int], list] = clean_pages) -> list:
    """`clean`'s result (by default the output text) for every page, each page cleaned by rules
    fitted on the other folds' pages only."""
    spec = getattr(fitter, "constant", None)
    if spec is not None:
        return clean(pages, input_name, spec, jobs)
    own = getattr(fitter, "out_of_fold", None)  # a fitter that also fits what cleaning does before the rules
    if own is not None and clean is clean_pages and (outputs := own(pages, input_name, jobs)) is not None:
        return outputs
    outputs: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="cleaner-fold-") as scratch:
        for k in fold_numbers(pages):
            train = [p for p in pages if p.fold != k]
            held_out = [p for p in pages if p.fold == k]
            workdir = Path(scratch) / f"fold{k}"
            workdir.mkdir()
            fold_spec = fitter(train, input_name, workdir)
            outputs.update(zip((p.id for p in held_out), clean(held_out, input_name, fold_spec, jobs),
                               strict=True))
    return [outputs[p.id] for p in pages]
