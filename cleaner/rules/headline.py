"""The article's headline, found by its place and shape: what the line model's headline shield keeps.

The seed guide keeps headlines, and a headline reads as little else: a handful of words above the
article's first paragraph, no sentence, often next to furniture (a "Support us" line above it). The
line model scores such a line near its threshold, so a retrain could move it either way.

`find` works on a document's non-blank lines. The article's prose starts at the first line of its
main run of prose (`windows.main_run`). Walking up from the line before it, past at most `skip`
other lines (a byline, a date, a line a rule removed), the headline is the first line that no rule
removed, that the document holds once, that is shaped like a headline (`headline_shaped`) and whose
words are the article's: at least `min_overlap` of its words (stop words aside, compared by their
first five letters) occur in the main run's prose lines. A byline, a "Share this" row or a teaser for
another page has the shape and not the words. Nothing here reads a list of furniture words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence

from cleaner.rules.line_facts import ends_sentence
from cleaner.rules.windows import main_run

_BULLETS = frozenset("*+•·▪◦‣-–—►▸")
_LINK_TOKENS = ("http", "www.", "|", "»", "›", "→", "@")
# A fragment ends mid-phrase ("Related:", "Posted in,"), an ellipsis a teaser ("Read more …")
_FRAGMENT_ENDS = frozenset(":,;–—-/|…")
_WORD = re.compile(r"\w+")
STEM = 5  # words are compared by their first letters: "trends" meets "trend", "planting" "plant"


def headline_shaped(key: str, min_words: int = 2, max_words: int = 20, max_chars: int = 160,
                    max_digit_share: float = 0.2) -> bool:
    """Whether a stripped line is shaped like a headline: `min_words`..`max_words` words and at most
    `max_chars` characters, no list marker, no link token or separator, no sentence's full stop nor a
    fragment's last character (':', ',', '…'), at most `max_digit_share` of digits (a date)."""
    words = key.split()
    if not min_words <= len(words) <= max_words or len(key) > max_chars:
        return False
    if key[:1] in _BULLETS or key[-1:] in _FRAGMENT_ENDS:
        return False
    if ends_sentence(key) and key.rstrip("\"'”’»)]*")[-1:] == ".":
        return False  # a sentence (a standfirst, a caption); a question or an exclamation may be a headline
    lower = key.lower()
    if any(token in lower for token in _LINK_TOKENS):
        return False
    return sum(map(str.isdigit, key)) <= max_digit_share * len(key)


def _stems(text: str, stop_words: Collection[str]) -> set[str]:
    return {w[:STEM] for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in stop_words}


def _overlap(stems: set[str], keys: Sequence[str], lines: Sequence[int], stop_words: Collection[str]) -> float:
    """The share of `stems` found in the lines `lines` of `keys`, read until all are found."""
    missing = set(stems)
    for k in lines:
        missing -= _stems(keys[k], stop_words)
        if not missing:
            break
    return 1.0 - len(missing) / len(stems)


def find(keys: Sequence[str], prose: Sequence[bool], removed: Sequence[bool], stop_words: Collection[str] = (),
         skip: int = 2, min_overlap: float = 0.5) -> int:
    """The index (into `keys`, the stripped non-blank lines) of the document's headline, or -1.

    `prose[k]`: line k is a prose line (`features`' `prose`); `removed[k]`: a rule removed it;
    `stop_words` are left out of the overlap (see the module docstring)."""
    first, last = main_run(prose)
    run = [k for k in range(first, last + 1) if prose[k]]
    return above(keys, first, prose, run, removed, stop_words, skip, min_overlap)


def lead(keys: Sequence[str], prose: Sequence[bool], removed: Sequence[bool], stop_words: Collection[str] = (),
         min_overlap: float = 0.5) -> int:
    """The index (into `keys`, the stripped non-blank lines) of the article's lead, or -1: the prose line right
    under the document's opening headline, the first line no rule removed (every line above it removed), which
    `above` takes for a headline with nothing skipped, its words checked against every prose line no rule
    removed. A standfirst or first paragraph the guide keeps; furniture right under it (a share bar) makes a
    model that reads its neighbours doubt it, and a main run of prose cut by that furniture leaves it out."""
    top = next((k for k, gone in enumerate(removed) if not gone), -1)
    if top < 0 or top + 1 >= len(keys) or removed[top + 1] or not prose[top + 1]:
        return -1
    prose_lines = [k for k, is_prose in enumerate(prose) if is_prose and not removed[k]]
    return top + 1 if above(keys, top + 1, prose, prose_lines, removed, stop_words, 0, min_overlap) == top else -1


def above(keys: Sequence[str], first: int, prose: Sequence[bool], prose_lines: Sequence[int],
          removed: Sequence[bool], stop_words: Collection[str] = (), skip: int = 2, min_overlap: float = 0.5,
          min_stems: int = 1) -> int:
    """The headline above line `first` (where the article's prose starts), its words checked against the lines
    `prose_lines`: `find` passes the main run of prose; a caller without one, all the prose. A headline has at
    least `min_stems` words that count (a caller without stop words asks two: "f in 𝕏 ✉" has one). -1 if none."""
    if first <= 0:
        return -1
    counts = Counter(keys)
    for k in range(first - 1, max(-1, first - 2 - skip), -1):
        key = keys[k]
        if removed[k] or prose[k] or counts[key] != 1 or not headline_shaped(key):
            continue
        stems = _stems(key, stop_words)
        if len(stems) >= max(1, min_stems) and _overlap(stems, keys, prose_lines, stop_words) >= min_overlap:
            return k
    return -1
