"""What an HTML page says about each line of its extracted text: hints for the line model.

For a page extracted with favor_recall (`io/html.py`), each line's hints are:

- `in_default`, `in_precision`: whether trafilatura's default extraction, and its favor_precision
  extraction, hold the same line (two more extractions: the HTML path's main cost);
- from the element whose text is the line (the innermost such element; whitespace collapsed):
  `tag_p`, `tag_li`, `tag_h` (h1-h6), `tag_cell` (td, th), `tag_other`, `found` (an element matched),
  `link_density` (share of its text inside links), `in_article` (inside `article` or `main`), and
  `class_furniture` (its class or id, or an ancestor's within three levels, names page furniture:
  nav, menu, footer, sidebar, share, related, comment, newsletter, ...).

Hints are keyed by the line's text with whitespace collapsed (`hint_key`).
"""

from __future__ import annotations

import re
from typing import Any

FURNITURE_CLASS = re.compile(
    r"nav|menu|footer|sidebar|side-bar|share|sharing|social|related|recommend|comment|newsletter|subscri|"
    r"signup|sign-up|cookie|consent|promo|advert|\bads?\b|banner|breadcrumb|widget|popular|trending|"
    r"author-bio|byline|tags|categor|pagination|pager|toolbar|masthead|header", re.I)
BLOCK_TAGS = frozenset(("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "blockquote",
                        "figcaption", "pre", "div", "span", "a", "section", "article", "header", "footer",
                        "aside", "nav", "caption", "label", "button", "summary"))
HINT_NAMES = ("in_default", "in_precision", "found", "tag_p", "tag_li", "tag_h", "tag_cell", "tag_other",
              "link_density", "in_article", "class_furniture")
SETTINGS = {"default": {}, "favor_precision": {"favor_precision": True}}
# What the provenance record says the hints came from.
HINT_SOURCES = {"tool": "trafilatura", "extractions": list(SETTINGS), "dom": "lxml.html"}


def hint_key(text: str) -> str:
    return " ".join(text.split())


def page_hints(data: bytes, text: str, url: str | None = None) -> dict[str, dict[str, float]]:
    """Hints for every non-blank line of `text` (the page's favor_recall extraction)."""
    import trafilatura
    from lxml import html as lxml_html

    keys = {hint_key(line) for line in text.splitlines() if line.strip()}
    hints: dict[str, dict[str, float]] = {key: {} for key in keys}
    for name, options in SETTINGS.items():
        extracted = trafilatura.extract(data, url=url, include_comments=False, deduplicate=False, **options) or ""
        found = {hint_key(line) for line in extracted.splitlines()} & keys
        flag = "in_default" if name == "default" else "in_precision"
        for key in found:
            hints[key][flag] = 1.0
    try:
        tree = lxml_html.fromstring(data)
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return hints
    elements: dict[str, dict[str, float]] = {}
    for element in tree.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag not in BLOCK_TAGS:
            continue
        key = hint_key(element.text_content())
        if key in hints:  # document order: an inner element with the same text overrides its container
            elements[key] = _element_hints(element, tag, key)
    for key, found in elements.items():
        hints[key].update(found)
    return hints


def _element_hints(element: Any, tag: str, key: str) -> dict[str, float]:
    links = sum(len(hint_key(a.text_content())) for a in element.iter("a")) + (len(key) if tag == "a" else 0)
    hints = {"found": 1.0, "link_density": min(1.0, links / len(key)) if key else 0.0}
    kind = ("tag_p" if tag == "p" else "tag_li" if tag == "li" else "tag_h" if tag[:1] == "h" and tag[1:].isdigit()
            else "tag_cell" if tag in ("td", "th") else "tag_other")
    hints[kind] = 1.0
    node, depth, furniture, article = element, 0, False, False
    while node is not None:
        if depth <= 3 and FURNITURE_CLASS.search(f"{node.get('class', '')} {node.get('id', '')}"):
            furniture = True
        if node.tag in ("article", "main"):
            article = True
        node, depth = node.getparent(), depth + 1
    hints["class_furniture"] = float(furniture)
    hints["in_article"] = float(article)
    return hints
