"""The author's bio line, found by the name a byline gave: what the line model's bio shield keeps.

The seed guide keeps "the author's bio line at the end" ("Jane Doe is a reporter covering ..."). It
stands where furniture stands, after the article and beside a partner block or a sign-up, and it is
short: the line model scores such a line near its threshold, and a retrain can move it either way
(session 53: at gold weight 1.0 a seed's bio line went at 0.404 against a threshold of 0.4). WCXB's
gold bodies mostly leave bios out, so training alone will not learn to keep them.

`names` reads the writers' names off the document's byline lines ("By Jane Doe", "By Jane Doe and
John Roe | Reuters", "Written by Ana de la Cruz"): two to five words, each capitalised but for name
particles. `bio_rows` picks the lines that open with such a name and go on as a sentence about that
person: the name, then a lower-case word ("is", "was", "covers", "has been") or a comma, at least
`min_words` words, ending in sentence punctuation. Nothing here reads a list of roles or job titles.
No I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from cleaner.rules.line_facts import ends_sentence

_LEADS = ("by ", "written by ", "words by ", "posted by ", "author: ", "author ")
_PARTICLES = frozenset({"de", "van", "von", "da", "del", "la", "le", "der", "den", "du", "di", "bin", "al"})
_NAME_SEPARATORS = re.compile(r"\s*(?:,|&|\||•|·|–|—|\s-\s|\band\b)\s*")


def _is_name(words: Sequence[str]) -> bool:
    """Two to five words, the first and last capitalised, the others capitalised or name particles."""
    if not 2 <= len(words) <= 5 or not (words[0][:1].isupper() and words[-1][:1].isupper()):
        return False
    return all(w[:1].isupper() or w in _PARTICLES for w in words) and all(any(map(str.isalpha, w)) for w in words)


def names(keys: Iterable[str], max_chars: int = 120) -> set[str]:
    """The writers' names the byline lines among `keys` (stripped lines) give, as written there.

    A byline is a line of at most `max_chars` characters opening with "By", "Written by", "Words by",
    "Posted by" or "Author"; its names are the parts between separators (",", "and", "&", "|", a dash)
    shaped as a name (`_is_name`): "By Tuesday the water had gone down." gives none."""
    found: set[str] = set()
    for key in keys:
        if key[:1] not in "BbWwPpAa" or len(key) > max_chars:  # (cheapest test first: few lines are bylines)
            continue
        lower = key.lower()
        lead = next((p for p in _LEADS if lower.startswith(p)), None)
        if lead is None:
            continue
        for part in _NAME_SEPARATORS.split(key[len(lead):].strip()):
            words = part.split()
            if _is_name(words):
                found.add(" ".join(words))
    return found


def bio_rows(keys: Sequence[str], writers: Iterable[str], min_words: int = 6) -> list[int]:
    """The indices into `keys` (stripped lines) of the lines that read as a bio of one of `writers`:
    the name, then a comma or a lower-case word, at least `min_words` words, a sentence's end."""
    rows: set[int] = set()
    for name in writers:
        size = len(name)
        for k, key in enumerate(keys):
            if not key.startswith(name):
                continue
            rest = key[size:]
            opens = rest[:1] == "," or (rest[:1] == " " and rest[1:2].islower())
            if opens and len(key.split()) >= min_words and ends_sentence(key):
                rows.add(k)
    return sorted(rows)


def find(keys: Sequence[str]) -> list[int]:
    """The bio lines of a document (`keys`: its stripped non-blank lines): `bio_rows` for the names its
    bylines give."""
    writers = names(keys)
    return bio_rows(keys, writers) if writers else []
