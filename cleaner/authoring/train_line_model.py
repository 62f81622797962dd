"""Train the line model (kind `line_model`) from a gold-aligned corpus and write its rule file.

    python -m cleaner.authoring.train_line_model --devset ../shared/devset -o rules/line_model.toml
    python -m cleaner.authoring.train_line_model --devset ../shared/devset --oof   # figures only

The corpus is laid out like the dev set (`<id>.gold.txt`, `<id>.full.txt`, `<id>.recall.txt`,
`<id>.url`, optional `<id>.meta.json` with the title). The feature parameters, thresholds grid and
examples come from `--params` (default: the output file when it exists): only the weights and the
chosen thresholds are rewritten. Each non-blank line of both inputs is a training row, labelled by
`authoring/line_model_data.py`, weighted by its share of its page's shingles (the metric weighs
pages alike and lines by their tokens). The model is scikit-learn's logistic regression on
standardised features (lbfgs, deterministic), folded back to plain weights; thresholds are the best
pair (removal, veto) per regime (whole page, extract) on the training pages. Same data, same weights.

With `--oof` it reports out-of-fold figures instead: per fold of `--folds`, train on the other folds
and clean the held-out pages with the default rules and the trained model (the real engine).
scikit-learn is a development dependency (`pip install -e '.[dev]'`); cleaning never needs it.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import sys
import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from cleaner.authoring.line_model_data import Example, Gold, examples
from cleaner.authoring.toml_out import dump_pack
from cleaner.evaluate import PageScore, Score, aggregate, score_page, shingles
from cleaner.rules.kinds.line_model import NEVER, LineModelRule
from cleaner.rules.loader import load_pack, load_rules
from cleaner.rules.ruleset import RulePack, RuleSet

VARIANTS = ("full.txt", "recall.txt")
THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, NEVER)
VETOES = (0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9)
TRAINED = ("threshold", "veto_below", "extract_threshold", "extract_veto_below")  # fields the trainer sets
_TOKEN = re.compile(r"\w+")


@dataclass
class Page:
    """One page of the corpus: its inputs, gold body, title, host and fold."""

    id: str
    texts: dict[str, str]
    gold: str
    title: str
    domain: str | None
    fold: int
    hints: dict | None = None  # what the HTML page says about each line of texts["html"]


def load_corpus(devset: Path, folds: dict[str, int] | None, variants: Sequence[str] = VARIANTS,
                hints_cache: Path | None = None) -> list[Page]:
    """The corpus's pages. The "html" variant is the page's favor_recall extraction with its line hints,
    computed as `cleaner.clean_file` does (slow: three extractions a page), or read from `hints_cache`."""
    pages = []
    for gold_path in sorted(devset.glob("*.gold.txt")):
        page_id = gold_path.name.removesuffix(".gold.txt")
        meta_path = devset / f"{page_id}.meta.json"
        meta = json.loads(meta_path.read_text("utf-8")) if meta_path.exists() else {}
        url_path = devset / f"{page_id}.url"
        url = url_path.read_text("utf-8").strip() if url_path.exists() else ""
        texts = {v: (devset / f"{page_id}.{v}").read_text("utf-8") for v in variants
                 if v != "html" and (devset / f"{page_id}.{v}").exists()}
        hints = None
        if "html" in variants and (devset / f"{page_id}.html").exists():
            text, hints = _html_input(devset / f"{page_id}.html", url or None, hints_cache)
            if text is not None:
                texts["html"] = text
        pages.append(Page(page_id, texts, gold_path.read_text("utf-8"), meta.get("title") or "",
                          urlsplit(url).hostname if url else None, (folds or {}).get(page_id, 0), hints))
    return pages


def _html_input(path: Path, url: str | None, cache: Path | None) -> tuple[str | None, dict | None]:
    cached = cache / f"{path.name.removesuffix('.html')}.json" if cache else None
    if cached and cached.exists():
        data = json.loads(cached.read_text("utf-8"))
        return data["text"], data.get("hints")
    from cleaner.errors import InputError
    from cleaner.io.html import extract_html
    from cleaner.io.html_lines import page_hints

    raw = path.read_bytes()
    try:
        text, _ = extract_html(raw, str(path), url)
        hints = page_hints(raw, text, url)
    except InputError:
        text, hints = None, None
    if cached:
        cached.write_text(json.dumps({"text": text, "hints": hints}), "utf-8")
    return text, hints


def base_rules(pack: RulePack) -> RuleSet:
    """The default rules without any line model: what the model's features see other rules remove."""
    rules = load_rules()
    return rules.only(r.id for r in rules.rules() if r.kind != "line_model" and r.pack_id != pack.id)


@dataclass
class Rows:
    """Training rows of many documents, with each document's examples kept for threshold search."""

    docs: list[tuple[Page, str, Example, Example]]

    def matrix(self) -> tuple[list[list[float]], list[int], list[float]]:
        X, y, w = [], [], []
        for _, _, first, later in self.docs:
            for ex in (first, later):
                X += ex.rows
                y += ex.labels
                w += _page_weights(ex.texts)
        return X, y, w


def _page_weights(texts: Sequence[str]) -> list[float]:
    """Each line's share of its page's shingles (x100): the metric weighs pages alike, lines by tokens."""
    sizes = [max(1, len(_TOKEN.findall(t)) - 3) for t in texts]
    total = sum(sizes) or 1
    return [100.0 * s / total for s in sizes]


def build_rows(pages: Iterable[Page], rule: LineModelRule, rules: RuleSet, min_share: float) -> Rows:
    docs = []
    for page in pages:
        gold = Gold.of(page.gold, page.title)
        for variant, text in sorted(page.texts.items()):
            hints = page.hints if variant == "html" else None
            first, later = examples(text, gold, rules, rule.spec, min_share, page.domain, hints)
            docs.append((page, variant, first, later))
    return Rows(docs)


def fit(X: list[list[float]], y: list[int], w: list[float], names: Sequence[str], c: float) -> dict[str, float]:
    """Logistic regression on standardised features, returned as plain weights (and `bias`)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    A = np.asarray(X, dtype=float)
    mean, scale = A.mean(axis=0), A.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, max_iter=1000)
    model.fit((A - mean) / scale, np.asarray(y), sample_weight=np.asarray(w))
    coef = model.coef_[0] / scale
    weights = {"bias": round(float(model.intercept_[0] - (coef * mean).sum()), 6)}
    weights.update({name: round(float(value), 6) for name, value in zip(names, coef, strict=True)
                    if round(float(value), 6)})
    return weights


def _kept_text(ex: Example, probabilities: Sequence[float], threshold: float, veto: float) -> str:
    kept = [t for t, owner, p in zip(ex.texts, ex.removed, probabilities, strict=True)
            if (owner is None and p < threshold) or (owner is not None and p < veto)]
    return "\n".join(kept)


def _page_score(predicted: str, gold: Counter) -> PageScore:
    """`score_page` against a gold body's shingles computed once (the threshold search scores a page often)."""
    pred = shingles(predicted)
    tp = sum((pred & gold).values())
    total = sum(pred.values()) + sum(gold.values()) - tp
    return PageScore(tp / total, (sum(pred.values()) - tp) / total, (sum(gold.values()) - tp) / total) \
        if total else PageScore(0.0, 0.0, 0.0)


def choose_thresholds(rule: LineModelRule, rows: Rows) -> dict[str, float]:
    """The (removal, veto) pair per regime that scores best on these documents' first pass."""
    model = rule.model
    page_index = rule.spec.names.index("doc_short_share")
    scored: dict[bool, list] = {True: [], False: []}
    for page, _, first, _ in rows.docs:
        if first.rows:
            page_like = first.rows[0][page_index] >= rule.page_short_share
            scored[page_like].append((shingles(page.gold), first, [model.probability(r) for r in first.rows]))
    chosen = {}
    for page_like, docs in scored.items():
        best = max(((aggregate(_page_score(_kept_text(ex, ps, t, v), gold) for gold, ex, ps in docs).f1, -t, v)
                    for t in THRESHOLDS for v in VETOES), default=(0.0, -NEVER, 0.0))
        prefix = "" if page_like else "extract_"
        chosen[f"{prefix}threshold"], chosen[f"{prefix}veto_below"] = -best[1], best[2]
    return chosen


def train(rows: Rows, rule: LineModelRule, c: float) -> LineModelRule:
    """The rule with weights and thresholds fitted on these rows."""
    X, y, w = rows.matrix()
    trained = dataclasses.replace(rule, weights=fit(X, y, w, rule.spec.names, c))
    return dataclasses.replace(trained, **choose_thresholds(trained, rows))


def score(pages: Sequence[Page], variant: str, rules: RuleSet) -> Score:
    from cleaner.engine.decide import apply_rules

    return aggregate(score_page(apply_rules(p.texts[variant], rules, p.domain,
                                            p.hints if variant == "html" else None).text, p.gold)
                     for p in pages if variant in p.texts)


def with_rule(rules: RuleSet, pack: RulePack, rule: LineModelRule) -> RuleSet:
    model_pack = dataclasses.replace(pack, rules=(rule,))
    return RuleSet((*rules.packs, model_pack), rules.timeout)


def out_of_fold(pages: Sequence[Page], pack: RulePack, rule: LineModelRule, min_share: float, c: float,
                variants: Sequence[str] = VARIANTS, out=sys.stdout) -> dict[str, list[float]]:
    """Per fold: train on the other folds' rows, clean the fold's pages with the rules and that model."""
    rules = base_rules(pack)
    rows = build_rows(pages, rule, rules, min_share)
    figures: dict[str, list[float]] = {v: [] for v in variants}
    for fold in sorted({p.fold for p in pages}):
        trained = train(Rows([d for d in rows.docs if d[0].fold != fold]), rule, c)
        held_out = [p for p in pages if p.fold == fold]
        both = with_rule(rules, pack, trained)
        for variant in variants:
            alone = aggregate(score_page(_kept_text(first, [0.0] * len(first.texts), NEVER, 0.0), page.gold)
                              for page, v, first, _ in rows.docs if v == variant and page.fold == fold)
            with_model = score(held_out, variant, both)
            figures[variant].append(with_model.f1)
            print(f"fold {fold} {variant}: rules {alone.f1:.4f} -> rules + model {with_model.f1:.4f} "
                  f"(P {with_model.precision:.3f} R {with_model.recall:.3f}; thresholds "
                  f"{trained.threshold}/{trained.veto_below}, extract {trained.extract_threshold}/"
                  f"{trained.extract_veto_below})", file=out, flush=True)
    for variant, values in figures.items():
        print(f"{variant}: out-of-fold F1 {sum(values) / len(values):.4f} "
              f"(folds {' '.join(f'{v:.4f}' for v in values)})", file=out)
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devset", type=Path, required=True, help="corpus folder laid out like the dev set")
    parser.add_argument("-o", "--output", type=Path, default=Path("rules/line_model.toml"))
    parser.add_argument("--params", type=Path, help="rule file giving feature parameters (default: --output)")
    parser.add_argument("--folds", type=Path, default=Path("tests/data/devset_folds.json"))
    parser.add_argument("--oof", action="store_true", help="print out-of-fold figures; write nothing")
    parser.add_argument("--label-share", type=float, default=0.0,
                        help="a line is body when this share of its shingles is in the gold (0: any)")
    parser.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    parser.add_argument("--rule", help="id of the line_model rule to train (default: the first)")
    parser.add_argument("--hints-cache", type=Path, help="folder caching each HTML page's extraction and hints")
    args = parser.parse_args(argv)
    pack = load_pack(args.params or args.output)
    rule = next(r for r in pack.rules if isinstance(r, LineModelRule) and args.rule in (None, r.id))
    variants = ("html",) if rule.input == "html" else VARIANTS
    folds = json.loads(args.folds.read_text("utf-8"))["fold"] if args.folds.exists() else None
    if args.hints_cache:
        args.hints_cache.mkdir(parents=True, exist_ok=True)
    pages = load_corpus(args.devset, folds, variants, args.hints_cache)
    if args.oof:
        out_of_fold(pages, pack, rule, args.label_share, args.c, variants)
        return 0
    trained = train(build_rows(pages, rule, base_rules(pack), args.label_share), rule, args.c)
    raw = tomllib.loads((args.params or args.output).read_text("utf-8"))
    table = next(r for r in raw["rules"] if r.get("id") == rule.id)
    table.update({name: getattr(trained, name) for name in TRAINED})
    table["weights"] = dict(trained.weights)
    comment = (f"Written by `python -m cleaner.authoring.train_line_model` from {len(pages)} pages "
               f"(labels: --label-share {args.label_share}, --c {args.c}).\n"
               "Edit the feature parameters and examples here; the weights and thresholds are rewritten.")
    args.output.write_text(dump_pack(raw, comment), "utf-8")
    print(f"wrote {args.output}: {len(dict(trained.weights))} weights, thresholds {trained.threshold}/"
          f"{trained.veto_below}, extract {trained.extract_threshold}/{trained.extract_veto_below}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
