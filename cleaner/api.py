"""The library API: clean text or a file, get the clean body, its removals and its provenance."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cleaner.engine.decide import Removal, apply_rules
from cleaner.engine.keep import KeepEntry
from cleaner.engine.metadata import text_metadata
from cleaner.engine.provenance import build_record, removal_warnings
from cleaner.errors import InputError
from cleaner.io.decode import decode
from cleaner.rules.loader import load_rules
from cleaner.rules.ruleset import RuleSet

HTML_SUFFIXES = (".html", ".htm")
TEXT_SUFFIXES = (".txt", ".md")


@dataclass(frozen=True)
class CleanResult:
    """A cleaned document: `text` (the clean body), `removals`, and the JSON-ready `provenance`."""

    text: str
    removals: tuple[Removal, ...]
    provenance: dict[str, Any]

    @property
    def chars_removed(self) -> int:
        return self.provenance["counts"]["chars_removed"]

    @property
    def warnings(self) -> list[str]:
        """E.g. ["removed 97% of the text"] when cleaning removed 90% or more of the text, and per rule
        that alone did (see `cleaner.engine.provenance.removal_warnings`); [] otherwise."""
        return removal_warnings(self.provenance["input"]["chars"], self.provenance["counts"]["by_rule"])

    @property
    def changed(self) -> bool:
        """Whether cleaning changed anything (layout included)."""
        return bool(self.removals) or self.provenance["layout"]["final_newline_added"]


@lru_cache(maxsize=1)
def default_rules() -> RuleSet:
    """The bundled rule packs, loaded once per process."""
    return load_rules()


def clean(text: str, *, rules: RuleSet | None = None, source: str | None = None,
          url: str | None = None, keep: Sequence[KeepEntry] = ()) -> CleanResult:
    """Clean article text with `rules` (default: the bundled packs; `cleaner.config` loads a
    project's settings when asked).

    `source` names the document in the provenance record; `url` (or its host name) selects the
    site-scoped packs that apply on top of the generic ones; `keep` names lines some rules must not
    remove (`cleaner.engine.keep`).
    """
    if not isinstance(text, str):
        raise TypeError(_not_text(text))
    rules = default_rules() if rules is None else rules
    data = text.encode("utf-8", "surrogatepass")
    info = _source_info(source, data, "utf-8", "text")
    return _clean_text(text, rules, info, _site(url, "url"), None, input_sha256=info["sha256"], keep=keep)


@dataclass(frozen=True)
class Document:
    """A document as the rules see it: its text, where it came from, its site and (HTML) extraction."""

    text: str
    source: dict[str, Any]
    domain: str | None
    extraction: dict[str, Any] | None
    domain_from: str | None = None  # what gave the domain: "url", "html metadata" or the sidecar's path
    hints: dict[str, dict[str, float]] | None = None  # HTML: what the page says about each line

    @property
    def site(self) -> dict[str, Any] | None:
        """The record's `site` (its site packs are added when cleaned)."""
        return None if self.domain is None else {"domain": self.domain, "selected_by": self.domain_from}


def wants_line_hints(rules: RuleSet) -> bool:
    """Whether a rule of `rules` reads HTML line hints (a line model with `input = "html"`)."""
    return any(getattr(r, "input", None) == "html" for r in rules.rules())


def load_document(path: str | Path, *, url: str | None = None, line_hints: bool = False) -> Document:
    """Read a `.txt`/`.md` file (decoded as UTF-8 or by detection) or an `.html`/`.htm` page (through
    trafilatura) into the text the rules run on; its domain comes from `url`, the page's metadata or a
    `page.url` sidecar. With `line_hints`, an HTML page's lines get their hints (`io/html_lines.py`).
    Raises InputError for unreadable, binary or empty documents."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot read: {exc.strerror or exc}") from exc
    if not data or data.isspace():  # (not data.strip(): that copies a large file)
        raise InputError(path, "empty document" if not data else "document holds only whitespace")
    if path.suffix.lower() in HTML_SUFFIXES:
        from cleaner.io.html import extract_tree, page_domain, parse_html  # HTML only: kept out of start-up

        tree = parse_html(data, str(path))
        text, extraction = extract_tree(tree, str(path), url)
        info = _source_info(str(path), data, "html", "html")
        site = _site(url, "url") or _site(page_domain(extraction), "html metadata")
        hints = None
        if line_hints:  # for a line model trained on what the page says about each line (one pass over the tree)
            from cleaner.io.html_lines import HINT_SOURCES, page_hints  # HTML only: kept out of start-up

            hints = page_hints(tree, text)
            extraction["line_hints"] = HINT_SOURCES
        return Document(text, info, site and site["domain"], extraction, site and site["selected_by"], hints)
    text, encoding = decode(data, str(path))
    info = _source_info(str(path), data, encoding, "text")
    del data  # keeps peak memory down on large files: from here on only the text is needed
    if not text or text.isspace():  # a byte-order mark alone; Unicode spaces such as U+3000
        raise InputError(path, "empty document" if not text else "document holds only whitespace")
    site = _site(url, "url") or _site(_sidecar_url(path), str(path.with_suffix(".url")))
    return Document(text, info, site and site["domain"], None, site and site["selected_by"])


def clean_file(path: str | Path, *, rules: RuleSet | None = None, url: str | None = None,
               keep: Sequence[KeepEntry] | None = None) -> CleanResult:
    """Clean a `.txt`/`.md` file (decoded as UTF-8 or by detection) or an `.html`/`.htm` page.

    HTML goes through trafilatura first; the record then hashes the HTML as the source and keeps
    the page metadata. Raises InputError for unreadable, binary or empty documents.
    `keep`: entries naming lines some rules must not remove; None (the default) reads the
    document's sidecar `NAME.keep.toml`, if any (`cleaner.config.Config.keep_for` adds a project's).
    """
    if keep is None:
        from cleaner.config import sidecar_keep  # config sits above the API; only this needs it

        keep = sidecar_keep(Path(path))
    rules = default_rules() if rules is None else rules
    doc = load_document(path, url=url, line_hints=wants_line_hints(rules))
    return _clean_text(doc.text, rules, doc.source, doc.site, doc.extraction, keep=keep, hints=doc.hints)


def _clean_text(text: str, rules: RuleSet, source: dict, site: dict | None, extraction: dict | None,
                input_sha256: str | None = None, keep: Sequence[KeepEntry] = (),
                hints: dict[str, dict[str, float]] | None = None) -> CleanResult:
    """`input_sha256`: the hash of `text`'s UTF-8, when the caller has it (hashing a large text twice costs);
    `hints`: what an HTML page says about each line (`io/html_lines.py`)."""
    domain = site["domain"] if site else None
    outcome = apply_rules(text, rules, domain, keep=keep, hints=hints)
    if site is not None:
        site["packs"] = [p.id for p in rules.packs if p.scope and p.applies_to(domain)]
    record = build_record(source=source, input_text=text, outcome=outcome, ruleset=rules,
                          extraction=extraction, input_sha256=input_sha256, site=site, keep=keep)
    if extraction is None:  # text input: the title and byline its first lines show (HTML has its own)
        record["input"]["metadata"] = text_metadata(outcome.text)
    return CleanResult(outcome.text, outcome.removals, record)


def _not_text(value: object) -> str:
    """The TypeError message for `clean` given something other than str."""
    if isinstance(value, bytes | bytearray | memoryview):
        return ("clean() takes the document as str, not bytes: decode it first (data.decode('utf-8')), or "
                "pass the file to cleaner.clean_file(path), which detects the encoding and records it")
    return f"clean() takes the document as str, not {type(value).__name__}"


def _sidecar_url(path: Path) -> str | None:
    """The URL in `page.url` beside `page.txt` (its first line), which selects site packs."""
    sidecar = path.with_suffix(".url")
    if not sidecar.is_file():
        return None
    try:
        lines = sidecar.read_text("utf-8").split()
    except (OSError, UnicodeDecodeError):
        return None
    return lines[0] if lines else None


def _source_info(path: str | None, data: bytes, encoding: str, fmt: str) -> dict[str, Any]:
    return {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data),
            "encoding": encoding, "format": fmt}


def _site(url: str | None, selected_by: str) -> dict[str, Any] | None:
    """The record's `site`: the document's domain and what gave it (its site packs are added later)."""
    domain = _domain(url)
    return None if domain is None else {"domain": domain, "selected_by": selected_by}


def domain_of(url: str | None) -> str | None:
    """The lower-cased host name of a URL (or of a bare host name); None when there is none."""
    return _domain(url)


def _domain(url: str | None) -> str | None:
    if not url:
        return None
    return (urlsplit(url if "//" in url else "//" + url).hostname or "").lower() or None


def site_host(path: str | Path | None, url: str | None = None, extraction: dict | None = None) -> str | None:
    """The host name that selects site packs for a document, found as `clean` and `clean_file` find
    it: from `url`, else the page metadata of an HTML `extraction`, else the `.url` sidecar of `path`."""
    if url:
        return _domain(url)
    if extraction:
        from cleaner.io.html import page_domain  # an extraction comes from cleaner.io.html: loaded already

        return page_domain(extraction)
    return _domain(_sidecar_url(Path(path))) if path else None
