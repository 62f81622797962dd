"""HTML input: the cheap metadata path gives the same article text as trafilatura's full
`extract(with_metadata=True)`, and still records title, date, URL and host (real trafilatura, real pages)."""

from __future__ import annotations

import json

import pytest
import trafilatura

from cleaner.io.html import SETTINGS, extract_html

from .conftest import ROOT, SHARED

PAGES = sorted((ROOT / "tests" / "data" / "html").glob("*.html"))
DEV_SAMPLE = sorted((SHARED / "devset").glob("*.html"))[::40]  # 20 pages of the dev set, when it is there


def full_extract(data: bytes, url: str | None) -> dict:
    return json.loads(trafilatura.extract(data, url=url, with_metadata=True, output_format="json", **SETTINGS))


@pytest.mark.parametrize("page", PAGES + DEV_SAMPLE, ids=lambda p: p.name)
def test_text_is_byte_identical_to_trafilatura_extract_with_metadata(page):
    url_file = page.with_suffix(".url")
    url = url_file.read_text("utf-8").strip() if url_file.exists() else None
    data = page.read_bytes()
    text, info = extract_html(data, str(page), url)
    reference = full_extract(data, url)
    assert text == reference["text"]
    assert info["metadata"].get("title") == reference.get("title")
    assert info["metadata"].get("hostname") == reference.get("hostname")


def test_metadata_fields_and_settings_are_recorded():
    page = next(p for p in PAGES if "newsletter" in p.name)
    _, info = extract_html(page.read_bytes(), str(page), "https://news.example.com/a/story")
    assert info["tool"] == "trafilatura"
    assert info["settings"]["date_search"] == "htmldate, extensive_search=False"
    # the page's canonical URL wins over the one given, as in trafilatura
    assert info["metadata"]["hostname"] == "riverside-courier.example"
    assert info["metadata"]["title"]
    assert set(info["metadata"]) <= {"title", "author", "date", "source", "source-hostname", "hostname"}
