"""What every rule kind shares: the `Document` a rule looks at, the `Rule` base class, and `Field`,
the declaration of one rule-file field, from which the loader validates and the README's kind table
is generated (`python -m cleaner.authoring.kinddocs`).

A kind declares each of its rule-file fields once, as a dataclass field made by `option` (optional,
with its default) or `required`; `register` (in `kinds/__init__.py`) collects them into `FIELDS`.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from time import monotonic
from typing import Any, ClassVar

import regex

from cleaner.errors import DocumentTimeout, RuleTimeout
from cleaner.lines import Line
from cleaner.search.candidates import keyword_search
from cleaner.search.joined import matching_texts

Claim = tuple[int, int]  # first and last line index, inclusive

_METADATA_KEY = "cleaner.field"


@dataclass(frozen=True)
class Field:
    """One field a kind accepts in a rule file.

    `type` is its TOML type (`str` for a pattern, compiled when `pattern`; `list` for a list of
    strings, stored as a tuple); a number must be at least `minimum` (numbers are never negative);
    a string must be one of `choices` when given. A `required` field has no `default`. `name` is
    filled in by `declared_fields`.
    """

    type: type
    doc: str
    pattern: bool = False
    minimum: float = 0
    choices: tuple[str, ...] = ()
    required: bool = False
    default: Any = None
    name: str = ""


def option(type: type, default: Any, doc: str, *, pattern: bool = False, minimum: float = 0,
           choices: tuple[str, ...] = ()) -> Any:
    """An optional rule-file field of a kind, with its default (a dataclass field)."""
    spec = Field(type, doc, pattern=pattern, minimum=minimum, choices=choices, default=default)
    return dataclasses.field(default=default, metadata={_METADATA_KEY: spec})


def required(type: type, doc: str, *, pattern: bool = False, minimum: float = 0) -> Any:
    """A rule-file field every rule of the kind must give (a dataclass field without default)."""
    spec = Field(type, doc, pattern=pattern, minimum=minimum, required=True)
    return dataclasses.field(metadata={_METADATA_KEY: spec})


def declared_fields(cls: type) -> dict[str, Field]:
    """The rule-file fields `cls` declares with `option` / `required`, in declaration order."""
    return {f.name: dataclasses.replace(f.metadata[_METADATA_KEY], name=f.name)
            for f in dataclasses.fields(cls) if _METADATA_KEY in f.metadata}


class Document:
    """What a rule sees of a document: its lines, the lines already claimed, keyword hits.

    Each regex call gets `timeout` seconds, or what is left until `deadline` (a `time.monotonic()`
    value; None: no deadline) when that is less; running out of the latter raises DocumentTimeout,
    naming the rule, budget `budget`.
    """

    def __init__(self, lines: Sequence[Line], candidates: dict[str, list[int]], timeout: float,
                 deadline: float | None = None, budget: float = 0.0,
                 hints: Mapping[str, Mapping[str, float]] | None = None, whole_page: bool = False,
                 memo: dict[str, Any] | None = None) -> None:
        self.lines = lines
        self.claimed: list[Rule | None] = [None] * len(lines)
        self._candidates = candidates
        self.timeout = timeout
        self.deadline = deadline
        self.budget = budget
        # What the page says about each line (HTML input), by stripped text; None for text input.
        self.hints = hints
        # A pack of the document's site says it is a whole page (RuleSet.whole_pages): the line model
        # takes it for one, whatever its regime classifier says.
        self.whole_page = whole_page
        # Set by a rule's `find` for the engine: lines it releases from an earlier rule's claim (the
        # line model's veto), and why it claimed a line, when it says more than its id.
        self.released: list[int] = []
        self.reasons: dict[int, dict] = {}
        # What kinds learn about line texts, by the kind's own key (e.g. which texts are sentences): pure
        # functions of a text, so the engine hands every pass over a document the same dict.
        self.memo: dict[str, Any] = {} if memo is None else memo

    @cached_property
    def texts(self) -> list[str]:
        """The lines' texts."""
        return [line.text for line in self.lines]

    @cached_property
    def keys(self) -> list[str]:
        """The lines' texts stripped of surrounding whitespace (empty for a blank line)."""
        return list(map(str.strip, self.texts))

    def candidates(self, rule: Rule) -> Sequence[int] | range:
        """Indices of the lines the rule's `CANDIDATE_PATTERN` can match, by the prefilters (keywords, and
        the pattern prefilter when it ran): every line for a rule they say nothing about."""
        found = self._candidates.get(rule.id)
        if found is not None:
            return found
        if not rule.keywords:
            return range(len(self.lines))
        if rule.prefilter_keywords:
            return ()  # the prefilters looked for its keywords and found none
        return [i for i in range(len(self.lines)) if self.holds_keyword(rule, i)]

    def holds_keyword(self, rule: Rule, index: int) -> bool:
        """Whether line `index` holds one of `rule`'s keywords, as the keyword prefilter finds them
        (`candidates.keyword_search`); true for a rule without keywords."""
        return not rule.keywords or rule.keyword_search(self.lines[index].text.lower()) is not None

    def search(self, rule: Rule, pattern: regex.Pattern, index: int) -> bool:
        """Whether `pattern` matches line `index`, under the timeout."""
        timeout = self.call_timeout(rule)
        try:
            return pattern.search(self.lines[index].text, timeout=timeout) is not None
        except TimeoutError:
            raise self._timed_out(rule, timeout) from None

    def call_timeout(self, rule: Rule) -> float:
        """The timeout of `rule`'s next regex call: `timeout`, or less if the deadline is nearer."""
        if self.deadline is None:
            return self.timeout
        left = self.deadline - monotonic()
        if left <= 0:
            raise DocumentTimeout(rule.id, rule.pack_id, self.budget)
        return left if left < self.timeout else self.timeout

    def _timed_out(self, rule: Rule, timeout: float) -> Exception:
        if timeout < self.timeout or (self.deadline is not None and monotonic() >= self.deadline):
            return DocumentTimeout(rule.id, rule.pack_id, self.budget)  # the document's budget ran out
        return RuleTimeout(rule.id, rule.pack_id, self.timeout)

    def matching(self, rule: Rule, pattern: regex.Pattern, indices: Sequence[int],
                 max_chars: int | None = None) -> list[int]:
        """The indices among `indices` of lines at most `max_chars` long (None: any) that `pattern`
        matches, as `search` would say. The length is the line's whole text, indentation included
        (measuring it stripped was tried: no better on the dev set, and it moves many removals).

        A third of a scraped page's lines repeat another (blank and indentation-only lines, menu
        items), and a search under a timeout costs far more than a set lookup, so each distinct
        line text is searched once; comprehensions keep the per-line overhead low.
        """
        lines = self.lines
        if max_chars is not None:
            indices = [i for i in indices if len(lines[i].text) <= max_chars]
        if not indices:  # most rules on most pages, once the prefilters ran: skip the machinery below
            return []
        timeout = self.call_timeout(rule)
        try:
            hits = matching_texts(pattern, {lines[i].text for i in indices}, timeout, self.deadline)
        except TimeoutError:
            raise self._timed_out(rule, timeout) from None
        return [i for i in indices if lines[i].text in hits] if hits else []

    @cached_property
    def key_counts(self) -> Counter[str]:
        """How often each stripped line text occurs in the document."""
        return Counter(self.keys)

    def is_removed(self, index: int) -> bool:
        return self.claimed[index] is not None


@dataclass(frozen=True, kw_only=True)
class Rule:
    """Fields every rule has; subclasses declare their rule-file fields with `option` / `required`,
    say what they remove in `REMOVES` (one line, for the README) and implement `find`."""

    kind: ClassVar[str] = ""
    REMOVES: ClassVar[str] = ""
    FIELDS: ClassVar[dict[str, Field]] = {}  # filled in by `register` from the declarations
    # The field whose pattern `find` searches `doc.candidates(self)` lines with, and only with: a line
    # that pattern cannot match need not be a candidate (None: no such pattern).
    CANDIDATE_PATTERN: ClassVar[str | None] = None
    # Whether every claim `find` makes starts at a candidate line, so a document without any gives none:
    # the engine then skips the call (most rules on most documents, once the prefilters ran).
    NEEDS_CANDIDATES: ClassVar[bool] = False
    # Whether the line model's edge rows may grow from the kind's removals (`LineDecisions.edge_seed`): a
    # pattern's hit is evidence of a block; another model's guess is not (False for `line_classifier`).
    SEEDS_EDGE_ROWS: ClassVar[bool] = True

    id: str
    pack_id: str
    rationale: str
    keywords: tuple[str, ...] = ()
    examples_remove: tuple[tuple[str, str], ...] = ()  # (snippet, what must remain)
    examples_keep: tuple[str, ...] = ()
    line: int | None = None  # where the rule is declared in its file
    # Optional, any kind: how often a mined rule's lines were seen, as sorted (name, value) pairs
    # (`pages` matched of `seen`, ...; see rule_fields.EVIDENCE_FIELDS). Provenance cites it per removal.
    evidence: tuple[tuple[str, int], ...] | None = None
    category: str = "other"  # the kind of furniture (`cleaner.rules.select.CATEGORIES`): its own, or its pack's
    priority: int = 0  # within a kind, higher runs first, so it owns a line a lower one also matches
    # What the rule's patterns meet: "words", a line as a reader sees it (Markdown as its words, a hard-wrapped
    # paragraph as one line; `engine.decide`), or "raw", each line exactly as the text has it (`^\[Subscribe\]\(`).
    reads: str = "words"

    @cached_property
    def keyword_search(self) -> Callable[[str], object]:
        """A search of a lower-cased line for any of the rule's keywords (`Document.holds_keyword`)."""
        return keyword_search(self.keywords)

    @cached_property  # `_match` asks it of every rule on every pass
    def prefilter_keywords(self) -> tuple[str, ...]:
        """The keywords the prefilters look for on every line of a document (`RuleSet.index`): all of them,
        unless the rule needs candidates but names no pattern for the prefilters (a `list_run` box rule,
        which reads only the lines beside removals): it checks them on the lines it reads
        (`Document.holds_keyword`), and no document pays a scan for keywords as common as "$" or "•"."""
        return self.keywords if self.CANDIDATE_PATTERN is not None or not self.NEEDS_CANDIDATES else ()

    def find(self, doc: Document) -> Iterator[Claim]:
        raise NotImplementedError

    def depends_on_context(self) -> bool:
        """Whether what the rule claims can change when other lines go, so the engine runs it again
        in later passes (every kind but a plain `line` rule)."""
        return True

    def depends_on(self) -> tuple[str, ...]:
        """Ids of rules whose removals this rule looks at (needed to test its examples)."""
        return ()

    def resolved(self, rules: Sequence[Rule]) -> Rule:
        """This rule with its references to other rules (`depends_on`) resolved against the rule set's `rules`
        (a `list_run`'s `after_categories`); the rule itself for most."""
        return self

    def depends_on_packs(self) -> tuple[str, ...]:
        """Ids of packs whose rules' removals this rule looks at (needed to test its examples)."""
        return ()

    def declines(self, doc: Document) -> Iterator[tuple[int, str]]:
        """(line index, why) for each place the rule nearly matched but declined to remove, for rule
        authors (`cleaner explain -v`, `cleaner rules test -v`); never called while cleaning.
        Kinds whose decision is more than a pattern match (tail, list_run) say why here."""
        return iter(())
