"""`cleaner report OUT`: the HTML review page of a cleaned corpus, read from OUT's manifest and records.

The page is checked twice: its content here, and its behaviour in a real headless Chromium
(tests/test_report_browser.py).
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner.cli.main import main
from cleaner.review.collect import read_cleaned

from .conftest import SEEDS

HOSTILE_PACK = '''
id = "hostile"
version = "1"
description = "Removes lines that look like markup, to check the report escapes them"

[[rules]]
id = "markup-line"
kind = "line"
pattern = '^<script>'
rationale = "test"
examples.remove = ["<script>x</script>"]
examples.keep = ["a <script> in the middle"]
'''


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def make_corpus(tmp_path: Path) -> tuple[Path, Path]:
    """Seeds plus a document with markup, cleaned with the bundled rules and a pack removing the markup."""
    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    (src / "hostile.txt").write_text("A headline\n\n<script>alert('x')</script> & more\n\nThe body says \"hi\".\n",
                                     "utf-8")
    (src / "plain.txt").write_text("Nothing to remove here.\n", "utf-8")
    pack = tmp_path / "hostile.toml"
    pack.write_text(HOSTILE_PACK, "utf-8")
    out = tmp_path / "out"
    result = run("clean", str(src), "-o", str(out), "--rules", str(pack))
    assert result.exit_code == 0, result.output
    return src, out


class _Page(HTMLParser):
    """Collects ids, links, script bodies and the text of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.sources: list[str] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a":
            self.hrefs.append(attrs.get("href", ""))
        for name in ("src", "srcset"):
            if name in attrs:
                self.sources.append(attrs[name])
        if tag == "link":
            self.sources.append(attrs.get("href", ""))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        (self.scripts if self._in_script else self.text).append(data)


def test_report_lists_each_rule_with_distinct_lines_counts_and_samples(tmp_path):
    _, out = make_corpus(tmp_path)
    result = run("report", str(out))
    assert result.exit_code == 0, result.output
    assert "5 documents" in result.output
    html = (out / "report.html").read_text("utf-8")
    page = _Page()
    page.feed(html)
    manifest = [row for line in (out / "manifest.jsonl").read_text("utf-8").splitlines()
                if "source" in (row := json.loads(line))]  # the first line: the run's rule set
    rules = {rule for row in manifest for rule in row["by_rule"] if not rule.startswith("layout.")}
    assert {f"rule-{rule}" for rule in rules} <= page.ids
    # Every sample links to a line of a document view that exists in the page.
    samples = [h for h in page.hrefs if h.startswith("#doc-")]
    assert samples and all(h[1:] in page.ids for h in samples)
    # The newsletter sign-up line of seed 001 is removed twice in it: one distinct line, count 2.
    assert re.search(r'<td class="num">2</td><td><code>THANK YOU</code></td>', html)
    # Self-contained: no external resource of any kind, and no network call in the script.
    assert page.sources == []
    assert not any(h.startswith(("http:", "https:", "//")) for h in page.hrefs)
    assert not re.search(r"\b(fetch|XMLHttpRequest|import\()", "".join(page.scripts))


def test_report_escapes_document_text(tmp_path):
    _, out = make_corpus(tmp_path)
    assert run("report", str(out), "-o", str(tmp_path / "r.html")).exit_code == 0
    html = (tmp_path / "r.html").read_text("utf-8")
    page = _Page()
    page.feed(html)
    # The removed line appears as text (in the rule's table and in the document view), never as markup.
    assert "<script>alert(" not in html
    assert sum("<script>alert('x')</script> & more" in t for t in page.text) == 2
    assert len(page.scripts) == 1  # only the page's own filter script


def test_report_marks_removed_lines_with_their_rule_in_each_document_view(tmp_path):
    _, out = make_corpus(tmp_path)
    html = run("report", str(out), "-o", "-").stdout
    view = html[html.index('<section id="documents">'):]
    assert 'data-rule="listing-link"' in view
    assert "1 document without rule removals not shown" in view  # plain.txt
    line = re.search(r'<div class="line removed" id="doc-\d+-L3" data-rule="markup-line" data-category="hostile">'
                     r'<span class="no">3</span><span class="tag">markup-line</span>([^<]*)</div>', view)
    assert line and line.group(1) == "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more"


def test_report_reads_jsonl_corpora_and_names_unreadable_documents(tmp_path):
    src = tmp_path / "web.jsonl"
    src.write_text(json.dumps({"id": "a1", "text": "Body.\nView all newsletters\n"}) + "\n"
                   + json.dumps({"id": "a2", "text": "Nothing here.\n"}) + "\n", "utf-8")
    out = tmp_path / "out"
    assert run("clean", str(src), "-o", str(out)).exit_code == 0
    (out / "seed.txt").write_text("x\n", "utf-8")
    documents = list(read_cleaned(out))
    assert [d.name for d in documents] == [f"{src}#a1", f"{src}#a2"]
    assert documents[0].text == "Body.\nView all newsletters\n"
    assert [r["rule_id"] for r in documents[0].removals] == ["listing-link"]
    html = run("report", str(out), "-o", "-").stdout
    assert f'href="#doc-0-L2">{src}#a1:2</a>' in html


def test_report_reads_parquet_corpora(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    src = tmp_path / "web.parquet"
    pq.write_table(pa.Table.from_pylist([{"id": "p1", "text": "Body.\nView all newsletters\n"},
                                         {"id": "p2", "text": "Nothing here.\n"}]), src)
    out = tmp_path / "out"
    assert run("clean", str(src), "-o", str(out)).exit_code == 0
    documents = list(read_cleaned(out))
    assert [d.name for d in documents] == [f"{src}#p1", f"{src}#p2"] and not any(d.error for d in documents)
    assert documents[0].text == "Body.\nView all newsletters\n"
    assert [r["rule_id"] for r in documents[0].removals] == ["listing-link"]


def test_report_names_documents_whose_outputs_were_edited(tmp_path):
    _, out = make_corpus(tmp_path)
    edited = out / "001_22eb14aad1dde7e7.txt"
    edited.write_text(edited.read_text("utf-8") + "added by hand\n", "utf-8")
    result = run("report", str(out))
    assert result.exit_code == 0
    assert "1 could not be read" in result.output
    html = (out / "report.html").read_text("utf-8")
    assert re.search(r'<li class="error">[^<]*001_22eb14aad1dde7e7.txt: cannot restore: the clean text does not '
                     r"match", html)


def test_report_on_a_folder_that_is_not_a_cleaned_corpus_is_a_usage_error(tmp_path):
    result = run("report", str(tmp_path))
    assert result.exit_code == 2
    assert "manifest.jsonl" in result.output


def test_report_groups_rules_by_their_category_and_unknown_rules_by_pack(tmp_path):
    _, out = make_corpus(tmp_path)
    html = run("report", str(out), "-o", "-").stdout
    # Bundled rules carry categories; the extra pack was not given to `report`, so its rule is grouped by pack.
    assert re.search(r'<article class="rule" id="rule-more-from-tail" data-rule="more-from-tail" '
                     r'data-category="related">', html)
    assert '<option value="hostile">hostile (pack)</option>' in html
    with_pack = run("report", str(out), "-o", "-", "--rules", str(tmp_path / "hostile.toml")).stdout
    assert '<option value="hostile">hostile (pack)</option>' not in with_pack
    assert 'data-rule="markup-line" data-category="other"' in with_pack
