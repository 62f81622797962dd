"""HTML input: trafilatura turns a page into text (favor_recall, so the body is complete) plus metadata.

When favor_recall's text is under `fallback_share` of the text the page holds in `<p>` elements, it
missed the article (on some pages favor_recall follows a wrong container that the default settings
do not), and the default extraction is taken instead when it is longer: one more extraction on about
2% of pages. When the text is still under `baseline_share` of it (about 5% of pages), trafilatura's
`baseline` (embedded JSON article body, `<article>`, else every paragraph) is tried, and taken when
it holds about the page's paragraph text (`baseline_band`), is longer, and holds most of the text
found so far (`baseline_contains`): the extractors stopped part-way through an article whose
paragraphs are all on the page. The four are `ExtractionParams`' fields, shipped as `PARAMS`. README,
"Quality on real pages", for what each gains and how they were chosen.

The rules then run on that text. The record keeps the page metadata and the settings used.

Metadata takes trafilatura's cheap path, not `extract(with_metadata=True)`. That call runs htmldate's
extensive date search (dateparser over the page's text: on some pages 2 s of 2.5 s), an XPath hunt
for bylines, categories, tags, a licence and a content fingerprint, and made HTML cleaning about 0.65x
`trafilatura.extract`'s speed. Here the page is parsed once, and the metadata is read from what the
page declares: `<meta>` tags and OpenGraph (trafilatura's `examine_meta`), JSON-LD
(`extract_meta_json`), the `<title>`/`<h1>` when no title is declared, the canonical URL, and the
date from htmldate *without* extensive search (dates in meta tags, `<time>` elements, the URL and
known markup; not free text). What that loses, measured on the 781 dev pages: see README,
"HTML input". The article text is byte-identical to `extract(favor_recall=True, with_metadata=True)`
(the same tree, settings and URL reach the extractor), or on a fallback the default settings' output
or the baseline's text (NFC, as extract() gives).
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache
from typing import Any

from cleaner.errors import InputError
from cleaner.io.html_parse import parse_html

SETTINGS = {"favor_recall": True, "include_comments": False, "deduplicate": False}
FALLBACK_SETTINGS = {"favor_recall": False, "include_comments": False, "deduplicate": False}


@dataclass(frozen=True)
class ExtractionParams:
    """When the default extraction and trafilatura's baseline are tried and taken (the shipped values
    are `PARAMS`; `tests/bench/html_params.py` chooses them on a dev set's training folds)."""

    fallback_share: float = 0.2  # favor_recall's text under this share of the page's paragraph text: try the default
    baseline_share: float = 0.6  # the text still under this share of the paragraph text: try trafilatura's baseline
    baseline_band: tuple[float, float] = (0.8, 2.0)  # ... taken when it holds about the paragraph text (this band),
    baseline_contains: float = 0.5  # ... is longer, and holds at least this share of the text's shingles

    def fallback(self) -> dict[str, Any]:
        """The record's `fallback`: the settings and when they are taken."""
        return {"settings": FALLBACK_SETTINGS, "when": f"favor_recall's text is under {self.fallback_share} of the "
                "page's <p> text and the default extraction is longer"}

    def baseline(self) -> dict[str, Any]:
        """The record's `baseline`: the tool and when its text is taken."""
        low, high = self.baseline_band
        return {"tool": "trafilatura.baseline", "when": f"the text is under {self.baseline_share} of the page's <p> "
                f"text, and the baseline's is {low}-{high} times the <p> text, longer, and holds "
                f"{self.baseline_contains} of the text's shingles"}


PARAMS = ExtractionParams()
METADATA = {"date_search": "htmldate, extensive_search=False"}
# trafilatura's JSON names, kept so records read as they did: url is "source", sitename "source-hostname".
METADATA_FIELDS = (("title", "title"), ("author", "author"), ("date", "date"), ("source", "url"),
                   ("source-hostname", "sitename"), ("hostname", "hostname"))


def extract_html(data: bytes, path: str, url: str | None = None) -> tuple[str, dict[str, Any]]:
    """Return (text, extraction info) for an HTML page; InputError when nothing can be extracted."""
    return extract_tree(parse_html(data, path), path, url)


def extract_tree(tree: Any, path: str, url: str | None = None,
                 params: ExtractionParams = PARAMS) -> tuple[str, dict[str, Any]]:
    """`extract_html` on a tree from `parse_html`, which it leaves unchanged (the extractor works on a copy);
    `params` says when the fallback and the baseline are taken (default: the shipped `PARAMS`)."""
    metadata = page_metadata(tree, url)
    # deduplicate=False: trafilatura's dedup cache is process-wide, so a page seen several times in
    # a run would come back empty the fourth time. The extractor gets the URL extract() would give it:
    # ours, else the page's own.
    text, used = choose_text(Candidates(tree, url or metadata.get("source")), params)
    if not text.strip():
        raise InputError(path, "trafilatura found no article text in this HTML")
    info = {"tool": "trafilatura", "version": trafilatura_version(), "settings": {**SETTINGS, **METADATA},
            "fallback": params.fallback(), "baseline": params.baseline(), "used": used, "metadata": metadata}
    return text, info


class Candidates:
    """A page's candidate texts, each extracted when first asked for: favor_recall's, the default
    settings', trafilatura's baseline, and the characters of the page's `<p>` text."""

    def __init__(self, tree: Any, url: str | None) -> None:
        self.tree, self.url = tree, url

    @cached_property
    def favor_recall(self) -> str:
        return _extract_text(self.tree, self.url, SETTINGS)

    @cached_property
    def default(self) -> str:
        return _extract_text(self.tree, self.url, FALLBACK_SETTINGS)

    @cached_property
    def baseline(self) -> str:
        return _baseline_text(self.tree)

    @cached_property
    def paragraphs(self) -> int:
        return paragraph_chars(self.tree)


def choose_text(found: Any, params: ExtractionParams = PARAMS) -> tuple[str, str]:
    """(text, which candidate) of `found` (a `Candidates`, or any object with its four attributes, read
    only as needed): favor_recall's text, else, when it is under `fallback_share` of the `<p>` text,
    the default extraction when longer; then, when the text is under `baseline_share` of it, the
    baseline when it holds `baseline_band` of the `<p>` text, is longer and holds `baseline_contains`
    of the text's shingles."""
    text, used = found.favor_recall, "favor_recall"
    paragraphs = found.paragraphs
    if len(text) < params.fallback_share * paragraphs and len(found.default) > len(text):
        text, used = found.default, "default"
    if len(text) < params.baseline_share * paragraphs:
        whole, (low, high) = found.baseline, params.baseline_band
        if low * paragraphs <= len(whole) <= high * paragraphs and len(whole) > len(text) \
                and _contained_share(text, whole) >= params.baseline_contains:
            text, used = whole, "baseline"
    return text, used


def _extract_text(tree: Any, url: str | None, settings: dict[str, bool]) -> str:
    import trafilatura  # here, not at the top: it is a third of the command's start-up, and only HTML needs it

    document = trafilatura.bare_extraction(tree, url=url, with_metadata=False, **settings)
    # extract() normalises its whole output to NFC (a Kelvin sign becomes K); so do we, for the same text.
    return unicodedata.normalize("NFC", document.text or "") if document is not None else ""


def _baseline_text(tree: Any) -> str:
    from trafilatura import baseline

    _, text, _ = baseline(tree)  # on a copy: the tree is left as it was
    return unicodedata.normalize("NFC", text)


_WORD = re.compile(r"\w+")


def _contained_share(part: str, whole: str) -> float:
    """The share of `part`'s 4-word shingles (lower case) that `whole` holds (1 when it has none)."""
    def shingles(text: str) -> set[tuple[str, ...]]:
        words = _WORD.findall(text.lower())
        return {tuple(words[i:i + 4]) for i in range(len(words) - 3)}

    own = shingles(part)
    return len(own & shingles(whole)) / len(own) if own else 1.0


def trafilatura_version() -> str:
    from trafilatura import __version__

    return __version__


@lru_cache(maxsize=1)
def _normalized_length() -> Any:
    from lxml import etree  # here, with trafilatura: only HTML input needs lxml

    return etree.XPath("string-length(normalize-space(.))")


def paragraph_chars(tree: Any) -> int:
    """The characters of the page's `<p>` elements, whitespace collapsed (one XPath call per element, in C)."""
    length = _normalized_length()
    return sum(int(length(p)) for p in tree.iter("p"))


# Every element trafilatura's AUTHOR_XPATHS can match has one of these strings (case as they test it)
# in its class, id, rel, itemprop, data-testid or data-component, or is an `author` element or the
# parent of a `rel` one. Looking for them first (one XPath per attribute, one regex over its values,
# stopping at the first attribute that holds one) spares the pages without any, about half of those
# that declare no author, extract_author's deep copy, pruning and per-element regex callbacks: the
# same answer at a tenth of the cost on those pages.
AUTHOR_STRINGS = ("uthor", "yline", "byl", "BBL", "username", "screenname", "writer", "channel-name", "zuozhe",
                  "bianji", "xiaobian", "submitted-by", "posted-by", "journalist-name")
AUTHOR_ATTRIBUTES = ("class", "id", "rel", "itemprop", "data-testid", "data-component")


@lru_cache(maxsize=1)
def _author_attributes() -> tuple[tuple[Any, ...], re.Pattern]:
    from lxml import etree

    # One XPath per attribute, not their union: a union sorts its nodes into document order, which
    # cost more than the six walks.
    return (tuple(etree.XPath(f"//@{name}", smart_strings=False) for name in AUTHOR_ATTRIBUTES),
            re.compile("|".join(map(re.escape, AUTHOR_STRINGS))))


def may_name_author(tree: Any) -> bool:
    """False when no element of `tree` can match trafilatura's author XPaths (see AUTHOR_STRINGS)."""
    attributes, strings = _author_attributes()
    return any(strings.search(" ".join(values(tree))) for values in attributes) \
        or tree.find(".//author") is not None or tree.find(".//rel") is not None


def page_metadata(tree: Any, url: str | None) -> dict[str, str]:
    """Title, author, date, URL, site name and host name the page declares (empty fields left out).

    Reads `tree` without changing it. The date search looks no further than htmldate's cheap
    sources, with today as the latest date allowed (as trafilatura does).
    """
    from courlan import extract_domain
    from htmldate import find_date
    from trafilatura.metadata import (
        META_URL,
        examine_meta,
        extract_author,
        extract_meta_json,
        extract_sitename,
        extract_title,
        extract_url,
    )

    found = examine_meta(tree)
    if found.author and " " not in found.author:  # trafilatura's own guard against handles
        found.author = None
    with contextlib.suppress(Exception):  # trafilatura's JSON-LD reader raises on malformed markup of many kinds
        found = extract_meta_json(tree, found)
    found.title = found.title or extract_title(tree)
    found.author = found.author or (extract_author(tree) if may_name_author(tree) else None)
    found.url = found.url or extract_url(tree, url)
    if found.url:
        found.hostname = extract_domain(found.url, fast=True)
    found.date = find_date(tree, url=found.url, original_date=True, extensive_search=False,
                           max_date=date.today().isoformat())
    found.sitename = (found.sitename or extract_sitename(tree) or "").lstrip("@") or None
    if found.sitename and "." not in found.sitename and not found.sitename[0].isupper():
        found.sitename = found.sitename.title()  # as trafilatura does
    elif not found.sitename and found.url and (host := META_URL.match(found.url)):
        found.sitename = host[1]
    found.clean_and_trim()
    return {name: getattr(found, slot) for name, slot in METADATA_FIELDS if getattr(found, slot)}


def page_domain(info: dict[str, Any]) -> str | None:
    """The page's host name as trafilatura found it (used to pick site-scoped rule packs)."""
    return info.get("metadata", {}).get("hostname")
