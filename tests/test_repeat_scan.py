"""`repeat`'s scan (every window's first place found in C, then only the places a copy can start)
against the reference that walks every window: the same copies on documents full of repeats."""

from __future__ import annotations

import random

import pytest

from cleaner.lines import split_lines
from cleaner.rules.kinds import Document
from cleaner.rules.kinds.repeat import RepeatRule, reference_copies


def _document(rng: random.Random) -> Document:
    # few distinct lines, so blocks repeat, overlap, recur three times and straddle earlier copies
    words = ["alpha beta gamma", "delta", "epsilon zeta eta theta", "", "iota kappa", "lambda mu nu xi"]
    lines = [rng.choice(words) for _ in range(rng.randrange(0, 60))]
    return Document(split_lines("\n".join(lines)), {}, 1.0)


@pytest.mark.parametrize("min_lines,min_chars", [(1, 0), (2, 0), (3, 20), (3, 120), (4, 10)])
def test_copies_match_the_reference(min_lines, min_chars):
    rule = RepeatRule(id="r", pack_id="p", rationale="r", min_lines=min_lines, min_chars=min_chars)
    rng = random.Random(min_lines * 1000 + min_chars)
    for _ in range(3000):
        doc = _document(rng)
        assert list(rule._copies(doc)) == list(reference_copies(rule, doc))


def test_a_window_first_seen_inside_a_copy_counts_from_its_next_place():
    # A B C D is copied at 4; the window (B, C, D) at 5 lies inside that copy, which the reference never
    # visits, so the later B C D at 9 is its first visit: no copy there, as the reference says
    rule = RepeatRule(id="r", pack_id="p", rationale="r", min_lines=3, min_chars=0)
    doc = Document(split_lines("A\nB\nC\nX\nA\nB\nC\nY\nZ\nB\nC\nY\n"), {}, 1.0)
    assert list(rule._copies(doc)) == list(reference_copies(rule, doc))
