"""Read: decode a document's bytes (BOMs, UTF-8, legacy code pages) and encode it back."""

from __future__ import annotations

import codecs

from cleaner.errors import InputError

# A byte-order mark decides the encoding. Python's "utf-16"/"utf-32" codecs would re-encode in the
# machine's byte order, so the order is named and the "-bom" suffix says the BOM is put back
# (see `encode`); UTF-32 LE comes before UTF-16 LE, whose BOM it starts with.
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32-le-bom"),
    (codecs.BOM_UTF32_BE, "utf-32-be-bom"),
    (codecs.BOM_UTF16_LE, "utf-16-le-bom"),
    (codecs.BOM_UTF16_BE, "utf-16-be-bom"),
)
_BOM_SUFFIX = "-bom"
_BOM_OF = {encoding: bom for bom, encoding in _BOMS}
# C0 controls other than tab, LF, VT, FF, CR and ESC: text has almost none, binary formats plenty.
_CONTROL_BYTES = bytes([*range(0x01, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])
MAX_CONTROL_SHARE = 0.01
COHERENCE_MARGIN = 0.1  # charset-normalizer's language coherence, 0..1
_WINDOWS_CODE_PAGES = {f"cp125{n}" for n in range(9)}


def decode(data: bytes, path: str = "<bytes>") -> tuple[str, str]:
    """Decode a document's bytes; return (text, encoding) where encode(text, encoding) == data.

    A byte-order mark (UTF-8/16/32) decides; else valid UTF-8 is UTF-8. Anything else goes to
    charset-normalizer, preferring cp1252 (the web's fallback for unlabelled Western text), then the
    other Windows code pages, among its close guesses. Refused with an InputError, so nothing is
    silently mangled: NUL bytes or many control bytes (binary), bytes that are mostly UTF-8 with
    some invalid sequences (corrupt UTF-8, not a legacy encoding), no fitting encoding, close
    guesses that read differently with none a Windows code page (too little text to tell), or a
    guess that does not give the bytes back exactly.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _strict(data, encoding, path), encoding
    if b"\x00" in data:
        raise InputError(path, "looks binary (contains NUL bytes); not a text document")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    if len(data) - len(data.translate(None, _CONTROL_BYTES)) > MAX_CONTROL_SHARE * len(data):
        raise InputError(path, "looks binary (many control bytes); not a text document")
    _refuse_broken_utf8(data, first_bad, path)
    encoding = _detect(data, path)
    text = _strict(data, encoding, path)
    if encode(text, encoding) != data:
        raise InputError(path, f"decoded as {encoding} but does not round-trip; refusing to guess")
    return text, encoding


def encode(text: str, encoding: str) -> bytes:
    """The inverse of `decode`: the original bytes of `text` decoded as `encoding`.

    Raises ValueError for an encoding `decode` never gives, or text it cannot encode."""
    try:
        if encoding.endswith(_BOM_SUFFIX):
            return _BOM_OF[encoding] + text.encode(encoding.removesuffix(_BOM_SUFFIX))
        return text.encode(encoding)
    except (KeyError, LookupError):
        raise ValueError(f"unknown encoding {encoding!r}") from None


def _refuse_broken_utf8(data: bytes, first_bad: int, path: str) -> None:
    """UTF-8 with a few invalid sequences is corrupt UTF-8: a legacy reading would garble the rest."""
    replaced = data.decode("utf-8", "replace")
    invalid = replaced.count("\ufffd")
    valid_non_ascii = len(replaced) - len(replaced.encode("ascii", "ignore")) - invalid
    if valid_non_ascii > invalid:
        raise InputError(path, f"invalid UTF-8 (first bad byte at offset {first_bad}, {invalid} in all) in "
                               "otherwise UTF-8 text; repair or re-encode the file")


def _detect(data: bytes, path: str) -> str:
    """charset-normalizer's guess, preferring the Windows code pages the web's legacy text is in
    (cp1252 first) among candidates as clean (chaos) and about as plausible (coherence) as the best."""
    import charset_normalizer  # here, not at the top: a tenth of the command's start-up, for non-UTF-8 input only

    results = charset_normalizer.from_bytes(data)
    best = results.best()
    if best is None:
        raise InputError(path, "not valid UTF-8 and no text encoding fits; binary or corrupt file?")
    close = [m for m in results if m.chaos <= best.chaos and m.coherence >= best.coherence - COHERENCE_MARGIN]
    readings = {str(m) for m in close}
    if data.decode("cp1252", "replace") in readings:
        return "cp1252"
    windows = [m.encoding for m in close if m.encoding in _WINDOWS_CODE_PAGES]
    if windows:
        return windows[0]
    if len(readings) > 1:
        names = ", ".join(m.encoding for m in close[:4])
        raise InputError(path, f"not UTF-8, and the encoding cannot be told reliably ({names}, ... read it "
                               "differently); convert it to UTF-8")
    return best.encoding


def _strict(data: bytes, encoding: str, path: str) -> str:
    try:
        if encoding.endswith(_BOM_SUFFIX):
            return data[len(_BOM_OF[encoding]):].decode(encoding.removesuffix(_BOM_SUFFIX))
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(path, f"cannot decode as {encoding}: {exc.reason} at byte {exc.start}") from exc
