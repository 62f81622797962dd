"""The HTML path's extraction parameters, chosen on training pages (tests/bench/html_params.py): the
choice scores the raw extractions, and where the pages cannot tell two gates apart it takes the one
that acts on the fewest pages."""

from __future__ import annotations

import sys

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "tests" / "bench"))
import html_params  # noqa: E402
from devset import Page  # noqa: E402

from cleaner.io.html import ExtractionParams  # noqa: E402

BODY = "the ferry returns to the harbour after a winter of repairs and the town is glad to see it back"
MENU = "home news sport weather contact subscribe sign in search the site today"


def _page(tmp_path, name, gold, found):
    (tmp_path / f"{name}.gold.txt").write_text(gold, "utf-8")
    (tmp_path / f"{name}.html").write_text(f"<html><body><p>{found.baseline}</p></body></html>", "utf-8")
    page = Page(name, 0, f"{name}.example", tmp_path)
    html_params._found[page.id] = found
    return page


def test_the_choice_takes_the_baseline_where_it_holds_the_article_and_the_narrowest_gate_on_ties(tmp_path):
    # favor_recall stopped after the first words of the article; the baseline holds all of it
    start = " ".join(BODY.split()[:6])
    short = _page(tmp_path, "short", BODY, html_params.Found(start, start, BODY, len(BODY)))
    # favor_recall has the article; the baseline is the page's menu (never wanted)
    whole = _page(tmp_path, "whole", BODY, html_params.Found(BODY, BODY, MENU + " " + BODY, 3 * len(BODY)))
    try:
        chosen, f1 = html_params.choose([short, whole])
        assert f1 == 1.0
        # the baseline is taken on the first page only: the narrowest gate that does it
        least = min(s for s in html_params.BASELINE_SHARES if len(start) < s * len(BODY))
        assert chosen.fallback_share == 0.0 and chosen.baseline_share == least
        assert chosen.baseline_band == (0.9, 1.1) and chosen.baseline_contains == 0.8
        assert html_params.page_input(short, None, chosen)[0] == BODY
        assert html_params.page_input(whole, None, ExtractionParams(baseline_share=1.0))[0] == BODY
    finally:
        for page in (short, whole):
            html_params._found.pop(page.id)
