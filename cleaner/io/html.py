"""HTML input: trafilatura turns a page into text (favor_recall, so the body is complete) plus metadata.

The rules then run on that text. The record keeps the page metadata trafilatura found and the
settings used; trafilatura's `filedate` (the day of the run) is left out so records stay
deterministic.
"""

from __future__ import annotations

import json
from typing import Any

from cleaner.errors import InputError

SETTINGS = {"favor_recall": True, "include_comments": False, "deduplicate": False, "output_format": "json"}
METADATA_FIELDS = ("title", "author", "date", "source", "source-hostname", "hostname", "fingerprint",
                   "language", "categories", "tags", "pagetype")


def extract_html(data: bytes, path: str, url: str | None = None) -> tuple[str, dict[str, Any]]:
    """Return (text, extraction info) for an HTML page; InputError when nothing can be extracted."""
    import trafilatura  # here, not at the top: it is a third of the command's start-up, and only HTML needs it

    # deduplicate=False: trafilatura's dedup cache is process-wide, so a page seen several times in
    # a run would come back empty the fourth time.
    result = trafilatura.extract(data, url=url, with_metadata=True, **SETTINGS)
    if result is None:
        raise InputError(path, "trafilatura found no article text in this HTML")
    record = json.loads(result)
    text = record.get("text") or ""
    if not text.strip():
        raise InputError(path, "trafilatura found no article text in this HTML")
    metadata = {name: record.get(name) for name in METADATA_FIELDS if record.get(name)}
    info = {"tool": "trafilatura", "version": trafilatura.__version__, "settings": SETTINGS,
            "metadata": metadata}
    return text, info


def page_domain(info: dict[str, Any]) -> str | None:
    """The page's host name as trafilatura found it (used to pick site-scoped rule packs)."""
    return info.get("metadata", {}).get("hostname")
