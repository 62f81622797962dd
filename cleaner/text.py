"""Decode documents and split them into lines with their character offsets."""

from __future__ import annotations

from dataclasses import dataclass

import charset_normalizer
import regex

from .errors import InputError

# Only CR, LF and CRLF end a line: str.splitlines() would also split on \x0b, \x0c, \x1c-\x1e, \x85,
# \u2028 and \u2029, which scrapers leave inside paragraphs.
_LINE_BREAK = regex.compile(r"\r\n|\r|\n")
_OTHER_BREAKS = regex.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


@dataclass(frozen=True)
class Line:
    """One line of a document: its text without the terminator, the terminator, and its offset."""

    number: int  # 1-based
    start: int  # character offset of the first character in the document
    text: str
    end_of_line: str  # "\n", "\r\n", "\r" or "" for a last line without one

    @property
    def end(self) -> int:
        """Offset just past the line's terminator."""
        return self.start + len(self.text) + len(self.end_of_line)

    @property
    def is_blank(self) -> bool:
        return not self.text.strip()


def split_lines(text: str) -> list[Line]:
    """Split `text` into lines on CR, LF and CRLF; joining text+end_of_line gives `text` back."""
    if not text:
        return []
    if "\r" not in text and not _OTHER_BREAKS.search(text):
        chunks = text.splitlines(keepends=True)
    else:
        chunks, pos = [], 0
        for m in _LINE_BREAK.finditer(text):
            chunks.append(text[pos : m.end()])
            pos = m.end()
        if pos < len(text):
            chunks.append(text[pos:])
    lines, offset = [], 0
    for number, chunk in enumerate(chunks, 1):
        if chunk.endswith("\r\n"):
            body, eol = chunk[:-2], "\r\n"
        elif chunk.endswith(("\n", "\r")):
            body, eol = chunk[:-1], chunk[-1]
        else:
            body, eol = chunk, ""
        lines.append(Line(number, offset, body, eol))
        offset += len(chunk)
    return lines


def decode(data: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Decode a document's bytes; return (text, encoding) where text.encode(encoding) == data.

    UTF-8 and byte-order-marked UTF-8/16/32 are taken as they are; anything else goes to
    charset-normalizer, and is refused (InputError) when its best guess does not round-trip
    exactly or looks binary, so that nothing is silently mangled.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data, encoding, path), encoding
    if b"\x00" in data:
        raise InputError(path, "looks binary (contains NUL bytes); not a text document")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise InputError(path, "not valid UTF-8 and no text encoding fits; binary or corrupt file?")
    encoding = best.encoding
    text = _strict(data, encoding, path)
    if text.encode(encoding) != data:
        raise InputError(path, f"decoded as {encoding} but does not round-trip; refusing to guess")
    return text, encoding


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(path, f"cannot decode as {encoding}: {exc.reason} at byte {exc.start}") from exc
