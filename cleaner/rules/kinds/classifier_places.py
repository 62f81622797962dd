"""Where a `line_classifier` acts, read off a document: its sentence lines, the article's headline, and the lines
that belong to a sentence broken across lines. Pure functions of the document's lines and claims."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cleaner.rules import headline
from cleaner.rules.kinds.base import Document
from cleaner.rules.kinds.context import sentences_among
from cleaner.rules.line_facts import CONSTANTS

_SENTENCE_LINES = "line_classifier.sentence_lines"  # Document.memo's key (`sentence_lines`)
_INSIDE = "line_classifier.inside_candidates"  # and `inside_candidates`'
_BOXES = "line_classifier.box_blocks"  # and `box_blocks`' (with the most lines)
SENTENCE_END = frozenset(".!?")  # what ends a sentence to the classifiers (`line_terms`' "#end", `bar`)
_LIST_MARKS = CONSTANTS["bullets"]  # a line starting with one is a list item (as the line model reads it)


def sentence_lines(doc: Document) -> list[int]:
    """The indices of `doc`'s sentence lines (`context.sentences_among`), found once for its lines: the six rules
    of a pack each ask, and a text without prose would be read to its end by each. Held in `Document.memo`
    with the `keys` they index, since one memo serves every reading of a text (its lines, its paragraphs)."""
    held = doc.memo.get(_SENTENCE_LINES)
    if held is None or held[0] is not doc.keys:
        keys = doc.keys
        held = doc.memo[_SENTENCE_LINES] = (keys, sentences_among(doc, keys))
    return held[1]


def headline_line(doc: Document) -> int:
    """The index of `doc`'s headline line, or -1: the first line no rule removed, when it is `headline.above` the
    first of its sentence lines no rule removed (over its non-blank lines), its words checked against all such
    lines. Unlike the line model's headline (`headline.find`, above the main run of prose), it stands above the
    article's first paragraph even when furniture in the middle of the article splits the prose. Asked only
    when a classifier would remove a line."""
    rows = [i for i, key in enumerate(doc.keys) if key]
    claimed, sentences = doc.claimed, set(sentence_lines(doc))
    removed = [claimed[i] is not None for i in rows]
    prose = [i in sentences and not gone for i, gone in zip(rows, removed, strict=True)]
    prose_rows = [k for k, is_prose in enumerate(prose) if is_prose]
    if not prose_rows:
        return -1
    k = headline.above([doc.keys[i] for i in rows], prose_rows[0], prose, prose_rows, removed, min_stems=2)
    # Without the line model's stop words, a label's function words ("More from this author") can meet the
    # prose's: the headline is also the first line standing, every line above it removed by some rule.
    return rows[k] if k >= 0 and all(removed[:k]) else -1


def inside_candidates(doc: Document) -> list[int]:
    """The lines a classifier may take inside the prose (`inside_threshold`): not blank, no sentence (a sentence
    line, or one ending in .!?), no list item, no part of a sentence broken across lines (`runs_on`). Found once
    per reading of a text (`Document.memo`), as `sentence_lines` is: each rule asks on each pass."""
    held = doc.memo.get(_INSIDE)
    if held is None or held[0] is not doc.keys:
        keys, sentences = doc.keys, set(sentence_lines(doc))
        found = [i for i, key in enumerate(keys) if key and i not in sentences and key[-1] not in SENTENCE_END
                 and key[0] not in _LIST_MARKS and not runs_on(keys, i)]
        held = doc.memo[_INSIDE] = (keys, found)
    return held[1]


def box_blocks(doc: Document, most: int) -> list[tuple[int, int]]:
    """The first and last line of each block of `doc` (its lines between two blank lines) of 2 to `most` lines,
    none a list item: where a classifier may find a box (`box_lines`). Found once per reading of a text and
    `most` (`Document.memo`), as `inside_candidates` is: six rules ask on each pass."""
    key = f"{_BOXES}.{most}"
    held = doc.memo.get(key)
    if held is None or held[0] is not doc.keys:
        held = doc.memo[key] = (doc.keys, blocks(doc.keys, most))
    return held[1]


def boxes(doc: Document, most: int, bounds: tuple[int, int] | None, score: Callable[[Document, int], float],
          bar: Callable[[str], float], least: float) -> list[tuple[int, float]]:
    """The lines (and their scores) standing in a box inside the prose (`box_lines`), between the first and the last
    prose line (`bounds`; None: no prose): in a layout with blank lines between blocks an article's paragraph is a
    block of one line, and a block of a few lines between two of them, no list item (`box_blocks`), each line
    standing a classifier's kind of furniture by its words (`score` at least `least`) and one surely so (its
    `bar`), is a box a page set there (a hiring notice over its pitch and button, a paywall's two lines), even
    where its lines read as sentences. The article's headline is none."""
    if bounds is None:
        return []
    keys, claimed, head, taken = doc.keys, doc.claimed, None, []
    for first, last in box_blocks(doc, most):
        if not bounds[0] < first <= last < bounds[1]:
            continue
        standing = [i for i in range(first, last + 1) if claimed[i] is None]
        scores = [score(doc, i) for i in standing]
        if not standing or min(scores) < least or not any(p >= bar(keys[i]) for i, p in zip(standing, scores,
                                                                                           strict=True)):
            continue
        head = headline_line(doc) if head is None else head  # (asked only once a block qualifies)
        if head not in standing:
            taken += zip(standing, scores, strict=True)
    return taken


def blocks(keys: Sequence[str], most: int) -> list[tuple[int, int]]:
    """The blocks of stripped lines `keys` that `box_blocks` reads: 2 to `most` lines with a blank line right above
    and below, no line starting with a list mark."""
    blank = [i for i, key in enumerate(keys) if not key]
    return [(above + 1, below - 1) for above, below in zip(blank, blank[1:], strict=False)
            if 2 <= below - above - 1 <= most and not any(keys[i][0] in _LIST_MARKS for i in range(above + 1, below))]


def runs_on(keys: Sequence[str], index: int) -> bool:
    """Whether the stripped line `keys[index]` is part of a sentence broken across lines: the next line goes on in
    lower case ("Follow us" over "was the name of their first single, ..."), or it does itself under a line
    ending no sentence. A label over a blank line, or over a capitalised line, is none."""
    below = keys[index + 1][:1] if index + 1 < len(keys) else ""
    above = keys[index - 1][-1:] if index > 0 else ""
    return below.islower() or (keys[index][:1].islower() and above not in ("", *SENTENCE_END))
