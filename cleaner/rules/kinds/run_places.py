"""Where a `list_run`'s run stands: what it touches across blank lines, the block it lies in, and whether
the article's prose has begun above it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import regex

from cleaner.rules.kinds.base import Claim, Document, Rule
from cleaner.rules.kinds.context import ContextRule, neighbour


def across_blanks(doc: Document, index: int, step: int) -> int | None:
    """The first line from `index` + `step` on, going by `step`, that is not a blank line left in
    place (None past the document's edge): what a run touches across blank lines."""
    i, size = index + step, len(doc.lines)
    while 0 <= i < size and doc.lines[i].is_blank and doc.claimed[i] is None:
        i += step
    return i if 0 <= i < size else None


def headed_runs(doc: Document, rule: Rule, heading: regex.Pattern, item: regex.Pattern, max_chars: int
                ) -> Iterator[Claim]:
    """Each line of `rule`'s candidates matching `heading`, with the item lines right under it (blank lines between
    allowed, none between items; each at most `max_chars`), as (heading, last item); a heading inside a run taken
    already is an item of it."""
    lines, taken = doc.lines, -1
    for start in doc.candidates(rule):
        if start <= taken or not doc.search(rule, heading, start):
            continue
        first = across_blanks(doc, start, 1)
        if first is None:
            continue
        last = first - 1
        while last + 1 < len(lines) and len(lines[last + 1].text) <= max_chars \
                and not lines[last + 1].is_blank and doc.search(rule, item, last + 1):
            last += 1
        if last >= first:
            taken = last
            yield (start, last)


def counted_by(after_rules: tuple[str, ...], after_categories: tuple[str, ...]) -> str:
    """" by " and the rules whose removals a box rule counts, as its rule file names them: ids, or categories and
    how many rules they hold ("" when any rule's count)."""
    if not after_rules:
        return ""
    if not after_categories:
        return " by " + ", ".join(after_rules)
    count = len(after_rules)
    return f" by a rule of {', '.join(after_categories)} ({count} rule{'' if count == 1 else 's'})"


def runs_touching(doc: Document, counted: frozenset[str], is_item: Callable[[int], bool], reach: int,
                  touching: Callable[[int, int], int | None]) -> list[Claim]:
    """The runs of item lines (`is_item`) that hold a line a `counted` rule removed or that `touching` reaches
    from one (a line index and a step: the line a run's edge touches), each at most `reach` + 1 lines; only the
    lines around such removals are read."""
    seeds = set()
    for removed in [i for i, owner in enumerate(doc.claimed) if owner is not None and owner.id in counted]:
        seeds.add(removed)  # (the owner test inline: this reads every line of every document)
        seeds.update(i for i in (touching(removed, -1), touching(removed, 1)) if i is not None)
    runs, last, size = [], -1, len(doc.lines)
    for seed in sorted(seeds):
        if seed <= last or not is_item(seed):
            continue
        first = last = seed
        while first > 0 and last - first < reach and is_item(first - 1):
            first -= 1
        while last + 1 < size and last - first < reach and is_item(last + 1):
            last += 1
        runs.append((first, last))
    return runs


class FirstProse:
    """Whether a prose line (`ContextRule._prose`) lies above a line of `doc`: the article has begun.

    Read for every run a `keep_before_prose` rule finds, a scan from the top each time made a long document
    without prose quadratic (10 MB of lines that do not end a sentence: 0.2 s/MB became 0.4 s). While one rule's
    runs are read, lines are only claimed, never given back (the engine releases lines between rules), so a
    line found not prose stays so: the scan resumes where it stopped, and a prose line it found is asked
    again only whether it has since been claimed.
    """

    def __init__(self, rule: ContextRule, doc: Document) -> None:
        self.rule, self.doc, self.at = rule, doc, 0  # every line above `at` is not prose

    def before(self, index: int) -> bool:
        """Whether a line above line `index` is a prose line."""
        keys, prose = self.doc.keys, self.rule._prose
        while self.at < index:
            if keys[self.at] and prose(self.doc, self.at, ()):
                return True
            self.at += 1
        return False


def block_bounds(doc: Document, first: int, last: int, most: int | None = None) -> tuple[int, int]:
    """The first and last line of the block holding lines `first`..`last` (none of them blank): the lines
    between the blank lines around them, or the text's edges. With `most`, read no further than one line past
    that many (the bounds then span more than `most` lines, and not the whole block): a text without blank lines
    is one block, and walking it for each run would be quadratic."""
    lines, top, bottom = doc.lines, first, last
    limit = len(lines) if most is None else most
    while top > 0 and not lines[top - 1].is_blank and bottom - top + 1 <= limit:
        top -= 1
    while bottom + 1 < len(lines) and not lines[bottom + 1].is_blank and bottom - top + 1 <= limit:
        bottom += 1
    return top, bottom


def fills_block(doc: Document, first: int, last: int, max_lines: int,
                counts: Callable[[Rule | None], bool]) -> tuple[int, int] | None:
    """The first and last line of the block (`block_bounds`, at most `max_lines` long) that lines `first`..`last`
    fill but for lines above and below them whose owners `counts` accepts (the removals a box rule reads); None
    when they do not fill one."""
    top, bottom = block_bounds(doc, first, last, max_lines)
    if bottom - top >= max_lines or not all(counts(doc.claimed[i]) for i in (*range(top, first),
                                                                            *range(last + 1, bottom + 1))):
        return None
    return top, bottom


def block_kept(rule: ContextRule, doc: Document, first: int, last: int, apart: bool = False) -> str | None:
    """Why the block of lines `first`..`last` stays for where it is (None: it may go): it opens the text (the
    headline and its standfirst over a button), or (unless it stands `apart`: `apart_lines`) stands between prose
    lines or under a lead-in (`rule.run_in_prose` of the block), as a section's heading and paragraph with a label
    glued under them. Asked of a block `fills_block` accepted: a short one."""
    top, bottom = block_bounds(doc, first, last)
    if neighbour(doc, top, -1) is None:
        return "in the block that opens the text (block_heading)"
    if not apart and rule.run_in_prose(doc, top, bottom):
        return "in a block between prose lines (block_heading)"
    return None
