"""What an HTML page says about a line of its text (the HTML line model's `hint_features`), keyed so
that a line and its element's text content meet. No I/O."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

_NO_HINTS: Mapping[str, float] = {}


def hint_key(text: str) -> str:
    """The key of a line's page hints: its text without a leading list marker (`- `, which
    trafilatura's text output puts before an item), table bars and their escapes (`| a | b |`, a
    row), and whitespace, so that a line and its element's text content meet."""
    key = "".join(text.split())
    if "|" in key:
        key = key.replace("\\|", "").replace("|", "")
    if key[:1] == "-" and text.lstrip()[:2] == "- ":
        key = key[1:]
    return key


def hint_values(hints: Mapping[str, Mapping[str, float]] | None, key: str, names: Sequence[str]) -> list[float]:
    """What `hints` say of the line of stripped text `key`: a value per name (0 when they say nothing)."""
    hint = hints.get(hint_key(key), _NO_HINTS) if hints else _NO_HINTS
    return [float(hint.get(name, 0.0)) for name in names]
