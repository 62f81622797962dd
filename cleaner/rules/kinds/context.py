"""The `context` condition of the pattern kinds (`line`, `list_run`): a match that sits inside the
article's prose is left alone unless it stands as furniture.

Wording that names furniture ("accept all cookies", "click here", "related:", "newsletter",
"share") also occurs in articles that report on it. With `context = "standalone"` a rule removes a
match only where it stands apart from the article's prose; `"any"` (the default) removes it
wherever it is. The terms, decided here once for every kind:

- A **sentence** is a line (stripped) of at least `SENTENCE_WORDS` words that ends in sentence
  punctuation (`. ! ? : ; …`, then optionally closing quotes or brackets) and is not set in
  headline case: fewer than `HEADLINE_SHARE` of its words after the first start with a capital.
- A **prose line** is a non-blank line no rule has removed (and, for the line kind, that the same
  rule does not match) which is a sentence.
- A **lead-in** is a non-blank line no rule has removed that ends in a colon ("The winners were:").
- The neighbours of a line or run are the nearest non-blank lines above and below it.

`line`: a matching line stays when it is a sentence, occurs once in the document and both its
neighbours are prose lines. It goes when it is short or not a sentence, at the edge of a block (a
neighbour is missing, a heading, a list item without punctuation...), next to a removed or
matching line, or repeated.

`label` (`line`; a `list_run` reads it as `standalone`): for a short label ("Follow us") that an
article may quote on its own line, as a title split from its sentence: a matching line stays when
both its neighbours are prose lines, whatever the line itself is. A label over buttons, at the end
of the text or beside other furniture goes.

`list_run`: a run stays when the line above it is a lead-in, or both its neighbours are prose
lines: the article's own list (award winners, steps, a shortlist). A run under a bare heading,
next to other furniture, at the edge of the page or followed by a short credit line goes.

`article` (`list_run` only; for menus of short items, which an article's own lists resemble
word for word): a run stays when `standalone` keeps it, or when prose lines lie within
`ARTICLE_LINES` kept non-blank lines both above and below it, list items not counted: a list
between a section's heading or prose and the next paragraph is the article's (products, a kit
list, services), and so are a review's lists under their own short headings ("Pros", list,
"Cons", list, "Services", list) between two paragraphs. A navigation menu sits among other
furniture, at the edge of the page, or beside lines the rules removed (a removed line ends the
search).

`article_wide` (`list_run` only; for menus of short items, whose false hits in articles are lists of
short phrases): a run stays when `article` keeps it, or when it holds no removed line, a paragraph
(a prose line not cut off with an ellipsis, as a teaser is) lies within `ARTICLE_LINES` on one
side, and on the other a paragraph at any distance or (below only) the end of the text, with no
removed line between: the article's closing lists (its links, contributors, resources) and a long
section of short lists under headings (a listicle's items) are the article's. A menu at the top
of a text has no prose above it; a footer's menus hold or sit beside lines the rules removed
(policy links, copyright, share and sign-up lines).

"Removed" means claimed by a rule that ran before this one (blocks before lines, lines before list
runs; within a kind, earlier packs and rules first), so the decision does not depend on rules
that run later.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from cleaner.rules.kinds.base import Document, Rule, option
from cleaner.rules.kinds.prose_window import CONSTANTS_COMPILED as PROSE_CONSTANTS_COMPILED
from cleaner.rules.kinds.prose_window import is_sentence_like
from cleaner.search import linefast

SENTENCE_WORDS = 8
HEADLINE_SHARE = 0.6
ARTICLE_LINES = 8  # 3 before issue 12's precision work: a review's "Pros"/"Cons"/"Services" lists went
CONTEXTS = ("any", "standalone", "label", "article", "article_wide")
_ITEM_MARKS = frozenset("*+•·▪◦‣-–")
_CUT_OFF = ("...", "…", "[…]", "[...]")  # a teaser's excerpt of another page ends so
_SENTENCES = "context.sentences"  # Document.memo's key: is_sentence of each text asked about
_TERMS = (SENTENCE_WORDS, ARTICLE_LINES, HEADLINE_SHARE)  # what the compiled checks take last
# the compiled checks (search/linefast.py) assume these constants and prose_window's: any change runs Python
CONSTANTS_COMPILED = linefast.CONTEXT_CONSTANTS == {"item_marks": _ITEM_MARKS, "cut_off": _CUT_OFF} \
    and PROSE_CONSTANTS_COMPILED


def is_sentence(key: str) -> bool:
    """Whether a stripped line is a sentence in the sense of the module docstring."""
    return is_sentence_like(key, SENTENCE_WORDS) and not _headline_cased(key)


def _known_sentences(doc: Document) -> dict[str, bool]:
    """`is_sentence` of the stripped texts asked about so far in `doc` (its `memo`, kept between passes):
    the context checks ask about the same neighbouring lines again and again."""
    known = doc.memo.get(_SENTENCES)
    if known is None:
        known = doc.memo[_SENTENCES] = {}
    return known


def sentence_in(doc: Document, key: str) -> bool:
    """`is_sentence(key)` for a stripped line text of `doc`, asked once per text and document."""
    known = _known_sentences(doc)
    found = known.get(key)
    if found is None:
        found = known[key] = _sentence_check()(key)
    return found


def sentences_among(doc: Document, keys: Sequence[str]) -> list[int]:
    """The indices of `keys` (stripped line texts of `doc`) that are sentences: `sentence_in` of each, in one
    loop (a classifier asks it of every line on every pass)."""
    known, check, found = _known_sentences(doc), None, []
    for i, key in enumerate(keys):
        if key:
            hit = known.get(key)
            if hit is None:
                check = check or _sentence_check()
                hit = known[key] = check(key)
            if hit:
                found.append(i)
    return found


def _sentence_check() -> Callable[[str], bool]:
    """`is_sentence`, compiled when it can be."""
    compiled = linefast.context_checks() if CONSTANTS_COMPILED else None
    if compiled is None:
        return is_sentence
    sentence = compiled[2]
    return lambda key: sentence(key, _TERMS)


def _headline_cased(key: str) -> bool:
    words = [word for word in key.split()[1:] if word[:1].isalpha()]
    return bool(words) and sum(1 for word in words if word[:1].isupper()) >= HEADLINE_SHARE * len(words)


@dataclass(frozen=True, kw_only=True)
class ContextRule(Rule):
    """A rule kind whose matches may be limited to lines standing apart from the prose (`context`)."""

    context: str = option(str, "any", "`standalone`: leave a match that sits inside the article's prose; "
                          "`label` (lines): leave one with prose lines on both sides; "
                          "`article` (list runs): also a run with prose near it on both sides; "
                          "`article_wide` (list runs): or near on one side, reached on the other "
                          "(see `cleaner/rules/kinds/context.py`)", choices=CONTEXTS)

    def line_in_prose(self, doc: Document, index: int, matched: Collection[int]) -> bool:
        """Whether matching line `index` stays under `context = "standalone"` (or `"label"`); `matched`
        holds the lines this rule matches in the document."""
        key = doc.keys[index]
        if self.context != "label" and (not sentence_in(doc, key) or doc.key_counts[key] > 1):
            return False
        return all(self._prose(doc, neighbour(doc, index, step), matched) for step in (-1, 1))

    def run_in_prose(self, doc: Document, first: int, last: int) -> bool:
        """Whether the run of lines `first`..`last` stays under `context = "standalone"`."""
        above, below = neighbour(doc, first, -1), neighbour(doc, last, 1)
        if above is not None and doc.claimed[above] is None and doc.keys[above].endswith(":"):
            return True
        return self._prose(doc, above, ()) and self._prose(doc, below, ())

    def run_in_article(self, doc: Document, first: int, last: int) -> bool:
        """Whether the run of lines `first`..`last` stays under `context = "article"`."""
        return self.run_in_prose(doc, first, last) or (_prose_near(doc, first, -1) and _prose_near(doc, last, 1))

    def run_in_wide_article(self, doc: Document, first: int, last: int) -> bool:
        """Whether the run of lines `first`..`last` stays under `context = "article_wide"`."""
        if self.run_in_article(doc, first, last):
            return True
        if any(doc.claimed[i] is not None for i in range(first, last + 1)):
            return False  # a footer's menu holding its policy links, which other rules removed
        return (_prose_near(doc, first, -1, paragraph=True) and _prose_reached(doc, last, 1, at_end=True)) \
            or (_prose_near(doc, last, 1, paragraph=True) and _prose_reached(doc, first, -1, at_end=False))

    @staticmethod
    def _prose(doc: Document, index: int | None, matched: Collection[int]) -> bool:
        return index is not None and doc.claimed[index] is None and index not in matched \
            and sentence_in(doc, doc.keys[index])


def neighbour(doc: Document, index: int, step: int) -> int | None:
    """The nearest non-blank line above (`step` -1) or below (+1) line `index`, if any."""
    keys = doc.keys
    i = index + step
    while 0 <= i < len(keys) and not keys[i]:
        i += step
    return i if 0 <= i < len(keys) else None


def _is_paragraph(doc: Document, key: str) -> bool:
    """Whether a stripped line of `doc` is a sentence that is not cut off with an ellipsis (as a teaser is)."""
    return sentence_in(doc, key) and not key.endswith(_CUT_OFF)


def _prose_near(doc: Document, index: int, step: int, paragraph: bool = False) -> bool:
    """Whether a prose line (a sentence; with `paragraph`, one not cut off: `_is_paragraph`) lies within
    ARTICLE_LINES kept non-blank lines above (`step` -1) or below (+1) line `index`, list items not
    counted, with no removed line between. (Compiled, when it is: the loop below is the reference.)"""
    compiled = linefast.context_checks() if CONSTANTS_COMPILED else None
    if compiled is not None:
        return compiled[0](doc.keys, doc.claimed, index, step, paragraph, _TERMS)
    keys, claimed = doc.keys, doc.claimed
    known = _known_sentences(doc)
    i, seen = index + step, 0
    while 0 <= i < len(keys) and seen < ARTICLE_LINES:
        key = keys[i]
        if key:
            if claimed[i] is not None:
                return False
            sentence = known.get(key)
            if sentence is None:
                sentence = known[key] = is_sentence(key)
            if sentence and not (paragraph and key.endswith(_CUT_OFF)):
                return True
            if key[:1] not in _ITEM_MARKS:
                seen += 1
        i += step
    return False


def _prose_reached(doc: Document, index: int, step: int, at_end: bool) -> bool:
    """Whether a paragraph lies at any distance above (`step` -1) or below (+1) line `index` with no
    removed line between; reaching the text's edge counts as `at_end`. (Compiled, when it is: the loop
    below is the reference.)"""
    compiled = linefast.context_checks() if CONSTANTS_COMPILED else None
    if compiled is not None:
        return compiled[1](doc.keys, doc.claimed, index, step, at_end, _TERMS)
    keys, claimed = doc.keys, doc.claimed
    i = index + step
    while 0 <= i < len(keys):
        if keys[i]:
            if claimed[i] is not None:
                return False
            if _is_paragraph(doc, keys[i]):
                return True
        i += step
    return at_end
