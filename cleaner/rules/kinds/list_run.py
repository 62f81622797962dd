"""The `list_run` kind: a run of consecutive list-item lines."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import regex

from cleaner.rules.kinds.base import Claim, Document, Rule, option, required
from cleaner.rules.kinds.context import ContextRule
from cleaner.search import linefast


@dataclass(frozen=True, kw_only=True)
class ListRunRule(ContextRule):
    """A run of at least `min_items` consecutive lines matching `item`, each at most `max_chars`.

    With `requires = "adjacent_removal"` the run must touch a line already removed by another rule
    (directly, across blank lines, or by holding it: a heading the item pattern matches too), or
    lie between two removed lines: a list that follows a sign-up prompt is furniture, the same list
    in an article may not be. `after_rules` narrows which rules' removals count (default: any).

    With `context = "standalone"` a run stays when the line above it is a lead-in ending in a colon,
    or both lines around it are prose lines (`kinds/context.py` defines the terms):
    an article's own list of award winners is not a list of links. With `context = "article"` it
    also stays with prose a few lines above and below it: inside the article. With
    `context = "article_wide"` it also stays with prose a few lines away on one side and, on the
    other, prose at any distance or (below) the end of the text, nothing removed between.
    """

    kind = "list_run"
    REMOVES = ("a run of ≥ `min_items` consecutive `item` lines; with `requires = \"adjacent_removal\"` "
               "only next to (or between) lines removed by `after_rules` (or any rule)")
    NEEDS_CANDIDATES = True
    CANDIDATE_PATTERN = "item"
    item: regex.Pattern = required(str, "the regex each line of the run matches", pattern=True)
    min_items: int = option(int, 3, "the fewest consecutive item lines that make a run")
    max_chars: int = option(int, 80, "the longest item line (characters)")
    requires: str = option(str, "none", "`adjacent_removal`: the run must touch a line another rule removed",
                           choices=("none", "adjacent_removal"))
    after_rules: tuple[str, ...] = option(list, (), "ids of the rules whose removals count for `requires` "
                                          "(empty: any rule)")

    def depends_on(self) -> tuple[str, ...]:
        return self.after_rules

    def find(self, doc: Document) -> Iterator[Claim]:
        if self.requires != "none" and not self._any_removal_counts(doc):
            return  # no run could touch a removal that counts: skip every regex call
        for first, last in self._runs(doc):
            if last - first + 1 >= self.min_items and self._context_ok(doc, first, last) \
                    and not self._in_article(doc, first, last):
                yield (first, last)

    def declines(self, doc: Document) -> Iterator[tuple[int, str]]:
        """Runs of two or more item lines (or of `min_items`, when that is one) left in place, and why."""
        for first, last in self._runs(doc):
            size = last - first + 1
            if any(doc.is_removed(i) for i in range(first, last + 1)) or size < min(2, self.min_items):
                continue
            if size < self.min_items:
                yield first, f"{size} items < min_items {self.min_items}"
            elif not self._context_ok(doc, first, last):
                by = f" by {', '.join(self.after_rules)}" if self.after_rules else ""
                yield first, f"{size} items, but no adjacent removal{by} (requires = \"{self.requires}\")"

    def _in_article(self, doc: Document, first: int, last: int) -> bool:
        if self.context in ("standalone", "label"):
            return self.run_in_prose(doc, first, last)
        if self.context == "article_wide":
            return self.run_in_wide_article(doc, first, last)
        return self.context == "article" and self.run_in_article(doc, first, last)

    def _any_removal_counts(self, doc: Document) -> bool:
        # distinct owners by identity: a rule's hash is Python code over all its fields, per line
        distinct = linefast.distinct_owners(doc.claimed)
        if distinct is None:  # the reference
            distinct = [owner for owner in {id(owner): owner for owner in doc.claimed}.values() if owner is not None]
        owners = {owner.id for owner in distinct}
        return bool(owners & set(self.after_rules)) if self.after_rules else bool(owners)

    def _runs(self, doc: Document) -> Iterator[Claim]:
        first = previous = -2
        for i in doc.matching(self, self.item, doc.candidates(self), self.max_chars):
            if i != previous + 1:
                if first >= 0:
                    yield (first, previous)
                first = i
            previous = i
        if first >= 0:
            yield (first, previous)

    def _context_ok(self, doc: Document, first: int, last: int) -> bool:
        if self.requires == "none":
            return True
        # A run whose item pattern also matched the removed line itself (a heading) touches it too.
        return any(self._counts(doc.claimed[i]) for i in range(first, last + 1)) \
            or self._removed_near(doc, first, -1) or self._removed_near(doc, last, +1)

    def _counts(self, owner: Rule | None) -> bool:
        return owner is not None and (not self.after_rules or owner.id in self.after_rules)

    def _removed_near(self, doc: Document, index: int, step: int) -> bool:
        i = index + step
        while 0 <= i < len(doc.lines) and doc.lines[i].is_blank and not doc.is_removed(i):
            i += step
        if not 0 <= i < len(doc.lines):
            return False
        return self._counts(doc.claimed[i])
