"""The HTML report in a real headless browser: Debian's chromium, driven by Playwright.

Playwright never downloads a browser here: it launches /usr/bin/chromium (`.ci/run` installs it).
The test skips only when chromium is absent on a developer's machine; on CI (CI=true) a missing
browser is a failure, so the check cannot silently stop running.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright  # a dev dependency

from .test_report import make_corpus, run

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

if not CHROMIUM.exists() and not os.environ.get("CI"):
    pytest.skip("needs Debian's chromium (apt-get install -y chromium); CI installs it", allow_module_level=True)



@pytest.fixture(scope="module")
def page(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    _, out = make_corpus(tmp)
    assert run("report", str(out)).exit_code == 0
    url = (out / "report.html").as_uri()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        requests: list[str] = []
        dialogs: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(url)
        page.wait_for_load_state("load")
        yield page, requests, dialogs, errors, url
        browser.close()


def _visible(page, selector: str) -> list[dict]:
    """(rule, category) of the elements matching `selector` that the browser renders."""
    return page.eval_on_selector_all(
        selector, "els => els.filter(e => e.offsetParent !== null || e.getClientRects().length > 0)"
                  ".map(e => ({rule: e.dataset.rule, category: e.dataset.category}))")


def test_page_renders_without_requests_errors_or_injected_script(page):
    page, requests, dialogs, errors, url = page
    assert page.title().startswith("cleaner report: out")
    assert page.locator("h1").inner_text() == "Removals in out"
    assert len(_visible(page, "#rules article.rule")) >= 5
    assert requests == [url]  # the page itself and nothing else
    assert dialogs == [] and errors == []
    assert page.locator("text=<script>alert('x')</script> & more").count() == 2  # shown as text


def test_filter_by_one_rule_hides_the_other_rules_lines(page):
    page = page[0]
    every = {r["rule"] for r in _visible(page, ".removed")}
    assert {"listing-link", "markup-line", "newsletter-signup-block"} <= every
    page.select_option("#filter-rule", "listing-link")
    shown = _visible(page, "[data-rule]")
    assert shown and {r["rule"] for r in shown} == {"listing-link"}
    assert {r["rule"] for r in _visible(page, "#rules article.rule")} == {"listing-link"}
    assert _visible(page, ".doc .removed")  # the rule's lines in the document views stay
    docs = page.eval_on_selector_all(".doc", "els => els.filter(e => !e.hidden).map(e => e.id)")
    assert docs and all(page.locator(f"#{d} .removed[data-rule='listing-link']").count() for d in docs)
    page.select_option("#filter-rule", "")
    assert {r["rule"] for r in _visible(page, ".removed")} == every


def test_filter_by_category_shows_only_that_category(page):
    page = page[0]
    page.select_option("#filter-category", "hostile")
    assert {r["rule"] for r in _visible(page, "[data-rule]")} == {"markup-line"}
    assert {r["category"] for r in _visible(page, "[data-rule]")} == {"hostile"}
    page.select_option("#filter-category", "")


def test_each_sample_links_to_its_documents_view(page):
    page = page[0]
    targets = page.eval_on_selector_all(
        "a.sample", "els => els.map(a => { const t = document.getElementById(a.hash.slice(1));"
                    " return {hash: a.hash, text: a.textContent, doc: t && t.closest('.doc') && t.closest('.doc').id,"
                    " title: t && t.closest('.doc').querySelector('h3').textContent}; })")
    assert targets
    for target in targets:
        assert target["doc"] is not None, target
        assert target["text"].startswith(target["title"] + ":"), target  # the sample names its document
    last = page.locator("a.sample").last
    hash_ = last.evaluate("a => a.hash")
    last.click()
    assert page.evaluate("location.hash") == hash_
    line = page.locator(hash_)
    assert line.is_visible()
    box = line.bounding_box()
    header = page.locator("header").bounding_box()
    assert box is not None and header["height"] <= box["y"] < 800  # scrolled into view, below the sticky header
    assert "removed" in line.get_attribute("class")
