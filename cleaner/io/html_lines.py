"""What an HTML page says about each line of its extracted text: hints for the line model.

Read from the page's one parsed tree (the tree `io/html.py` parses for the favor_recall extraction
and the metadata; extraction works on a copy, so the tree is as the page gave it), in one pass over
its elements. Each line's hints come from the element whose text is the line (the innermost such
element; compared by `hint_key`, so a list item's line `- text` meets its `li` and a table row's
`| a | b |` its `tr`); each line of a `pre` block is its own:

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
import math
import re
from typing import Any

from cleaner.rules.features import hint_key

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
    elements: dict[str, tuple[int | None, Any]] = {}  # key -> (document order, element)
    blocks = _short_blocks(tree, 4 * max(map(len, lines)) + 256)
    for order, (element, content) in enumerate(blocks):
        key = hint_key(content)
        if key in hints:  # document order: an inner element with the same text overrides its container
            elements[key] = (order, element)
    pres = list(tree.iter("pre"))
    placed = {element: order for order, (element, _) in enumerate(blocks)} if pres else {}
    for pre in pres:  # a code block: one line per line (placed only when the block is short)
        order = placed.get(pre)
        for line in pre.text_content().splitlines():
            key = hint_key(line)
            if key in hints and key not in elements:
                elements[key] = (order, pre)
    ancestry = _Ancestry()
    chains = {element: tuple(element.iterancestors()) for _, element in elements.values()}
    parents: dict[Any, float] = {}
    for key, (_, element) in elements.items():
        hints[key].update(_element_hints(element, key, ancestry, parents))
    main, wide = _main_blocks(elements, chains, (MAIN_SHARE, WIDE_SHARE))
    _place(elements, chains, main, hints, ("outside_main", "before_main", "after_main"))
    _place(elements, chains, wide, hints, ("outside_wide", "before_wide", "after_wide"))
    _lca(elements, chains, main, hints)
    return hints


def _lca(elements: dict[str, tuple[int | None, Any]], chains: dict[Any, tuple], main: Any,
         hints: dict[str, dict[str, float]]) -> None:
    """`main_lca_log`: for a line outside the main block, log(1 + the levels from the main block up to
    the nearest ancestor the two share): an article's next section (a sibling of the main block) is 1
    level away, a page's footer several."""
    if main is None:
        return
    level = {node: k for k, node in enumerate((main, *main.iterancestors()))}
    for key, (_, element) in elements.items():
        for node in (element, *chains[element]):
            up = level.get(node)
            if up is not None:
                if up:
                    hints[key]["main_lca_log"] = math.log1p(up)
                break


def _place(elements: dict[str, tuple[int | None, Any]], chains: dict[Any, tuple], main: Any,
           hints: dict[str, dict[str, float]], names: tuple[str, str, str]) -> None:
    """Mark the lines outside `main` (names[0]), and then before or after its lines in document order."""
    within = {element: main is None or element is main or main in chain for element, chain in chains.items()}
    inside = [order for order, element in elements.values() if order is not None and within[element]]
    first, last = (min(inside), max(inside)) if inside else (0, -1)
    for key, (order, element) in elements.items():
        if not within[element]:
            hints[key][names[0]] = 1.0
            if order is not None and not first <= order <= last:
                hints[key][names[1] if order < first else names[2]] = 1.0


def _short_blocks(tree: Any, limit: int) -> list[tuple[Any, str]]:
    """The block elements, in document order, whose text content is at most `limit` characters (longer
    ones cannot collapse to a line), each with that text. lxml's tag filter walks the tree in C, and
    `tostring(method="text")` gives `text_content()`'s string at half its cost (no XPath call each): a
    third of the time of one XPath that tested tag and length, and of the `text_content()` calls after it."""
    from lxml import etree

    text = functools.partial(etree.tostring, method="text", encoding=str, with_tail=False)
    return [(element, content) for element in tree.iter(*BLOCK_TAGS) if len(content := text(element)) <= limit]


def _main_blocks(elements: dict[str, tuple[int | None, Any]], chains: dict[Any, tuple],
                 shares: tuple[float, ...]) -> list[Any]:
    """For each share, the deepest element holding more than that share of the matched lines' text
    (None: no lines); `chains` gives each matched element's ancestors, innermost first."""
    weight: dict[Any, int] = {}
    total = 0
    for key, (_, element) in elements.items():
        total += len(key)
        for node in (element, *chains[element]):
            weight[node] = weight.get(node, 0) + len(key)
    # The elements holding more than half are one chain from the root down (two disjoint subtrees
    # cannot both hold more than half), their weights shrinking downwards; of equal weights any one
    # holds the same lines.
    heavy = [(w, node) for node, w in weight.items() if w > min(shares) * total]
    return [min(((w, n) for w, n in heavy if w > share * total), key=lambda pair: pair[0], default=(0, None))[1]
            for share in shares]


class _Ancestry:
    """What an element's ancestors say (teaser, precision discard, article/main, aside, figure, code),
    cached per element so the elements of one page share their ancestors' checks."""

    FLAGS = ("teaser", "precision_discard", "in_article", "in_aside", "in_figure", "in_code")

    def __init__(self) -> None:
        self.seen: dict[Any, tuple[bool, ...]] = {}

    def flags(self, node: Any) -> tuple[bool, ...]:
        """The FLAGS of `node` and its ancestors."""
        chain = []
        while node is not None and node not in self.seen:
            chain.append(node)
            node = node.getparent()
        flags = self.seen[node] if node is not None else (False,) * len(self.FLAGS)
        for node in reversed(chain):
            tag = node.tag if isinstance(node.tag, str) else ""
            names = f"{node.get('class', '')} {node.get('id', '')}"
            teaser, discard, article, aside, figure, code = flags
            flags = (teaser or "teaser" in names.lower(),
                     discard or tag == "header" or _precision_discards(node),
                     article or tag in ("article", "main"),
                     aside or tag in ASIDE_TAGS,
                     figure or tag == "figure",
                     code or tag in ("pre", "code"))
            self.seen[node] = flags
        return flags


def _link_density(anchors: list[str], size: int) -> float:
    return min(1.0, sum(map(len, anchors)) / size) if size else 0.0


def _anchors(element: Any) -> list[str]:
    return [hint_key(a.text_content()) for a in element.iter("a")]


def _element_hints(element: Any, key: str, ancestry: _Ancestry, parents: dict[Any, float]) -> dict[str, float]:
    tag = element.tag
    anchors = _anchors(element)
    hints = {"found": 1.0, "link_density": _link_density(anchors, len(key))}
    kind = ("tag_p" if tag == "p" else "tag_li" if tag == "li" else "tag_h" if tag[:1] == "h" and tag[1:].isdigit()
            else "tag_cell" if tag in ("td", "th", "tr") else "tag_other")
    hints[kind] = 1.0
    if tag == "h1":
        hints["tag_h1"] = 1.0
    if len(anchors) == 1 and len(anchors[0]) > 10 and len(anchors[0]) > 0.9 * len(key):
        hints["one_link"] = 1.0
    parent = element.getparent()
    if parent is not None:
        if parent not in parents:
            text = parent.text_content()
            parents[parent] = _link_density(_anchors(parent), len(hint_key(text))) \
                if len(text) <= PARENT_TEXT_LIMIT else 0.0
        hints["parent_link_density"] = parents[parent]
    node, names = element, [False] * 4
    for _ in range(4):  # the element and three levels up
        if node is None:
            break
        names = [a or b for a, b in zip(names, _class_names(f"{node.get('class', '')} {node.get('id', '')}"),
                                        strict=True)]
        node = node.getparent()
    hints.update(zip(("class_furniture", "class_content", "class_comment", "class_related"), map(float, names),
                     strict=True))
    hints.update(zip(_Ancestry.FLAGS, map(float, ancestry.flags(element)), strict=True))
    return hints


@functools.lru_cache(maxsize=4096)
def _class_names(names: str) -> tuple[bool, bool, bool, bool]:
    """Whether a class and id (joined by a space) name page furniture, article content, comments,
    related links (pages repeat them: cached)."""
    return (bool(FURNITURE_CLASS.search(names)), bool(CONTENT_CLASS.search(names)),
            bool(COMMENT_CLASS.search(names)), bool(RELATED_CLASS.search(names)))


def _precision_discards(node: Any) -> bool:
    for value in (node.get("id"), node.get("class")):
        if value and PRECISION_CLASS.search(value):
            return True
    if "border" in (node.get("style") or ""):
        return True
    return bool(COMMENTS_ID.search(node.get("id") or "") or COMMENTS_CLASS.search(node.get("class") or ""))
