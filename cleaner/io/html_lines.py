"""What an HTML page says about each line of its extracted text: hints for the line model.

Read from the page's one parsed tree (the tree `io/html.py` parses for the favor_recall extraction
and the metadata; extraction works on a copy, so the tree is as the page gave it), in one pass over
its elements. Each line's hints come from the element whose text is the line (the innermost such
element; whitespace collapsed):

- `found` (an element matched), its tag: `tag_p`, `tag_li`, `tag_h` (h1-h6), `tag_cell` (td, th),
  `tag_other`; `link_density` (share of its text inside links); `in_article` (inside `article` or
  `main`); `class_furniture` (its class or id, or an ancestor's within three levels, names page
  furniture: nav, menu, footer, sidebar, share, related, comment, newsletter, ...);
- what trafilatura's stricter settings would do with the element, by the tests those settings add
  over favor_recall (`trafilatura/main_extractor.py`, `prune_unwanted_sections`): `teaser` (inside an
  element whose class or id says teaser: the default setting prunes it, favor_recall does not),
  `precision_discard` (inside a `header`, an element whose class or id has a `bottom` or `link`
  token or whose style draws a border, or a comments container: favor_precision prunes those), and
  `one_link` (a single link of more than 10 characters holds over 90% of its text: favor_precision's
  link-density shortcut drops it; the default waits for 100 characters).

Those three replace running trafilatura's default and favor_precision extractions on the page (and
asking which lines they keep), which tripled the HTML path's cost; README, "Quality on real pages"
gives what each costs and scores.

Hints are keyed by the line's text with whitespace collapsed (`hint_key`).
"""

from __future__ import annotations

import functools
import re
from typing import Any

FURNITURE_CLASS = re.compile(
    r"nav|menu|footer|sidebar|side-bar|share|sharing|social|related|recommend|comment|newsletter|subscri|"
    r"signup|sign-up|cookie|consent|promo|advert|\bads?\b|banner|breadcrumb|widget|popular|trending|"
    r"author-bio|byline|tags|categor|pagination|pager|toolbar|masthead|header", re.I)
# trafilatura's TEASER_DISCARD_XPATH, PRECISION_DISCARD_XPATH and REMOVE_COMMENTS_XPATH, on the raw tree.
PRECISION_CLASS = re.compile(r"(^|\s)bottom|bottom(\s|$)|(^|\s)link(\s|$)")
COMMENTS_ID = re.compile(r"[Cc]omment(?!ary)|comol")
COMMENTS_CLASS = re.compile(r"^[Cc]omment(?!ary)|(?:article|post)-comments")
BLOCK_TAGS = frozenset(("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "blockquote",
                        "figcaption", "pre", "div", "span", "a", "section", "article", "header", "footer",
                        "aside", "nav", "caption", "label", "button", "summary"))
HINT_NAMES = ("found", "tag_p", "tag_li", "tag_h", "tag_cell", "tag_other", "link_density", "in_article",
              "class_furniture", "teaser", "precision_discard", "one_link")
# What the provenance record says the hints came from.
HINT_SOURCES = {"tool": "lxml.html", "tree": "the page as trafilatura's load_html parses it",
                "hints": list(HINT_NAMES)}


def hint_key(text: str) -> str:
    return " ".join(text.split())


def page_hints(tree: Any, text: str) -> dict[str, dict[str, float]]:
    """Hints for every non-blank line of `text` (the page's favor_recall extraction), from `tree`
    (the page parsed by trafilatura's `load_html`; read, never changed)."""
    keys = {hint_key(line) for line in text.splitlines() if line.strip()}
    hints: dict[str, dict[str, float]] = {key: {} for key in keys}
    if tree is None or not keys:
        return hints
    elements = {}
    for element in _short_blocks(tree, 4 * max(map(len, keys)) + 256):
        key = hint_key(element.text_content())
        if key in hints:  # document order: an inner element with the same text overrides its container
            elements[key] = element
    ancestry = _Ancestry()
    for key, element in elements.items():
        hints[key].update(_element_hints(element, key, ancestry))
    return hints


_SHORT_BLOCKS: list = []


def _short_blocks(tree: Any, limit: int) -> list:
    """The block elements, in document order, whose text content is at most `limit` characters (longer
    ones cannot collapse to a line): one XPath call, in C (an XPath test per tag costs twice as much)."""
    if not _SHORT_BLOCKS:
        from lxml import etree

        names = "|" + "|".join(sorted(BLOCK_TAGS)) + "|"
        _SHORT_BLOCKS.append(etree.XPath(f"descendant-or-self::*[contains('{names}', concat('|', local-name(), '|'))]"
                                         "[string-length(.) <= $limit]"))
    return _SHORT_BLOCKS[0](tree, limit=limit)


class _Ancestry:
    """What an element's ancestors say (a teaser, a precision discard, article/main), cached per element
    so the elements of one page share their ancestors' checks."""

    def __init__(self) -> None:
        self.seen: dict[Any, tuple[bool, bool, bool]] = {}

    def flags(self, node: Any) -> tuple[bool, bool, bool]:
        """(teaser, precision_discard, in_article) of `node` and its ancestors."""
        chain = []
        while node is not None and node not in self.seen:
            chain.append(node)
            node = node.getparent()
        teaser, discard, article = self.seen[node] if node is not None else (False, False, False)
        for node in reversed(chain):
            names = f"{node.get('class', '')} {node.get('id', '')}"
            teaser = teaser or "teaser" in names.lower()
            discard = discard or node.tag == "header" or _precision_discards(node)
            article = article or node.tag in ("article", "main")
            self.seen[node] = (teaser, discard, article)
        return teaser, discard, article


def _element_hints(element: Any, key: str, ancestry: _Ancestry) -> dict[str, float]:
    tag = element.tag
    anchors = [hint_key(a.text_content()) for a in element.iter("a")]
    links = sum(map(len, anchors))
    hints = {"found": 1.0, "link_density": min(1.0, links / len(key)) if key else 0.0}
    kind = ("tag_p" if tag == "p" else "tag_li" if tag == "li" else "tag_h" if tag[:1] == "h" and tag[1:].isdigit()
            else "tag_cell" if tag in ("td", "th") else "tag_other")
    hints[kind] = 1.0
    if len(anchors) == 1 and len(anchors[0]) > 10 and len(anchors[0]) > 0.9 * len(key):
        hints["one_link"] = 1.0
    node, furniture = element, False
    for _ in range(4):  # the element and three levels up
        if node is None:
            break
        furniture = furniture or _furniture_names(f"{node.get('class', '')} {node.get('id', '')}")
        node = node.getparent()
    teaser, discard, article = ancestry.flags(element)
    hints["class_furniture"] = float(furniture)
    hints["in_article"] = float(article)
    hints["teaser"] = float(teaser)
    hints["precision_discard"] = float(discard)
    return hints


@functools.lru_cache(maxsize=4096)
def _furniture_names(names: str) -> bool:
    """Whether a class and id (joined by a space) name page furniture (pages repeat them: cached)."""
    return bool(FURNITURE_CLASS.search(names))


def _precision_discards(node: Any) -> bool:
    for value in (node.get("id"), node.get("class")):
        if value and PRECISION_CLASS.search(value):
            return True
    if "border" in (node.get("style") or ""):
        return True
    return bool(COMMENTS_ID.search(node.get("id") or "") or COMMENTS_CLASS.search(node.get("class") or ""))
