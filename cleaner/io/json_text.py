"""JSON as cleaner writes it. Provenance records: `json.dumps(data, ensure_ascii=False, indent=2,
sort_keys=True)`, the same text, about three times faster, and in pieces to write as they come;
compact lines (manifest, corpus records). UTF-8 without escaping, except that a string holding a lone
surrogate (a file name that is not UTF-8 reaches Python with PEP 383 escapes) is written with the
JSON escape `\\udcXX`, which `json.loads` turns back into the same string.

With `indent`, the standard library encodes in pure Python, a generator per container and a `yield`
per token: a folder run over 1,000 small documents spent a tenth of its time indenting provenance
records. This builds the same text with one list of pieces, strings escaped by the standard
library's own C encoder. It covers the types a record holds (dict with str keys, list, tuple, str,
int, float, bool, None); anything else (other key types, subclasses the standard library would
treat differently, cycles) goes to `json.dumps` itself, so the text is always the standard one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from json.encoder import encode_basestring
from typing import Any

_INDENT = "  "
_FLOATS = {float("inf"): "Infinity", float("-inf"): "-Infinity"}


_CHUNK_CHARS = 1 << 16
_STREAMED_DEPTH = 2  # the record's fields and its lists' items (spans) are yielded one by one
_ONE_PIECE_ITEMS = 256  # a record with no longer list is encoded in one piece


def json_document(data: Any) -> bytes:
    """A provenance record: indented, keys sorted, UTF-8 (lone surrogates as JSON escapes)."""
    return b"".join(json_document_chunks(data))


def json_document_chunks(data: Any) -> Iterator[bytes]:
    """`json_document(data)` in pieces of about 64 KB, to write as they come. Joining every piece of a
    large document's record first (20 MB of removed spans for a 6 MB page of repeats, millions of
    small strings) made the record the peak of a run's memory. A small record (a small document's:
    most of a folder run) is encoded in one piece, without the streaming's generator per container
    (about a fifth less time)."""
    if _small(data):
        yield utf8(_one(data, "\n", 0) + "\n")
        return
    pending: list[str] = []
    size = 0
    for piece in _stream(data, "\n", 0):
        pending.append(piece)
        size += len(piece)
        if size >= _CHUNK_CHARS:
            yield utf8("".join(pending))
            pending.clear()
            size = 0
    pending.append("\n")
    yield utf8("".join(pending))


def _small(data: Any) -> bool:
    """Whether `data` is a dict whose lists are short and whose text, down to its lists' items (a
    record's removed spans), is under one piece's size: then one piece costs no more memory."""
    if type(data) is not dict:
        return False
    chars = 0
    for value in data.values():
        kind = type(value)
        if kind is str:
            chars += len(value)
        elif kind is list or kind is dict:
            if len(value) > _ONE_PIECE_ITEMS:
                return False
            for item in value.values() if kind is dict else value:
                chars += len(item) if type(item) is str else _strings(item)
    return chars < _CHUNK_CHARS


def _strings(value: Any) -> int:
    """The length of the strings directly in a dict or list (0 for anything else)."""
    if type(value) is dict:
        value = value.values()
    elif type(value) is not list:
        return 0
    return sum(len(item) for item in value if type(item) is str)


def json_line(data: Any, *, sort_keys: bool = False) -> str:
    """One compact JSON line, newline included (as text: encode it with `utf8`)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys) + "\n"


def utf8(text: str) -> bytes:
    """UTF-8 of JSON text; a lone surrogate inside a JSON string becomes the escape `\\udcXX`."""
    return text.encode("utf-8", "backslashreplace")


def _stream(value: Any, newline: str, depth: int) -> Iterator[str]:
    """The text of `value` at `depth` (its lines indented by `newline`), containers near the top
    piece by piece, everything below them as `_one` encodes it."""
    kind = type(value)
    if depth < _STREAMED_DEPTH and kind is dict and value and all(type(key) is str for key in value):
        inner = newline + _INDENT
        for n, (key, item) in enumerate(sorted(value.items())):
            yield ("{" if n == 0 else ",") + inner + encode_basestring(key) + ": "
            yield from _stream(item, inner, depth + 1)
        yield newline + "}"
    elif depth < _STREAMED_DEPTH and (kind is list or kind is tuple) and value:
        inner = newline + _INDENT
        for n, item in enumerate(value):
            yield ("[" if n == 0 else ",") + inner
            yield from _stream(item, inner, depth + 1)
        yield newline + "]"
    else:
        yield _one(value, newline, depth)


def _one(value: Any, newline: str, depth: int) -> str:
    """The text of `value` nested at `depth`: the fast path, else the standard library's text of it
    with each line break indented to `newline` (a JSON string never holds a raw line break)."""
    out: list[str] = []
    try:
        _encode(value, newline, out, depth)
    except (_Other, RecursionError, TypeError):
        return json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True).replace("\n", newline)
    return "".join(out)


class _Other(Exception):
    """A value outside the fast path's types: `_one` encodes that value with `json.dumps`."""


def indented_json(data: Any) -> str:
    """The text of `json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)`."""
    return "".join(_stream(data, "\n", 0))


def _encode(value: Any, newline: str, out: list[str], depth: int) -> None:
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


def _opened(value: dict | list | tuple, empty: str, out: list[str], depth: int) -> bool:
    """Whether a container has items to write (else its empty form is written); too deep goes to json."""
    if not value:
        out.append(empty)
        return False
    if depth > 100:
        raise _Other
    return True


def _encode_dict(value: dict, newline: str, out: list[str], depth: int) -> None:
    if not _opened(value, "{}", out, depth):
        return
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
    out.append(newline + "}")


def _encode_list(value: list | tuple, newline: str, out: list[str], depth: int) -> None:
    if not _opened(value, "[]", out, depth):
        return
    inner = newline + _INDENT
    separator = "," + inner
    out.append("[" + inner)
    for i, item in enumerate(value):
        if i:
            out.append(separator)
        _encode(item, inner, out, depth + 1)
    out.append(newline + "]")
