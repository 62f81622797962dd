"""The learned extraction choice's bench script (tests/bench/html_selector.py): its features and the
margin by which a candidate must beat the shipped choice."""

from __future__ import annotations

import sys

import numpy as np

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "tests" / "bench"))

import html_selector  # noqa: E402
from html_params import Found  # noqa: E402


def test_features_read_lengths_against_the_paragraph_text_and_the_containments():
    body = "one two three four five six seven eight nine ten"
    values = html_selector.features(Found(body, body + " eleven", "", len(body)))
    assert len(values) == 1 + 2 * 3 + 6
    assert values[1] == np.log((len(body) + 1) / len(body))  # favor_recall's length against the <p> text
    assert values[7:10] == [1.0, 0.0, 7 / 8]  # favor_recall in default, in an empty baseline; default in favor_recall


def test_a_candidate_replaces_the_shipped_choice_only_by_more_than_the_margin():
    proba = np.array([[0.5, 0.2, 0.3], [0.1, 0.2, 0.7]])
    shipped = np.array([0, 0])
    assert list(html_selector._pick(proba, [0, 1, 2], shipped, [0, 1], 0.5)) == [0, 2]
    assert list(html_selector._pick(proba, [0, 1, 2], shipped, [0, 1], 0.6)) == [0, 0]
    assert list(html_selector._pick(proba, [0, 1, 2], shipped, [0], 0.0)) == [0, 0]  # only the rows asked about
