"""HTML input: the cheap metadata path gives the same article text as trafilatura's full
`extract(with_metadata=True)`, and still records title, date, URL and host (real trafilatura, real pages)."""

from __future__ import annotations

import json
import unicodedata

import pytest
import trafilatura
from lxml import etree

from cleaner.io.html import (
    FALLBACK_SETTINGS,
    PARAMS,
    SETTINGS,
    extract_html,
    paragraph_chars,
    parse_html,
)

from .conftest import ROOT, SHARED

PAGES = sorted((ROOT / "tests" / "data" / "html").glob("*.html"))
DEV_SAMPLE = sorted((SHARED / "devset").glob("*.html"))[::40]  # 20 pages of the dev set, when it is there


def full_extract(data: bytes, url: str | None, settings: dict = SETTINGS) -> dict:
    return json.loads(trafilatura.extract(data, url=url, with_metadata=True, output_format="json", **settings))


@pytest.mark.parametrize("page", PAGES + DEV_SAMPLE, ids=lambda p: p.name)
def test_text_is_byte_identical_to_trafilatura_extract_with_metadata(page):
    url_file = page.with_suffix(".url")
    url = url_file.read_text("utf-8").strip() if url_file.exists() else None
    data = page.read_bytes()
    text, info = extract_html(data, str(page), url)
    reference = full_extract(data, url, FALLBACK_SETTINGS if info["used"] == "default" else SETTINGS)
    if info["used"] == "baseline":
        assert text == unicodedata.normalize("NFC", trafilatura.baseline(data)[1])
    else:
        assert text == reference["text"]
    assert info["metadata"].get("title") == reference.get("title")
    assert info["metadata"].get("hostname") == reference.get("hostname")


ODD_INPUTS = [b"", b"plain text, no markup", b"<p>one fragment</p>", b"\x00\x01\x02 binary",
              '<?xml version="1.0" encoding="utf-8"?><html><body><p>\u00e9t\u00e9</p></body></html>'.encode(),
              b"<html/>\n<body><p>a self-closed html tag</p></body>", "<html><body><p>caf\u00e9</p>".encode("latin-1")]


@pytest.mark.parametrize("data", [p.read_bytes() for p in PAGES + DEV_SAMPLE] + ODD_INPUTS)
def test_parse_gives_trafilaturas_tree_with_plain_element_classes(data):
    """parse_html's tree is load_html's (same markup, doctype, rejections), its elements plain HtmlElement."""
    from lxml.html import HtmlElement
    from trafilatura.utils import load_html

    from cleaner.errors import InputError

    reference = load_html(data)
    if reference is None:
        with pytest.raises(InputError):
            parse_html(data, "page.html")
        return
    tree = parse_html(data, "page.html")
    assert etree.tostring(tree.getroottree()) == etree.tostring(reference.getroottree())
    assert all(type(e) is HtmlElement for e in tree.iter() if isinstance(e.tag, str))


def test_metadata_fields_and_settings_are_recorded():
    page = next(p for p in PAGES if "newsletter" in p.name)
    _, info = extract_html(page.read_bytes(), str(page), "https://news.example.com/a/story")
    assert info["tool"] == "trafilatura"
    assert info["settings"]["date_search"] == "htmldate, extensive_search=False"
    # the page's canonical URL wins over the one given, as in trafilatura
    assert info["metadata"]["hostname"] == "riverside-courier.example"
    assert info["metadata"]["title"]
    assert set(info["metadata"]) <= {"title", "author", "date", "source", "source-hostname", "hostname"}


@pytest.mark.skipif(not (SHARED / "devset").is_dir(), reason="../shared/devset is not beside this checkout")
def test_favor_recall_falls_back_to_the_default_settings_when_it_misses_the_article():
    """On every 8th dev page: where favor_recall's text (the page's .recall.txt) is under PARAMS.fallback_share
    of the page's paragraph text, the default extraction is taken when longer, the record says so, and
    it holds more of the gold body; elsewhere the text is favor_recall's."""
    import sys

    sys.path.insert(0, str(ROOT / "tests" / "bench"))
    from evaluate import score_page

    fell_back = []
    for page in sorted((SHARED / "devset").glob("*.html"))[::8]:
        recall = page.with_name(page.stem + ".recall.txt").read_text("utf-8")
        data = page.read_bytes()
        if len(recall) >= PARAMS.fallback_share * paragraph_chars(parse_html(data, str(page))):
            continue
        text, info = extract_html(data, str(page), page.with_suffix(".url").read_text("utf-8").strip())
        assert info["fallback"]["settings"] == FALLBACK_SETTINGS
        if info["used"] == "default":
            gold = page.with_name(page.stem + ".gold.txt").read_text("utf-8")
            assert len(text) > len(recall) and score_page(text, gold).recall > score_page(recall, gold).recall
            fell_back.append(page.name)
        else:
            assert info["used"] in ("favor_recall", "baseline")
            assert info["used"] == "baseline" or text.strip() == recall.strip()
    assert fell_back, "no page of the sample fell back (the sample holds one)"


@pytest.mark.skipif(not (SHARED / "devset").is_dir(), reason="../shared/devset is not beside this checkout")
def test_baseline_is_taken_when_the_extractors_stop_part_way_through_the_paragraphs():
    """On every 8th dev page: where the extracted text is under PARAMS.baseline_share of the page's paragraph
    text, trafilatura's baseline is taken only when it holds about that paragraph text, is longer and
    holds the text found so far; the record says so. The sample holds a page where it is taken, and
    there it holds more of the gold body."""
    import sys

    sys.path.insert(0, str(ROOT / "tests" / "bench"))
    from evaluate import score_page

    taken = []
    for page in sorted((SHARED / "devset").glob("*.html"))[::8]:
        data = page.read_bytes()
        paragraphs = paragraph_chars(parse_html(data, str(page)))
        recall = page.with_name(page.stem + ".recall.txt").read_text("utf-8")
        text, info = extract_html(data, str(page), page.with_suffix(".url").read_text("utf-8").strip())
        assert info["baseline"]["tool"] == "trafilatura.baseline"
        if info["used"] != "baseline":
            continue
        assert len(recall) < PARAMS.baseline_share * paragraphs
        low, high = PARAMS.baseline_band
        assert low * paragraphs <= len(text) <= high * paragraphs and len(text) > len(recall)
        gold = page.with_name(page.stem + ".gold.txt").read_text("utf-8")
        assert score_page(text, gold).recall > score_page(recall, gold).recall
        taken.append(page.name)
    assert taken, "no page of the sample took the baseline (the sample holds one)"


def test_the_extraction_parameters_decide_which_candidate_text_is_taken():
    """`choose_text` reads the candidates only as needed and takes the default extraction, then the
    baseline, exactly where `ExtractionParams` says; `extract_tree` records the parameters it used."""
    from types import SimpleNamespace

    from cleaner.io.html import ExtractionParams, choose_text, extract_tree

    sentence = "the ferry returns to the harbour after a winter of repairs and the town is glad of it"
    words = sentence.split()
    start = " ".join(words[:4])  # favor_recall stopped after four words
    middle = " ".join(words[:10])  # the default went further
    whole = " ".join(words) + " " + " ".join(words)  # the baseline holds all of it
    paragraphs = round(len(whole) / 1.2)
    found = SimpleNamespace(favor_recall=start, default=middle, baseline=whole, paragraphs=paragraphs)
    assert choose_text(found) == (whole, "baseline")
    assert choose_text(found, ExtractionParams(baseline_share=0.0)) == (middle, "default")
    assert choose_text(found, ExtractionParams(fallback_share=0.0, baseline_share=0.0)) == (start, "favor_recall")
    assert choose_text(found, ExtractionParams(baseline_band=(1.3, 2.0))) == (middle, "default")
    unrelated = SimpleNamespace(favor_recall=start, default=middle, paragraphs=paragraphs,
                                baseline=" ".join(reversed(words)) * 2)
    assert choose_text(unrelated) == (middle, "default")  # it does not hold what the extractors found
    assert choose_text(unrelated, ExtractionParams(baseline_contains=0.0))[1] == "baseline"
    # a long favor_recall text never asks for the other candidates
    assert choose_text(SimpleNamespace(favor_recall=whole, paragraphs=paragraphs)) == (whole, "favor_recall")

    page = next(p for p in PAGES if "newsletter" in p.name)
    narrow = ExtractionParams(fallback_share=0.1, baseline_share=0.3, baseline_band=(0.9, 1.5), baseline_contains=0.8)
    _, info = extract_html(page.read_bytes(), str(page))
    _, narrow_info = extract_tree(parse_html(page.read_bytes(), str(page)), str(page), params=narrow)
    assert info["fallback"] == PARAMS.fallback() and info["baseline"] == PARAMS.baseline()
    assert "0.1 of" in narrow_info["fallback"]["when"] and "0.9-1.5 times" in narrow_info["baseline"]["when"]
