"""A learned choice of the HTML extraction per page, scored out-of-fold on the raw extractions.

    python tests/bench/html_selector.py [--cache DIR] [--model logit|tree|gbm]

`cleaner/io/html.py` takes favor_recall's text, the default settings' or trafilatura's baseline by
four hand-set gates (`ExtractionParams`). Pooled over the dev pages, the shipped gates' raw texts
score below the best of the three candidates per page; this asks whether a classifier over cheap
page-level features of the candidates finds that best text. Features per page: the `<p>` text
length, each candidate's length against it and its characters per line, and the six shingle
containments between the candidates (`_contained_share`). The target is the candidate with the best
raw F1 on the page, each page weighted by how much that beats the shipped choice. Per held-out fold
the classifier is fitted on the other four, and so is the margin by which a candidate's probability
must beat the shipped choice's before it replaces it (a grid, scored by the pooled F1 of the
training pages' raw texts, never switching included). Printed: per fold, the shipped choice's raw
F1 and the selector's, and how many pages it switched. Not shipped (README, HTML path): computing
all three candidates on every page would cost about a second trafilatura run per page.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from devset import DEFAULT_DEVSET, FOLDS_FILE, fold_numbers, load_pages  # noqa: E402
from evaluate import score_page  # noqa: E402
from html_params import CANDIDATES, Found, candidates  # noqa: E402

from cleaner.io.html import PARAMS, _contained_share, choose_text  # noqa: E402

MARGINS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.01)  # 1.01: never switch


def features(found: Found) -> list[float]:
    """The page-level features of a page's candidates (see the module docstring)."""
    paragraphs = max(found.paragraphs, 1)
    texts = [getattr(found, name) for name in CANDIDATES]
    out = [math.log(paragraphs)]
    for text in texts:
        out += [math.log((len(text) + 1) / paragraphs), math.log((len(text) + 1) / (text.count("\n") + 1))]
    out += [_contained_share(a, b) if a and b else 0.0
            for i, a in enumerate(texts) for j, b in enumerate(texts) if i != j]
    return out


def _pooled(scores: Any) -> float:
    """The metric's F1 (evaluate.aggregate) of an array of (precision, recall) rows, NaN for none."""
    import numpy as np

    precision, recall = np.nanmean(scores[:, 0]), np.nanmean(scores[:, 1])
    return float(2 * precision * recall / (precision + recall)) if precision + recall else 0.0


def _model(name: str) -> Callable[[], Any]:
    from sklearn.ensemble import GradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.tree import DecisionTreeClassifier

    return {"logit": lambda: LogisticRegression(C=1.0, max_iter=2000),
            "tree": lambda: DecisionTreeClassifier(max_depth=3, min_samples_leaf=10, random_state=0),
            "gbm": lambda: GradientBoostingClassifier(n_estimators=100, max_depth=2, random_state=0)}[name]


def _pick(proba: Any, classes: list[int], shipped: Any, rows: Any, margin: float) -> Any:
    """The shipped choice, except on `rows` where another candidate's probability beats it by `margin`."""
    out = shipped.copy()
    for i in rows:
        best = int(proba[i].argmax())
        own = proba[i, classes.index(shipped[i])] if shipped[i] in classes else 0.0
        if classes[best] != shipped[i] and proba[i, best] - own > margin:
            out[i] = classes[best]
    return out


def selector_out_of_fold(pages: Sequence[Any], cache: Path | None, model: str) -> list[str]:
    """Per fold, the shipped choice's raw F1 against the selector's (fitted on the other folds)."""
    import numpy as np
    from sklearn.preprocessing import StandardScaler

    found = [candidates(page, cache) or Found("", "", "", 0) for page in pages]
    X = np.array([features(f) for f in found])  # noqa: N806 - the usual name of a design matrix
    raw = [[score_page(getattr(f, name), page.gold_shingles) for name in CANDIDATES]
           for f, page in zip(found, pages, strict=True)]
    pr = np.array([[[np.nan if s.precision is None else s.precision, np.nan if s.recall is None else s.recall]
                    for s in row] for row in raw])
    f1 = np.nan_to_num(2 * pr[..., 0] * pr[..., 1] / np.maximum(pr[..., 0] + pr[..., 1], 1e-12))
    shipped = np.array([CANDIDATES.index(choose_text(f, PARAMS)[1]) for f in found])
    folds = np.array([page.fold for page in pages])
    picked, lines = shipped.copy(), []
    for fold in fold_numbers(pages):
        train, held = np.flatnonzero(folds != fold), np.flatnonzero(folds == fold)
        scale = StandardScaler().fit(X[train])
        fitted = _model(model)().fit(scale.transform(X[train]), f1[train].argmax(1),
                                     sample_weight=f1[train].max(1) - f1[train, shipped[train]] + 1e-3)
        proba, classes = fitted.predict_proba(scale.transform(X)), list(fitted.classes_)

        margin = max((_pooled(pr[train, _pick(proba, classes, shipped, train, m)[train]]), m) for m in MARGINS)[1]
        picked[held] = _pick(proba, classes, shipped, held, margin)[held]
        lines.append(f"fold {fold}: shipped {_pooled(pr[held, shipped[held]]):.4f}, selector "
                     f"{_pooled(pr[held, picked[held]]):.4f} (margin {margin}, {(picked[held] != shipped[held]).sum()}"
                     " pages switched)")
    index = np.arange(len(pages))
    lines.append(f"all: shipped {_pooled(pr[index, shipped]):.4f}, selector {_pooled(pr[index, picked]):.4f}, "
                 f"best candidate per page {_pooled(pr[index, f1.argmax(1)]):.4f}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--devset", type=Path, default=DEFAULT_DEVSET)
    parser.add_argument("--folds", type=Path, default=FOLDS_FILE)
    parser.add_argument("--cache", type=Path, help="folder caching each page's candidate texts (html_params.py)")
    parser.add_argument("--model", choices=("logit", "tree", "gbm"), default="logit")
    args = parser.parse_args(argv)
    print("\n".join(selector_out_of_fold(load_pages(args.devset, args.folds), args.cache, args.model)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
