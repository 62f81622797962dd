"""What an HTML page says about each line of its extracted text: hints for the line model.

Read from the page's one parsed tree (the tree `io/html.py` parses for the favor_recall extraction
and the metadata; extraction works on a copy, so the tree is as the page gave it), in one pass over
its elements. Each line's hints come from the element whose text is the line (the innermost such
element, and of such elements apart the one least inside links: an article's heading, not its entry in
a table of contents; compared by `hint_key`, so a list item's line `- text` meets its `li` and a table
row's `| a | b |` its `tr`); each line of a `pre` block is its own:

- `found` (an element matched), its tag: `tag_p`, `tag_li`, `tag_h` (h1-h6; `tag_h1` too for h1),
  `tag_cell` (td, th, tr), `tag_other`; `link_density` (share of its text inside links) and
  `parent_link_density` (the same for its parent element: a link in a list of links);
  `in_article` (inside `article` or `main`); `class_furniture` (its class or id, or an ancestor's
  within three levels, names page furniture: nav, menu, footer, sidebar, share, related, comment,
  newsletter, ...), and by the same names `class_content` (article content: content, entry, story,
  post-body, ...), `class_comment` (comments, replies) and `class_related` (related, recommended,
  popular, cards, ...); `in_aside` (inside `aside`, `nav`, `footer` or `form`), `in_figure` (inside
  `figure`), `in_code` (inside `pre` or `code`);
- where it stands against the page's main block, the deepest element holding more than half of
  the extracted lines' text: `outside_main` (not inside it), and then `before_main` or
  `after_main` (before its first matched line in document order, or after its last); the same
  against the wide block, the deepest element holding more than `WIDE_SHARE` (0.8) of that text
  (`outside_wide`, `before_wide`, `after_wide`): when the main block is one section of a long
  article (a product list), the article's later sections (a buying guide, its FAQ) are after the
  main block but inside the wide one, and the model tells them from the page's footer; and for a
  line outside the main block, `main_lca_log`: log(1 + the levels from the main block up to the
  nearest ancestor it shares with the line's element), 1 level for the article's next section, more
  for a footer;
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
"""

from __future__ import annotations

import functools
import os
import re
import sys
from typing import Any

from lxml import etree  # (this module is imported for HTML input only, as lxml is)

from cleaner.io.html_place import lca, main_blocks, place
from cleaner.rules.features import hint_key

try:  # the blocks' keys in C (hatch_build.py) when the install built them; CLEANER_PURE_PYTHON=1: not used
    from cleaner.io import _treefast
except ImportError:
    _treefast = None
_treefast = None if os.environ.get("CLEANER_PURE_PYTHON") else _treefast

FURNITURE_CLASS = re.compile(
    r"nav|menu|footer|sidebar|side-bar|share|sharing|social|related|recommend|comment|newsletter|subscri|"
    r"signup|sign-up|cookie|consent|promo|advert|\bads?\b|banner|breadcrumb|widget|popular|trending|"
    r"author-bio|byline|tags|categor|pagination|pager|toolbar|masthead|header", re.I)
CONTENT_CLASS = re.compile(r"content|article|entry|post-?body|story|main-?text|body-?text|prose|rich-?text", re.I)
COMMENT_CLASS = re.compile(r"comment|repl(y|ies)|respond|discuss|disqus", re.I)
RELATED_CLASS = re.compile(r"related|recommend|popular|trending|read-?next|more-|you-?may|also|suggest|teaser|"
                           r"card", re.I)
# trafilatura's TEASER_DISCARD_XPATH, PRECISION_DISCARD_XPATH and REMOVE_COMMENTS_XPATH, on the raw tree.
PRECISION_CLASS = re.compile(r"(^|\s)bottom|bottom(\s|$)|(^|\s)link(\s|$)")
COMMENTS_ID = re.compile(r"[Cc]omment(?!ary)|comol")
COMMENTS_CLASS = re.compile(r"^[Cc]omment(?!ary)|(?:article|post)-comments")
BLOCK_TAGS = frozenset(("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr", "dt", "dd",
                        "blockquote", "figcaption", "pre", "div", "span", "a", "section", "article", "header",
                        "footer", "aside", "nav", "caption", "label", "button", "summary"))
_BLOCK_TAG_TUPLE = tuple(sorted(BLOCK_TAGS))
ASIDE_TAGS = frozenset(("aside", "nav", "footer", "form"))
HINT_NAMES = ("found", "tag_p", "tag_li", "tag_h", "tag_h1", "tag_cell", "tag_other", "link_density",
              "parent_link_density", "in_article", "class_furniture", "in_aside", "in_figure", "in_code",
              "outside_main", "before_main", "after_main", "outside_wide", "before_wide", "after_wide", "teaser",
              "precision_discard", "one_link", "main_lca_log", "class_content", "class_comment", "class_related")
# What the provenance record says the hints came from.
HINT_SOURCES = {"tool": "lxml.html", "tree": "the page as trafilatura's load_html parses it",
                "hints": list(HINT_NAMES)}
MAIN_SHARE = 0.5  # the main block holds more than this share of the matched lines' text
WIDE_SHARE = 0.8  # the wide block, this share (it holds the main block: an article's later sections)
PARENT_TEXT_LIMIT = 5000  # a parent with more text is a page section: its link density says little


def page_hints(tree: Any, text: str) -> dict[str, dict[str, float]]:
    """Hints for every non-blank line of `text` (the page's favor_recall extraction), from `tree`
    (the page parsed by trafilatura's `load_html`; read, never changed), keyed by `hint_key`."""
    lines = [line for line in text.splitlines() if line.strip()]
    hints: dict[str, dict[str, float]] = {hint_key(line): {} for line in lines}
    hints.pop("", None)
    if tree is None or not hints:
        return hints
    matches, placed = _short_blocks(tree, 4 * max(map(len, lines)) + 256, hints)
    elements: dict[str, tuple[int | None, Any]] = {}  # key -> (document order, element)
    page = _Page(tree)
    for order, element, key in matches:  # document order: an inner element with the same text overrides its container
        seen = elements.get(key)
        if seen is None or _stands_for_line(element, seen[1], key, page):
            elements[key] = (order, element)
    for pre in tree.iter("pre"):  # a code block: one line per line (placed only when the block is short)
        order = placed.get(pre)
        for line in pre.text_content().splitlines():
            key = hint_key(line)
            if key in hints and key not in elements:
                elements[key] = (order, pre)
    chains = {element: tuple(element.iterancestors()) for _, element in elements.values()}
    for key, (_, element) in elements.items():
        hints[key].update(_element_hints(element, key, chains[element], page))
    main, wide = main_blocks(elements, chains, (MAIN_SHARE, WIDE_SHARE))
    place(elements, chains, main, hints, ("outside_main", "before_main", "after_main"))
    place(elements, chains, wide, hints, ("outside_wide", "before_wide", "after_wide"))
    lca(elements, chains, main, hints)
    return hints


def _stands_for_line(element: Any, seen: Any, key: str, page: _Page) -> bool:
    """Whether `element`, later in the document than `seen` and of the same text `key`, gives the line its hints
    instead: when it lies inside `seen` (the innermost element whose text is the line), or apart from it and no
    more inside links. (An article's heading repeated as a table of contents' or a "related" list's link: the
    link's hints, met last, took the model to remove the heading.)"""
    if any(node is seen for node in element.iterancestors()):
        return True
    return _link_density(page.anchors(element), len(key)) <= _link_density(page.anchors(seen), len(key))


class _Page:
    """One page's elements as the hints read them: each element's ancestry (`_Ancestry`) and each
    parent's link density, computed once (the lines of one list share a parent)."""

    def __init__(self, tree: Any) -> None:
        self.compiled = _compiled_for(tree)
        self.ancestry = _Ancestry()
        self.parents: dict[Any, float] = {}

    def anchors(self, element: Any) -> list[str]:
        """The keys of the texts of the links in `element` (itself included)."""
        return [self.text_key(a, sys.maxsize) for a in element.iter("a")]

    def text_key(self, element: Any, limit: int) -> str | None:
        """`hint_key(element.text_content())`, None when that text is longer than `limit` characters."""
        key = _treefast.text_key(element, limit) if self.compiled else False
        if key is False:  # no compiled code, or an element it leaves to Python
            text = element.text_content()
            key = hint_key(text) if len(text) <= limit else None
        return key

    def parent_link_density(self, parent: Any) -> float:
        """The link density of `parent`, 0 when its text is longer than PARENT_TEXT_LIMIT."""
        density = self.parents.get(parent)
        if density is None:
            key = self.text_key(parent, PARENT_TEXT_LIMIT)
            density = self.parents[parent] = 0.0 if key is None else _link_density(self.anchors(parent), len(key))
        return density


def _compiled_for(tree: Any) -> bool:
    """Whether the compiled code reads `tree`: the install built it, and the tree is lxml's own."""
    return _treefast is not None and isinstance(tree, etree._Element)


def _short_blocks(tree: Any, limit: int, hints: dict[str, Any]) -> tuple[list[tuple[int, Any, str]], dict[Any, int]]:
    """Of the block elements whose text content is at most `limit` characters (longer ones cannot
    collapse to a line), numbered in document order: (number, element, key) of each whose `hint_key`
    is a key of `hints`, and each `pre` element's number. Computed in C (`_treefast.short_blocks`,
    one walk over the tree's nodes, a Python object only for the elements returned) when the install
    built it; the Python below is the reference (`tests/test_html_lines_fast.py` compares the two)."""
    if _compiled_for(tree):
        found = _treefast.short_blocks(tree, _BLOCK_TAG_TUPLE, limit, hints, "pre")
        if found is not None:  # else a page it leaves to Python
            return found[0], dict(found[1])
    # `tostring(method="text")` gives `text_content()`'s string at half its cost (no XPath call each)
    text = functools.partial(etree.tostring, method="text", encoding=str, with_tail=False)
    short = [(element, content) for element in tree.iter(*BLOCK_TAGS) if len(content := text(element)) <= limit]
    matches = [(order, element, key) for order, (element, content) in enumerate(short)
               if (key := hint_key(content)) in hints]
    return matches, {element: order for order, (element, _) in enumerate(short) if element.tag == "pre"}


class _Ancestry:
    """What an element's ancestors say (teaser, precision discard, article/main, aside, figure, code),
    and what its own class and id name (`_class_names`), cached per element so the elements of one
    page share their ancestors' checks."""

    FLAGS = ("teaser", "precision_discard", "in_article", "in_aside", "in_figure", "in_code")

    def __init__(self) -> None:
        self.seen: dict[Any, tuple[bool, ...]] = {}
        self.names: dict[Any, tuple[bool, bool, bool, bool]] = {}  # an element's own class and id words

    def flags(self, node: Any) -> tuple[bool, ...]:
        """The FLAGS of `node` and its ancestors (after which `names` holds them all)."""
        chain = []
        while node is not None and node not in self.seen:
            chain.append(node)
            node = node.getparent()
        flags = self.seen[node] if node is not None else (False,) * len(self.FLAGS)
        for node in reversed(chain):
            tag = node.tag if isinstance(node.tag, str) else ""
            classes, ident = node.get("class"), node.get("id")
            names = f"{classes or ''} {ident or ''}"
            self.names[node] = _class_names(names)
            teaser, discard, article, aside, figure, code = flags
            flags = (teaser or "teaser" in names.lower(),
                     discard or tag == "header" or _precision_discards(node, classes, ident),
                     article or tag in ("article", "main"),
                     aside or tag in ASIDE_TAGS,
                     figure or tag == "figure",
                     code or tag in ("pre", "code"))
            self.seen[node] = flags
        return flags


def _link_density(anchors: list[str], size: int) -> float:
    return min(1.0, sum(map(len, anchors)) / size) if size else 0.0


def _element_hints(element: Any, key: str, ancestors: tuple, page: _Page) -> dict[str, float]:
    """The hints of the line `key` from its element (`ancestors`: the element's, innermost first)."""
    tag = element.tag
    anchors = page.anchors(element)
    hints = {"found": 1.0, "link_density": _link_density(anchors, len(key))}
    kind = ("tag_p" if tag == "p" else "tag_li" if tag == "li" else "tag_h" if tag[:1] == "h" and tag[1:].isdigit()
            else "tag_cell" if tag in ("td", "th", "tr") else "tag_other")
    hints[kind] = 1.0
    if tag == "h1":
        hints["tag_h1"] = 1.0
    if len(anchors) == 1 and len(anchors[0]) > 10 and len(anchors[0]) > 0.9 * len(key):
        hints["one_link"] = 1.0
    if ancestors:
        hints["parent_link_density"] = page.parent_link_density(ancestors[0])
    flags = page.ancestry.flags(element)
    own = page.ancestry.names
    furniture, content, comment, related = own[element]
    for node in ancestors[:3]:  # the element and three levels up
        up = own[node]
        furniture, content, comment, related = (furniture or up[0], content or up[1], comment or up[2],
                                                related or up[3])
    hints.update(zip(("class_furniture", "class_content", "class_comment", "class_related"),
                     map(float, (furniture, content, comment, related)), strict=True))
    hints.update(zip(_Ancestry.FLAGS, map(float, flags), strict=True))
    return hints


@functools.lru_cache(maxsize=4096)
def _class_names(names: str) -> tuple[bool, bool, bool, bool]:
    """Whether a class and id (joined by a space) name page furniture, article content, comments,
    related links (pages repeat them: cached)."""
    return (bool(FURNITURE_CLASS.search(names)), bool(CONTENT_CLASS.search(names)),
            bool(COMMENT_CLASS.search(names)), bool(RELATED_CLASS.search(names)))


def _precision_discards(node: Any, classes: str | None, ident: str | None) -> bool:
    """Whether favor_precision prunes `node` (its class and id given, read once)."""
    for value in (ident, classes):
        if value and PRECISION_CLASS.search(value):
            return True
    if "border" in (node.get("style") or ""):
        return True
    return bool(COMMENTS_ID.search(ident or "") or COMMENTS_CLASS.search(classes or ""))
