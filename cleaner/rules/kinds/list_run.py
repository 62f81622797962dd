"""The `list_run` kind: a run of consecutive list-item lines."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import regex

from cleaner.rules.kinds import run_places
from cleaner.rules.kinds.base import Claim, Document, Rule, option, required
from cleaner.rules.kinds.context import ContextRule
from cleaner.rules.kinds.entries import entries_end
from cleaner.rules.kinds.run_places import FirstProse, across_blanks, block_kept, fills_block
from cleaner.rules.select import CATEGORIES
from cleaner.search import linefast


@dataclass(frozen=True, kw_only=True)
class ListRunRule(ContextRule):
    """A run of at least `min_items` consecutive lines matching `item`, each at most `max_chars`.

    With `requires = "adjacent_removal"` the run must touch a line already removed by another rule
    (directly, across blank lines, or by holding it: a heading the item pattern matches too), or
    lie between two removed lines: a list that follows a sign-up prompt is furniture, the same list in an
    article may not be. With `requires = "enclosed"` it must touch (or end in) one above and one below: a
    sign-up box's pitch between its heading and its field. `after_rules` narrows which removals count;
    `after_categories` names whole categories of rules (`not_after_rules` and the rule itself aside), which the
    rule set turns into ids when it loads (`resolved`), so a rule added to such a category counts at once.

    With `heading` the rule reads from each line matching it (keywords then filter the heading, not
    the items): the heading and at least `min_items` item lines right under it (blank lines between
    the heading and the first item allowed) go together. "Find your next role" over "Accounting &
    Finance", "Healthcare", ... is a job board's list whatever its heading's other words, which
    `heading` names by their nouns. The context below is then that of the heading and the run.

    With `recur_share` a run is a list of entries that name what follows: at least that share of its
    item lines must occur again below it as lines of their own (bullets, numbers, a colon and case
    aside), and the run ends before the line that repeats its first such entry, where the section it
    names begins. A table of contents goes; the sections under a heading whose entries an extractor
    dropped, and a kit's list of contents, stay.

    With `context = "standalone"` a run stays when the line above it is a lead-in ending in a colon,
    or both lines around it are prose lines (`kinds/context.py` defines the terms):
    an article's own list of award winners is not a list of links. With `context = "article"` it
    also stays with prose a few lines above and below it: inside the article. With
    `context = "article_wide"` it also stays with prose a few lines away on one side and, on the
    other, prose at any distance or (below) the end of the text, nothing removed between.

    Three options keep a box rule (a free-worded label taken with the buttons or the field it touches)
    off the article: with `across_blanks = false` a run touches only a removal on the next line, in its
    own block; with `keep_under_prose` a run right under a prose line (no blank line between) stays, as an
    article's sign-off over its share bar; with `keep_before_prose` a run above the first prose line stays,
    as a byline over the article's share buttons; with `keep_at_end` a run that ends the document stays, for
    a `tail` rule to take with the looser items it allows. With `through_removed` a run also touches a
    removal across non-blank lines other rules removed (a card's "2 days ago" between its title and its
    "Easy apply"); a blank line still ends the reach when `across_blanks` is false.

    With `block_heading` a run must fill its block (the lines between two blank lines, or the text's edges), at
    most `max_block_lines` long: only lines the counted rules removed may stand above or below it there, and the
    block's first line, removed or not, matches `block_heading`. A box is a block of its own, headed by a short
    label, its pitch and its button: once a rule recognises one of its lines, the pitch goes too, however it
    is worded, where the same sentence inside a paragraph's block, or under a line that is not a heading, stays;
    so do the text's first block, one between prose lines (`run_places.block_kept`) and one holding a removal
    of a `block_excludes` category (the article's head: a byline over a timestamp).
    """

    kind = "list_run"
    REMOVES = ("a run of ≥ `min_items` consecutive `item` lines; with `requires` only next to (`adjacent_removal`) "
               "or between (`enclosed`) lines removed by `after_rules` (or any rule)")
    NEEDS_CANDIDATES = True

    @property  # type: ignore[override]
    def CANDIDATE_PATTERN(self) -> str | None:  # noqa: N802 (the class attribute of every kind)
        """The prefilters' pattern: the heading if set; none for a box rule (`_runs_touching` reads few lines)."""
        box = self.heading is None and bool(self.after_rules) and self.id not in self.after_rules  # as `find` reads
        return "heading" if self.heading is not None else None if box else "item"
    item: regex.Pattern = required(str, "the regex each line of the run matches", pattern=True)
    min_items: int = option(int, 3, "the fewest consecutive item lines that make a run")
    max_chars: int = option(int, 80, "the longest item line (characters)")
    requires: str = option(str, "none", "`adjacent_removal`: the run must touch a line another rule removed; "
                           "`enclosed`: one above it and one below", choices=("none", "adjacent_removal", "enclosed"))
    after_rules: tuple[str, ...] = option(list, (), "ids of the rules whose removals count for `requires` "
                                          "(empty, and no `after_categories`: any rule)")
    after_categories: tuple[str, ...] = option(list, (), "categories whose rules' removals count as `after_rules`' "
                                               "do (this rule and `not_after_rules` aside)", choices=tuple(CATEGORIES))
    not_after_rules: tuple[str, ...] = option(list, (), "rules of `after_categories` whose removals do not count")
    heading: regex.Pattern | None = option(str, None, "the regex of a heading line: with it set, each such line "
                                           "and the run of items right under it go together", pattern=True)
    across_blanks: bool = option(bool, True, "whether a run touches a removal across blank lines (false: only "
                                 "a line right next to it, in the same block)")
    keep_under_prose: bool = option(bool, False, "leave a run whose line right above it (no blank line between) "
                                    "is a prose line: the article's closing lines, a sign-off over its share bar")
    keep_before_prose: bool = option(bool, False, "leave a run above the document's first prose line: the "
                                     "headline, byline or dateline over the article's share buttons")
    keep_at_end: bool = option(bool, False, "leave a run with nothing after it but blank lines and lines other "
                               "rules removed: the end of the document is the `tail` rules' to take, whose items "
                               "may be any short lines")
    through_removed: bool = option(bool, False, "whether a run touches a removal across non-blank lines other "
                                   "rules removed between them (a job card's date line between its title and "
                                   "its button)")
    recur_share: float = option(float, 0.0, "the least share of the run's item lines that occur again below it "
                                "as a line of their own, bullets, numbers and case aside: a table of contents "
                                "names the headings that follow it (0: no such condition)")
    block_heading: regex.Pattern | None = option(str, None, "the regex of the first line of a block the run must "
                                                 "fill, only counted removals beside it in the block (none: no such "
                                                 "condition)", pattern=True)
    max_block_lines: int = option(int, 5, "with `block_heading`, the longest block (lines) a run may fill")
    apart_lines: int = option(int, 0, "a run filling a block of at most this many lines, only counted removals beside "
                              "it, stands apart from the prose: neither `context` nor `block_heading` keeps it for "
                              "the prose around it (a box between two paragraphs; 0: never)")
    block_excludes: tuple[str, ...] = option(list, (), "with `block_heading`, categories whose removals in the block "
                                             "keep it (`chrome`: a timestamp's block is the article's head)",
                                             choices=tuple(CATEGORIES))

    def depends_on(self) -> tuple[str, ...]:
        return self.after_rules

    def resolved(self, rules: Sequence[Rule]) -> ListRunRule:
        """This rule with `after_categories` turned into ids of `rules` added to `after_rules`."""
        if not self.after_categories:
            return self
        skip = {self.id, *self.not_after_rules}
        named = (r.id for r in rules if r.category in self.after_categories and r.id not in skip)
        return dataclasses.replace(self, after_rules=tuple(dict.fromkeys((*self.after_rules, *named))))

    def find(self, doc: Document) -> Iterator[Claim]:
        if self.requires != "none" and not self._any_removal_counts(doc):
            return  # no run could touch a removal that counts: skip every regex call
        if self.heading is not None:
            runs: Iterable[Claim] = self._headed_runs(doc)
        elif self.after_rules and self.id not in self.after_rules:
            runs = self._runs_touching(doc)
        else:
            runs = self._runs(doc)
        above = FirstProse(self, doc)  # one scan for all the runs, not one from the top per run
        for first, whole in runs:
            last = self._entries_end(doc, first, whole)
            if last is not None and self._size(doc, first, last) >= self.min_items \
                    and self._context_ok(doc, first, last) and self._fills_block(doc, first, last) \
                    and self._place_kept(doc, first, last, above) is None:
                yield (first, last)

    def _size(self, doc: Document, first: int, last: int) -> int:
        """The run's item lines: under a heading, the lines after it but the blank ones between it and
        the first item (items themselves run without a blank line)."""
        if self.heading is None:
            return last - first + 1
        return sum(not line.is_blank for line in doc.lines[first + 1:last + 1])

    def _headed_runs(self, doc: Document) -> Iterator[Claim]:
        """Each `heading` line with the item lines right under it (`run_places.headed_runs`)."""
        return run_places.headed_runs(doc, self, self.heading, self.item, self.max_chars)

    def declines(self, doc: Document) -> Iterator[tuple[int, str]]:
        """Runs of two or more item lines (or of `min_items`, when that is one) left in place, and why."""
        headed, above = self.heading is not None, FirstProse(self, doc)
        for first, last in self._headed_runs(doc) if headed else self._runs(doc):
            size = self._size(doc, first, last)
            # a run this rule took, or other rules took whole, is no decline; one holding removals that count
            # for it (a box's buttons under its label) may be, one holding others' removals is not
            owners = [owner for owner in doc.claimed[first:last + 1] if owner is not None]
            if any(owner is self for owner in owners) or len(owners) == last - first + 1 \
                    or (owners and not any(map(self._counts, owners))) or size < min(2, self.min_items):
                continue
            if size < self.min_items:
                yield first, f"{size} items{' under the heading' if headed else ''} < min_items {self.min_items}"
            elif not self._context_ok(doc, first, last):
                by = run_places.counted_by(self.after_rules, self.after_categories)
                missing = "not a removal on both sides" if self.requires == "enclosed" else "no adjacent removal"
                yield first, f"{size} items, but {missing}{by}{self._requires_note}"
            elif not self._fills_block(doc, first, last):
                yield first, f"{size} items, but not the whole of a block of at most {self.max_block_lines} lines " \
                    "under a heading (block_heading)"
            elif (place := self._place_kept(doc, first, last, above)) is not None:
                yield first, f"{size} items, but {place}"
            elif self._entries_end(doc, first, last) is None:
                yield first, f"{size} items, but fewer than {self.recur_share:.0%} occur again below (recur_share)"

    @property
    def _requires_note(self) -> str:
        return f' (requires = "{self.requires}")'

    def untouched(self, reason: str) -> bool:
        """Whether `reason`, one of `declines`', says a run lacked the removal `requires` asks for."""
        return self.requires != "none" and reason.endswith(self._requires_note)

    def _place_kept(self, doc: Document, first: int, last: int, above: FirstProse) -> str | None:
        """Why the run of lines `first`..`last` stays for where it is (None: it may go): inside the article
        (`context`), right under a prose line (`keep_under_prose`), above the first one
        (`keep_before_prose`; `above`: the scan for it, one for all the runs of a reading of `doc`), or at the
        end (`keep_at_end`); a run standing apart (`apart_lines`) is not inside the prose."""
        apart = self.apart_lines > 0 and fills_block(doc, first, last, self.apart_lines, self._counts) is not None
        if not apart and self._in_article(doc, first, last):
            return f"inside the article's prose (context = \"{self.context}\")"
        if self.block_heading is not None and (place := block_kept(self, doc, first, last, apart)) is not None:
            return place
        if self.keep_under_prose and self._under_prose(doc, first):
            return "right under a prose line (keep_under_prose)"
        if self.keep_before_prose and not above.before(first):
            return "above the first prose line (keep_before_prose)"
        if self.keep_at_end and all(doc.lines[i].is_blank or doc.claimed[i] is not None
                                    for i in range(last + 1, len(doc.lines))):
            return "at the end of the document (keep_at_end)"
        return None

    def _fills_block(self, doc: Document, first: int, last: int) -> bool:
        """Whether the run `first`..`last` fills its block as `block_heading` asks (the class docstring; True
        without it)."""
        if self.block_heading is None:
            return True
        block = fills_block(doc, first, last, self.max_block_lines, self._counts)
        return block is not None and doc.search(self, self.block_heading, block[0]) and not any(
            owner is not None and owner.category in self.block_excludes for owner in doc.claimed[block[0]:block[1] + 1])

    def _entries_end(self, doc: Document, first: int, last: int) -> int | None:
        """With `recur_share`, where a run of entries ends (`entries.entries_end`; None: not a list of
        entries). Without `recur_share`, `last`."""
        if self.recur_share <= 0:
            return last
        return entries_end(doc.keys, first + (self.heading is not None), last, self.recur_share)

    def _in_article(self, doc: Document, first: int, last: int) -> bool:
        if self.context in ("standalone", "label"):
            return self.run_in_prose(doc, first, last)
        if self.context == "article_wide":
            return self.run_in_wide_article(doc, first, last)
        return self.context == "article" and self.run_in_article(doc, first, last)

    def _under_prose(self, doc: Document, first: int) -> bool:
        """Whether the line right above line `first` (no blank line between) is a prose line."""
        return first > 0 and not doc.lines[first - 1].is_blank and self._prose(doc, first - 1, ())

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

    def _runs_touching(self, doc: Document) -> list[Claim]:
        """Of `_runs`, those that hold a line `after_rules` removed or reach one: all that `_context_ok` can
        pass when this rule's own removals do not count. Only the lines around such removals are read (an
        item such as `signup-box-text`'s matches most short lines), its keywords checked there."""
        known: dict[int, bool] = {}

        def is_item(i: int) -> bool:
            if i not in known:
                known[i] = len(doc.lines[i].text) <= self.max_chars and doc.holds_keyword(self, i) \
                    and doc.search(self, self.item, i)
            return known[i]

        reach = len(doc.lines) if self.block_heading is None else self.max_block_lines  # a longer run fills no block
        return run_places.runs_touching(doc, frozenset(self.after_rules), is_item, reach,
                                        lambda i, step: self._touching(doc, i, step))

    def _context_ok(self, doc: Document, first: int, last: int) -> bool:
        # A run whose item pattern also matched the removed line itself (a heading) touches it too.
        if self.requires == "enclosed":
            ends = ((first, -1), (last, 1))
            return all(self._counts(doc.claimed[i]) or self._removed_near(doc, i, k) for i, k in ends)
        return self.requires == "none" or any(self._counts(doc.claimed[i]) for i in range(first, last + 1)) \
            or self._removed_near(doc, first, -1) or self._removed_near(doc, last, +1)

    def _counts(self, owner: Rule | None) -> bool:
        return owner is not None and (not self.after_rules or owner.id in self.after_rules)

    def _removed_near(self, doc: Document, index: int, step: int) -> bool:
        reached = self._touching(doc, index, step)
        return reached is not None and self._counts(doc.claimed[reached])

    def _touching(self, doc: Document, index: int, step: int) -> int | None:
        """The line a run's edge at `index` touches going by `step`: across blank lines left in place, or
        with `across_blanks = false` the next line only (None past the document's edge); with
        `through_removed` also across non-blank lines that rules not counted here removed."""
        reached = self._next(doc, index, step)
        while self.through_removed and reached is not None and doc.claimed[reached] is not None \
                and not doc.lines[reached].is_blank and not self._counts(doc.claimed[reached]):
            reached = self._next(doc, reached, step)
        return reached

    def _next(self, doc: Document, index: int, step: int) -> int | None:
        if self.across_blanks:
            return across_blanks(doc, index, step)
        return index + step if 0 <= index + step < len(doc.lines) else None
