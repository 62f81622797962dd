"""`json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)`, the same text, about three times faster.

With `indent`, the standard library encodes in pure Python, a generator per container and a `yield`
per token: a folder run over 1,000 small documents spent a tenth of its time indenting provenance
records. This builds the same text with one list of pieces, strings escaped by the standard
library's own C encoder. It covers the types a record holds (dict with str keys, list, tuple, str,
int, float, bool, None); anything else (other key types, subclasses the standard library would
treat differently, cycles) goes to `json.dumps` itself, so the text is always the standard one.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from typing import Any

_INDENT = "  "
_FLOATS = {float("inf"): "Infinity", float("-inf"): "-Infinity"}


class _Other(Exception):
    """A value outside the fast path's types: encode the whole document with `json.dumps`."""


_FLUSH = 4096  # pieces joined at a time: a large record's pieces would otherwise take 5x its text in memory


class _Pieces(list):
    """The pieces written so far; every `_FLUSH` of them are joined into one string of `done`."""

    def __init__(self) -> None:
        super().__init__()
        self.done: list[str] = []

    def flush(self) -> None:
        if len(self) >= _FLUSH:
            self.done.append("".join(self))
            self.clear()


def indented_json(data: Any, end: str = "") -> str:
    """The text of `json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)`, then `end`."""
    out = _Pieces()
    try:
        _encode(data, "\n", out, 0)
    except (_Other, RecursionError, TypeError):  # TypeError: keys sorted() cannot order; json.dumps says so
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + end
    out.append(end)
    out.done.append("".join(out))
    out.clear()
    return "".join(out.done)


def _encode(value: Any, newline: str, out: _Pieces, depth: int) -> None:
    kind = type(value)
    if kind is str:
        out.append(encode_basestring(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is float:
        out.append(float.__repr__(value) if value == value and value not in _FLOATS else _float(value))
    elif kind is dict:
        _encode_dict(value, newline, out, depth)
    elif kind is list or kind is tuple:
        _encode_list(value, newline, out, depth)
    else:
        raise _Other


def _float(value: float) -> str:
    return "NaN" if value != value else _FLOATS[value]


def _encode_dict(value: dict, newline: str, out: _Pieces, depth: int) -> None:
    if not value:
        out.append("{}")
        return
    if depth > 100:
        raise _Other
    inner = newline + _INDENT
    separator = "," + inner
    first = True
    for key, item in sorted(value.items()):
        if type(key) is not str:
            raise _Other
        out.append("{" + inner if first else separator)
        first = False
        out.append(encode_basestring(key))
        out.append(": ")
        _encode(item, inner, out, depth + 1)
        out.flush()
    out.append(newline + "}")


def _encode_list(value: list | tuple, newline: str, out: _Pieces, depth: int) -> None:
    if not value:
        out.append("[]")
        return
    if depth > 100:
        raise _Other
    inner = newline + _INDENT
    separator = "," + inner
    out.append("[" + inner)
    for i, item in enumerate(value):
        if i:
            out.append(separator)
        _encode(item, inner, out, depth + 1)
        out.flush()
    out.append(newline + "]")
