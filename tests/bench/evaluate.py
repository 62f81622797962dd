"""Extraction quality against gold bodies: the article-extraction-benchmark's shingle metric.

Text is split into `\\w+` tokens and turned into a multiset of 4-token shingles. Per page, the
overlap with the gold multiset (tp), the predicted-only part (fp) and the gold-only part (fn) are
normalised so that tp + fp + fn = 1; precision is averaged over pages with any prediction, recall
over pages with any gold, and F1 is the harmonic mean of the two averages.

Also here: WCXB's snippet check (`snippet_found`). The reference methods are in references.py, the
dev set and its folds in devset.py, the evaluation command in quality.py.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

SHINGLE = 4
_TOKEN = re.compile(r"\w+")


def shingles(text: str, n: int = SHINGLE) -> Counter:
    """The multiset of n-token shingles of `text` (a text shorter than n tokens is one shingle)."""
    tokens = _TOKEN.findall(text or "")
    if 0 < len(tokens) < n:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


@dataclass(frozen=True)
class PageScore:
    """Normalised overlap of one prediction with its gold (tp + fp + fn = 1, or all 0)."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


def score_page(predicted: str, gold: str | Counter) -> PageScore:
    """Shingle overlap of one predicted body with its gold body (its text, or its `shingles`)."""
    pred, ref = shingles(predicted), (gold if isinstance(gold, Counter) else shingles(gold))
    tp = sum((pred & ref).values())
    fp = sum(pred.values()) - tp
    fn = sum(ref.values()) - tp
    total = tp + fp + fn
    return PageScore(tp / total, fp / total, fn / total) if total else PageScore(0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Score:
    """Precision, recall and F1 over a corpus (averages of the per-page figures)."""

    precision: float
    recall: float
    f1: float
    pages: int


def aggregate(pages: Iterable[PageScore]) -> Score:
    """Average per-page precision (pages with a prediction) and recall (pages with gold); F1 of the two."""
    pages = list(pages)
    precisions = [p.precision for p in pages if p.precision is not None]
    recalls = [p.recall for p in pages if p.recall is not None]
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, len(pages))


def _snippet_form(text: str) -> str:
    return " ".join(text.split()).lower()


def snippet_found(snippet: str, output: str) -> bool:
    """WCXB's snippet check: the snippet occurs in the output, whitespace runs collapsed, case ignored.
    (This reading reproduces the issue's figures for recall.txt with no cleaning: 0.054 of the
    `without` snippets left, 0.861 of the `with` snippets kept, counted over all snippets.)"""
    return _snippet_form(snippet) in _snippet_form(output)
