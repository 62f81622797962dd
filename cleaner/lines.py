"""Segment: split a document into lines with their character offsets, and read Markdown as its text."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import partial
from itertools import accumulate
from operator import add
from typing import NamedTuple

import regex

# Only CR, LF and CRLF end a line: str.splitlines() would also split on \x0b, \x0c, \x1c-\x1e, \x85,
# \u2028 and \u2029, which scrapers leave inside paragraphs.
_LINE_BREAK = regex.compile(r"(\r\n|\r|\n)")


class Line(NamedTuple):
    """One line of a document: its text without the terminator, the terminator, and its offset.

    A named tuple rather than a dataclass: a document of a million lines builds a million of them.
    """

    number: int  # 1-based
    start: int  # character offset of the first character in the document
    text: str
    end_of_line: str  # "\n", "\r\n", "\r" or "" for a last line without one

    @property
    def end(self) -> int:
        """Offset just past the line's terminator."""
        return self.start + len(self.text) + len(self.end_of_line)

    @property
    def is_blank(self) -> bool:
        return not self.text.strip()


def split_lines(text: str) -> list[Line]:
    """Split `text` into lines on CR, LF and CRLF; joining text+end_of_line gives `text` back."""
    if not text:
        return []
    if "\r" not in text:
        bodies = text.split("\n")
        ends = ["\n"] * (len(bodies) - 1)
    else:
        parts = _LINE_BREAK.split(text)  # body, terminator, body, terminator, ..., body
        bodies, ends = parts[0::2], parts[1::2]
    if bodies[-1]:
        ends.append("")
    else:  # the text ends with a terminator: no line after it
        bodies.pop()
    starts = accumulate(map(add, map(len, bodies), map(len, ends)), initial=0)  # one more: the text's end
    return list(map(_new_line, zip(range(1, len(bodies) + 1), starts, bodies, ends, strict=False)))


_new_line = partial(tuple.__new__, Line)  # builds a Line from a 4-tuple without a Python-level call


# Markdown as rules read it (`markdown_view`). No pattern matches "\r" or "\n", and a line's start is
# wherever one of them precedes (the first line's: a "\n" is put in front while those run): each line's
# view is a function of that line alone. Each pattern runs only when the text holds its marker.
_MD_TARGET = r'\((?:[^()\s]|\([^()\s]*\))*(?:[ \t]+"[^"\r\n]*")?\)'  # (url) or (url "title")
# No pattern can leave a line blank: each keeps a character that is not a space (a link's or an image's
# text, a heading's, a quote's), so a line holding text still does in the view.
_MD_TEXT = r"([^\[\]\r\n]*[^\[\]\s][^\[\]\r\n]*)"  # a link's text, with something to read in it
_MD_IMAGE = re.compile(r"!\[" + _MD_TEXT + r"\]" + _MD_TARGET)
_MD_LINK = re.compile(r"\[" + _MD_TEXT + r"\]" + _MD_TARGET)


def _led_by_line_ends(pattern: str) -> dict[str, re.Pattern]:
    """`pattern` with its "<end>" as each line terminator, "\n" and "\r": a pattern led by a literal,
    which `re` scans for far faster than for a set such as [\r\n]."""
    return {end: re.compile(pattern.replace("<end>", end)) for end in "\n\r"}


_MD_HEADING = _led_by_line_ends(r"(<end>[ \t]{0,3})#{1,6}[ \t]+([^\r\n]*?\S)(?:[ \t]+#+)?[ \t]*(?=[\r\n]|\Z)")
_MD_QUOTE = _led_by_line_ends(r"(<end>)[ \t]{0,3}(?:>[ \t])+(?=[^\s>])")  # "> ", not ">>"
_MD_STRONG = {mark: re.compile(rf"{re.escape(mark)}(?=[^\s*_])([^\r\n]{{1,500}}?)(?<=[^\s*_]){re.escape(mark)}")
              for mark in ("**", "__")}
_MD_EMPHASIS = re.compile(r"\*(?<![\w*\\]\*)(?=[^\s*])([^*\r\n]{1,500}?)(?<=[^\s*])\*(?![\w*])")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_LINE_START = _led_by_line_ends(r"<end>[ \t]{0,3}([#>])")  # which marks start a line
_FIRST_START = re.compile(r"[ \t]{0,3}([#>])")


_VIEW_CHUNK = 1 << 16  # `markdown_view` reads a longer text in pieces of about this many characters

# What a line may start with (after up to three spaces), and how such a line is read. Not a table row
# ("| a | b |"): read as a browser's tab-separated cells (session 39), the pipe rows in which trafilatura
# gives an old table-layout page's menus read as neutral rows, no longer menu-like; on the five held-aside
# news sites (`tests/bench/mining.py`) recall.txt fell 0.9311 -> 0.9281 page by page and 0.9456 -> 0.9369
# learned, for +0.0003 on whole-page Markdown (`layouts.py`). Removed in session 51.
_LINE_START_VIEWS = (("#", _MD_HEADING, r"\1\2"), (">", _MD_QUOTE, r"\1"))


def markdown_view(text: str) -> str:
    """`text` as the rules read it: Markdown's markup read as the words it shows, so that
    "## Related posts", "**Sign up for our newsletter**" and "[Share on X](https://x.com/...)" meet the
    rules written for "Related posts", "Sign up for our newsletter" and "Share on X".

    Links and images become their text (`[text](url "title")` -> "text"), heading marks (up to three
    spaces in), block-quote marks ("> ", not ">>"), `**strong**` / `__strong__` / `*emphasis*` markers
    and backslash escapes go. List markers stay (rules read "- item" and "* item" as bullets already), as
    do table rows ("| a | b |": an extractor gives a table-layout page's menus so), code and `_emphasis_`
    (snake_case names look alike). Nothing is read that would leave a line blank (an image without alt
    text, a lone "#" or ">" stay as they are).
    Plain text comes back unchanged, as the same object, when it holds none of the markers; otherwise
    each line's view is a function of that line alone, with the same terminator, so `split_lines`
    numbers both alike. Cleaning still deletes the text's own lines: the view only decides which.
    """
    if len(text) <= _VIEW_CHUNK:
        return _viewed(text)
    # A long text a piece at a time, each cut after a line's end: a piece without a marker costs a few
    # searches and no copy, so a long document pays what its pieces would (each line is viewed alone).
    parts, start = [], 0
    while start < len(text):
        end = text.find("\n", start + _VIEW_CHUNK) + 1 or len(text)
        parts.append(_viewed(text[start:end]))
        start = end
    view = "".join(parts)
    return text if view == text else view



def _viewed(text: str) -> str:
    """`markdown_view` of one piece of a text, cut after a line's end."""
    marks = [mark for mark in ("]", "#", ">", "*", "_", "\\") if mark in text]  # (one character: fast)
    if not marks:
        return text
    view = text
    if "]" in marks and "](" in view:
        view = _MD_LINK.sub(r"\1", _MD_LINK.sub(r"\1", _MD_IMAGE.sub(r"\1", view)))  # twice: a link around an image
    starts = _line_starts(view) if any(mark in marks for mark in "#>") else ()
    if starts:  # patterns led by a line's terminator: the first line gets one put in front
        view = "\n" + view
        for mark, patterns, keep in _LINE_START_VIEWS:
            if mark in starts:
                for end, pattern in patterns.items():
                    if end in view:
                        view = pattern.sub(keep, view)
        view = view[1:]
    for mark, pattern in _MD_STRONG.items():
        if mark[0] in marks and mark in view:  # (a two-character search costs as much as ten of one)
            view = pattern.sub(r"\1", view)
    if "*" in marks:
        view = _MD_EMPHASIS.sub(r"\1", view)
    if "\\" in marks:
        view = _MD_ESCAPE.sub(r"\1", view)
    return text if view == text else view


def _line_starts(text: str) -> set[str]:
    """Which of "#" and ">" start a line of `text` (after up to three spaces)."""
    starts = set(_LINE_START["\n"].findall(text))
    if "\r" in text:
        starts.update(_LINE_START["\r"].findall(text))
    first = _FIRST_START.match(text)
    if first:
        starts.add(first.group(1))
    return starts


# Hard-wrapped text (`wrapped_paragraphs`): the widths a wrapping tool uses, and how many of a document's
# breaks must read as a wrap (the next line starts in lower case or in a script without case, or this one
# ends in a comma, ";" or a letter of a script without case).
_WRAP_WIDTHS = (40, 120)
_MIN_LINES = 8
_MIN_RUN_ONS = 3
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+•·▪◦‣–—►▸]|\d{1,3}[.)])[ \t]")
_SENTENCE_END = re.compile(r"[.!?:…؟][\"'”’)\]]*$")
_CLAUSE_END = ",;،"  # (the Arabic comma too)


def _runs_on_in_case(first: str) -> bool:
    """Whether a line starting with `first` (a character, or "") goes on with a sentence by its case: a
    lower-case letter, or a letter of a script without case (Arabic, Hebrew, Devanagari...), where a
    capital cannot say a new sentence starts and only the width can tell a wrap."""
    return first.islower() or _caseless_letter(first)


def _caseless_letter(char: str) -> bool:
    """Whether `char` is a letter of a script without case (Hangul, Arabic, Devanagari...)."""
    return char.isalpha() and not char.isupper() and not char.islower() and not char.istitle()


def wrapped_paragraphs(texts: Sequence[str], width: int | None = None) -> list[range] | None:
    """The paragraphs of a hard-wrapped text (a terminal browser's dump, an e-mail, a Markdown file
    wrapped at 72 columns) as ranges of indices into `texts` (lines, without terminators), in order
    and covering every index; None when the text does not read as hard-wrapped.

    The wrap width W is the longest non-blank line but the longest 2%; a text is hard-wrapped when it
    has at least _MIN_LINES non-blank lines, W lies within _WRAP_WIDTHS, at least 15% of its lines
    fill to within 12 characters of W, and at least _MIN_RUN_ONS of the breaks below would join a line
    to one starting in lower case (or in a script without case) or after a comma, ";" or a letter of a
    script without case (a Korean line over one that starts with a number). A line runs on
    into the next when both hold text, the next line's first word would not have fitted on it within W
    (so the break is the wrapping tool's, not the author's), the next line is no list item and no less
    indented, the line is no Markdown heading, and the break is not a sentence's end followed by a
    capital, a digit or a mark (a wrap there would split a paragraph into two whole sentences' lines,
    which read as prose all the same).

    `width`: `wrap_width` of the texts' lengths, when the caller has it.
    """
    width = wrap_width(list(map(len, map(str.rstrip, texts)))) if width is None else width
    if width is None:
        return None
    runs_on = [i for i in range(len(texts) - 1) if _runs_on(texts[i], texts[i + 1], width)]
    # a full line that stops on a comma, or on a letter of a script without case ("...지난해" over "3월에"), goes on
    plain_wraps = [i for i in runs_on if _runs_on_in_case(texts[i + 1].lstrip()[:1])
                   or texts[i].rstrip()[-1:] in _CLAUSE_END or _caseless_letter(texts[i].rstrip()[-1:])]
    if len(plain_wraps) < _MIN_RUN_ONS:
        return None
    return _ranges(len(texts), set(runs_on))


def wrap_width(lengths: list[int]) -> int | None:
    """The wrap width of lines of these `lengths` (without trailing whitespace; sorted in place), or None
    when they do not read as hard-wrapped (see `wrapped_paragraphs`). Every document pays this once a
    pass, so it is all C: a sort and bisections."""
    lengths.sort()
    start = bisect_right(lengths, 0)  # the non-blank lines from here
    count = len(lengths) - start
    if count < _MIN_LINES:
        return None
    width = lengths[start + int(0.98 * (count - 1))]
    if not _WRAP_WIDTHS[0] <= width <= _WRAP_WIDTHS[1]:
        return None
    return width if len(lengths) - bisect_left(lengths, width - 12) >= 0.15 * count else None


def _runs_on(line: str, following: str, width: int) -> bool:
    text, rest = line.rstrip(), following.strip()
    if not text.strip() or not rest or _LIST_ITEM.match(following) or text.lstrip().startswith("#"):
        return False
    if len(text) + 1 + len(rest.split(None, 1)[0]) <= width:
        return False
    if len(following) - len(following.lstrip()) < len(text) - len(text.lstrip()):
        return False
    return not (_SENTENCE_END.search(text) and not _runs_on_in_case(rest[:1]))


def _ranges(count: int, runs_on: set[int]) -> list[range]:
    """Ranges of 0..count-1 split after every index not in `runs_on`."""
    ranges, start = [], 0
    for i in range(count):
        if i not in runs_on:
            ranges.append(range(start, i + 1))
            start = i + 1
    return ranges
