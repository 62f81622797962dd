"""Wording shared by everything that reports to a person (CLI summaries, explain, the HTML report)."""

from __future__ import annotations


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 document', '2 documents', '1,204 characters'; `many` for irregular plurals."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"
