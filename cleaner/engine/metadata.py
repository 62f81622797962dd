"""Title and byline of a clean text body, where its first lines show them (text inputs only;
HTML pages get theirs from trafilatura). Nothing is removed: this only describes the body.

The title is the first non-blank line when it reads as a headline: 2 to 30 words, at most 150
characters, not ending like a sentence part ('.', ',', ';', ':'). The byline is the first line
among the first ten non-blank ones that reads 'By Name' (By/Von/Par/Por/Di/Door, then up to six
capitalised words, optionally 'and', then an optional ', role' or '| date' tail).
"""

from __future__ import annotations

import regex

from cleaner.rules.ruleset import DEFAULT_TIMEOUT

HEAD_LINES = 10
MAX_LINE_CHARS = 10_000  # a longer line is neither a title (<= 150 once stripped) nor a byline: not copied
_BYLINE = regex.compile(
    r"^\s*(?:by|von|par|por|di|door)\s+(?P<name>\p{Lu}[\w.'’-]*(?:\s+(?:and\s+|&\s+|de\s+|van\s+)?\p{Lu}[\w.'’-]*){0,5})"
    r"\s*(?:[,|–-].{0,80})?$",
    regex.IGNORECASE,
)


_NON_SPACE = regex.compile(r"\S")
# A byline's first letter: no other character case-folds to b, v, p or d, so the byline pattern can
# only match a line that starts with one of these (skipping its search costs nothing in exactness).
_BYLINE_INITIALS = frozenset("bBvVpPdD")


def text_metadata(body: str) -> dict[str, str]:
    """{'title': ..., 'byline': ...} for whichever of the two the body's first lines show."""
    head = _head(body)
    found: dict[str, str] = {}
    first = head[0] if head else None
    if first is not None and _is_headline(first) and not _byline(first):
        found["title"] = first
    for line in head:
        match = _byline(line) if line is not None and len(line) <= 120 else None
        if match:
            found["byline"] = match.group("name")
            break
    return found


def _head(body: str) -> list[str | None]:
    """The first HEAD_LINES non-blank lines, stripped; None for a line too long to be a title or byline.

    Reads only the start of the body: splitting a 50 MB body to look at ten lines would copy it all.
    """
    head: list[str | None] = []
    start = 0
    while len(head) < HEAD_LINES and start < len(body):
        end = body.find("\n", start)
        if end < 0:
            end = len(body)
        cr = body.find("\r", start, end)  # only up to the LF: a body without CRs was scanned to its end per line
        if cr >= 0:
            end = cr
        if end - start > MAX_LINE_CHARS:
            if _NON_SPACE.search(body, start, end, timeout=DEFAULT_TIMEOUT):
                head.append(None)
        else:
            line = body[start:end].strip()
            if line:
                head.append(line)
        start = end + 1
    return head


def _byline(line: str) -> regex.Match | None:
    """The byline pattern's match on a stripped, non-empty line, or None."""
    return _BYLINE.match(line, timeout=DEFAULT_TIMEOUT) if line[0] in _BYLINE_INITIALS else None


def _is_headline(line: str) -> bool:
    return 2 <= len(line.split()) <= 30 and len(line) <= 150 and not line.endswith((".", ",", ";", ":"))
