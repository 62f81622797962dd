"""The HTML line hints' compiled part (cleaner/io/_treefast.c) against its pure-Python reference in
`html_lines`: the same blocks, numbers and keys on generated pages, and the same hints from
`page_hints` either way on a page and on dev pages."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.io import html_lines
from cleaner.io.html_parse import parse_html
from cleaner.rules.features import hint_key

from .conftest import SHARED

needs_compiled = pytest.mark.skipif(html_lines._treefast is None, reason="the compiled speed-up is not built")

# Text pieces that reach every branch of hint_key: whitespace (ASCII, no-break, em and ideographic
# spaces), table bars and their escapes, list markers, multi-byte characters and entities.
PIECES = ["a", "Home", " ", "  ", "\n", "\t", "\u00a0", "\u2003", "\u3000", "|", "\\|", "\\", "- ", "-", "–",
          "日本", "é", "😀", "&amp;", "&nbsp;", "&lt;", "&#x1F600;", "&bogus;", "x | y"]
text = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)
TAGS = ["p", "li", "a", "span", "div", "td", "pre", "b", "em", "ul", "table", "tr", "h2"]


@st.composite
def fragment(draw: st.DrawFn, depth: int = 0) -> str:
    """Nested elements, text, tails, comments and scripts."""
    parts = []
    for _ in range(draw(st.integers(0, 4 if depth < 3 else 0))):
        kind = draw(st.sampled_from(["element", "element", "text", "comment", "script"]))
        if kind == "element":
            tag = draw(st.sampled_from(TAGS))
            parts.append(f"<{tag}>{draw(text)}{draw(fragment(depth + 1))}</{tag}>{draw(text)}")
        elif kind == "text":
            parts.append(draw(text))
        elif kind == "comment":
            parts.append(f"<!--{draw(text)}-->")
        else:
            parts.append(f"<script>{draw(text)}</script>")
    return "".join(parts)


def both(tree, limit: int, wanted: dict, monkeypatch) -> tuple:
    """`_short_blocks` compiled and in Python."""
    fast = html_lines._short_blocks(tree, limit, wanted)
    with monkeypatch.context() as patch:
        patch.setattr(html_lines, "_treefast", None)
        return fast, html_lines._short_blocks(tree, limit, wanted)


def all_keys(tree) -> dict:
    """Every element's text key (the dict `wanted` that asks for every block)."""
    return {hint_key(element.text_content()): {} for element in tree.iter()}


@needs_compiled
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(body=fragment(), limit=st.sampled_from([0, 3, 12, 10**6]), share=st.sampled_from([1, 2]))
def test_short_blocks_and_text_keys_match_the_reference(body, limit, share, monkeypatch):
    tree = parse_html(f"<html><body><div>{body}</div></body></html>".encode(), "page.html")
    wanted = dict(list(all_keys(tree).items())[::share])
    fast, slow = both(tree, limit, wanted, monkeypatch)
    assert fast == slow
    page = html_lines._Page(tree)
    for element in tree.iter():
        if isinstance(element.tag, str):
            text = element.text_content()
            assert page.text_key(element, limit) == (hint_key(text) if len(text) <= limit else None)


@needs_compiled
def test_list_markers_bars_and_spaces(monkeypatch):
    page = ("<html><body><ul><li>- Item one</li><li>-Item two</li><li> \u00a0- spaced</li></ul>"
            "<table><tr><td>a \\| b</td><td>| c |</td></tr></table><p>\u3000日本\u2003語 😀</p><pre>x</pre>"
            "</body></html>")
    tree = parse_html(page.encode(), "page.html")
    wanted = all_keys(tree)
    fast, slow = both(tree, 1000, wanted, monkeypatch)
    assert fast == slow
    keys = [key for _, _, key in fast[0]]
    assert "Itemone" in keys and "-Itemtwo" in keys and "spaced" in keys and "日本語😀" in keys and "ab" in keys
    assert list(fast[1].values()) == [len(keys) - 1]  # the pre, the last short block


def test_page_hints_are_the_same_without_the_compiled_code(monkeypatch):
    page = ("<html><body><nav><a href='/'>Home</a> <a href='/a'>About us</a></nav><article class='post-body'>"
            "<h1>The title of it</h1><p>A first paragraph with <a href='x'>a link</a> inside it.</p>"
            "<ul><li>- one item here</li><li>two items there</li></ul><pre>code line one\ncode line two</pre>"
            "</article><footer class='footer'><p>Copyright 2024</p></footer></body></html>")
    text = ("Home About us\nThe title of it\nA first paragraph with a link inside it.\n- one item here\n"
            "- two items there\ncode line one\ncode line two\nCopyright 2024")
    tree = parse_html(page.encode(), "page.html")
    fast = html_lines.page_hints(tree, text)
    monkeypatch.setattr(html_lines, "_treefast", None)
    assert list(html_lines.page_hints(tree, text).items()) == list(fast.items())
    assert fast["Thetitleofit"]["tag_h1"] == 1.0 and fast["Copyright2024"]["class_furniture"] == 1.0
    assert fast["codelinetwo"]["in_code"] == 1.0 and fast["Afirstparagraphwithalinkinsideit."]["link_density"] > 0


PAGES = sorted((SHARED / "devset").glob("*.html"))[::40] if (SHARED / "devset").is_dir() else []


@needs_compiled
@pytest.mark.skipif(not PAGES, reason="needs ../shared/devset")
@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_dev_pages(path, monkeypatch):
    from cleaner.io.html import extract_tree

    tree = parse_html(path.read_bytes(), str(path))
    text, _ = extract_tree(tree, str(path))
    fast = html_lines.page_hints(tree, text)
    monkeypatch.setattr(html_lines, "_treefast", None)
    assert list(html_lines.page_hints(tree, text).items()) == list(fast.items())
