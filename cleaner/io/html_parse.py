"""An HTML page parsed into the tree trafilatura's `load_html` gives, faster to walk from Python.

`parse_html` is the one parse of a page: `io/html.py` extracts its text and metadata from the tree
and `io/html_lines.py` reads its hints (README, "HTML input").
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cleaner.errors import InputError


def parse_html(data: bytes, path: str) -> Any:
    """The page's tree as trafilatura's `load_html` parses it (the same tree, see `_load_html`);
    InputError when it is not HTML."""
    tree = _load_html(data)
    if tree is None:
        raise InputError(path, "not an HTML document trafilatura can parse")
    return tree


def _load_html(data: bytes) -> Any:
    """trafilatura's `load_html(data)` step for step (decode, repair, parse the text, else its UTF-8
    bytes; reject a tree of one element from a page whose start does not say html), with a copy of
    its parser whose elements are all `lxml.html.HtmlElement`, a class chosen in C.

    lxml.html's own parser chooses each element's class (FormElement for `<form>`, InputElement, ...)
    by calling a Python method whenever Python first reaches the element, and again after its proxy is
    freed: about 300,000 calls on the benchmark's 60 pages, most inside trafilatura's extraction of
    its copy of the tree (a copy keeps the parser). Neither trafilatura, htmldate, jusText nor this
    package uses what those classes add (form fields, input values), so the tree, the text and the
    metadata are the same (`tests/test_html_extract.py` compares the trees with `load_html`'s)."""
    from lxml.html import fromstring  # here, not at the top: only HTML needs lxml and trafilatura
    from trafilatura.utils import decode_file, is_dubious_html, repair_faulty_html

    parser = _parser()
    text = decode_file(data)
    beginning = text[:50].lower()
    text = repair_faulty_html(text, beginning)
    tree, as_bytes = None, False
    try:
        tree = fromstring(text, parser=parser)
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        tree, as_bytes = _parse_bytes(text, parser), True
    except Exception:  # noqa: BLE001 - as load_html: a page lxml cannot parse is no tree
        pass
    if (tree is None or len(tree) < 1) and not as_bytes:
        tree = _parse_bytes(text, parser)
    if tree is not None and is_dubious_html(beginning) and len(tree) < 2:
        return None
    return tree


def _parse_bytes(text: str, parser: Any) -> Any:
    from lxml.html import fromstring

    try:
        return fromstring(text.encode("utf8", "surrogatepass"), parser=parser)
    except Exception:  # noqa: BLE001 - as trafilatura's fromstring_bytes
        return None


@lru_cache(maxsize=1)
def _parser() -> Any:
    """trafilatura's HTML parser (its options), every element a plain `HtmlElement` (see `_load_html`)."""
    from lxml import etree, html
    from trafilatura.utils import HTML_PARSER

    parser = HTML_PARSER.copy()
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=html.HtmlElement,
            comment=html.HtmlComment,
            pi=html.HtmlProcessingInstruction,
            entity=html.HtmlEntity,
        )
    )
    return parser
