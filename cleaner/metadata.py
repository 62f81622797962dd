"""Title and byline of a clean text body, where its first lines show them (text inputs only;
HTML pages get theirs from trafilatura). Nothing is removed: this only describes the body.

The title is the first non-blank line when it reads as a headline: 2 to 30 words, at most 150
characters, not ending like a sentence part ('.', ',', ';', ':'). The byline is the first line
among the first ten non-blank ones that reads 'By Name' (By/Von/Par/Por/Di/Door, then up to six
capitalised words, optionally 'and', then an optional ', role' or '| date' tail).
"""

from __future__ import annotations

import regex

HEAD_LINES = 10
_BYLINE = regex.compile(
    r"^\s*(?:by|von|par|por|di|door)\s+(?P<name>\p{Lu}[\w.'’-]*(?:\s+(?:and\s+|&\s+|de\s+|van\s+)?\p{Lu}[\w.'’-]*){0,5})"
    r"\s*(?:[,|–-].{0,80})?$",
    regex.IGNORECASE,
)


def text_metadata(body: str) -> dict[str, str]:
    """{'title': ..., 'byline': ...} for whichever of the two the body's first lines show."""
    head = [line.strip() for line in body.splitlines() if line.strip()][:HEAD_LINES]
    found: dict[str, str] = {}
    if head and _is_headline(head[0]) and not _BYLINE.match(head[0]):
        found["title"] = head[0]
    for line in head:
        match = _BYLINE.match(line) if len(line) <= 120 else None
        if match:
            found["byline"] = match.group("name")
            break
    return found


def _is_headline(line: str) -> bool:
    return 2 <= len(line.split()) <= 30 and len(line) <= 150 and not line.endswith((".", ",", ";", ":"))
