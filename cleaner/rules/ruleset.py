"""Rule packs and rule sets, loaded (by `cleaner.rules.loader`): the model the engine runs.

A rule pack is data only: an id, a version, a description, an optional scope (domains it is
limited to), an optional default category and profiles, and a list of rules, each with its kind's
fields, a rationale and its own examples.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from cleaner.rules.kinds import PHASES, Rule
from cleaner.rules.select import Selection, Selector
from cleaner.search.candidates import CandidateIndex

DEFAULT_TIMEOUT = 1.0  # seconds per regex call
# A pack's `order`: "default" runs its rules among the others (by kind, then pack order); "last" runs
# them after every "default" pack's rules, so they only see lines the other packs kept (mined packs).
ORDER_VALUES = ("default", "last")
DEFAULT_DOC_TIMEOUT = 5.0  # seconds per document, all rules together


def check_seconds(value: float, what: str) -> float:
    """`value` if it is a number of seconds above 0 and finite; ValueError naming `what` otherwise.

    0 would fail every document, and a negative or NaN timeout switches the `regex` module's guard off."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
        raise ValueError(f"{what} must be a number of seconds above 0 and finite, got {value!r}")
    return float(value)


def after_dependencies(rules: Iterable[Rule]) -> tuple[Rule, ...]:
    """`rules` in their order, but a rule that reads another's removals (`Rule.depends_on`) moved to right after
    it when that one would run later: a box rule of an early kind (`list_run`) reading what a classifier, a later
    kind, removed. Each pass of the engine reads only the lines left by the passes before it, so a rule sees
    another's removals only if it runs after it in the same pass. A circle of dependencies (never in the bundled
    packs) leaves the order as it is."""
    original = tuple(rules)
    ordered = list(original)
    for _ in range(len(ordered) + 1):
        at = {rule.id: i for i, rule in enumerate(ordered)}
        late = next(((i, max(at[d] for d in rule.depends_on() if d in at)) for i, rule in enumerate(ordered)
                     if any(at.get(d, -1) > i for d in rule.depends_on())), None)
        if late is None:
            return tuple(ordered)
        ordered.insert(late[1], ordered.pop(late[0]))  # after the pop, index late[1] is right after it
    return original


@dataclass(frozen=True)
class RulePack:
    """One rule file, loaded."""

    id: str
    version: str
    description: str
    scope: tuple[str, ...]
    path: str
    rules: tuple[Rule, ...]
    sha256: str  # of the pack's parsed content, so comments and formatting do not change it
    order: str = "default"  # ORDER_VALUES
    category: str = "other"  # the default category of its rules
    profiles: tuple[str, ...] = ()  # the profiles it loads under (empty: every profile)
    excluded: tuple[str, ...] = ()  # ids of its rules a selection switched off
    # The line model takes the documents of its scope for whole pages, whatever its regime classifier
    # says of each (a mined site's extracts that still carry the site's furniture; see `whole_pages`).
    whole_pages: bool = False

    def applies_to(self, domain: str | None) -> bool:
        """Unscoped packs apply everywhere; scoped ones only to their domains and subdomains."""
        if not self.scope:
            return True
        if not domain:
            return False
        domain = domain.lower().removeprefix("www.")
        return any(domain == d or domain.endswith("." + d) for d in self.scope)


@dataclass(frozen=True)
class RuleSet:
    """Rule packs loaded together: ids unique across packs, one content hash, one keyword index.

    `timeout` bounds each regex call, `doc_timeout` all the rules' work on one document (seconds,
    above 0 and finite: ValueError otherwise). Neither changes the hash: they decide whether a
    document fails, never what a cleaned one looks like."""

    packs: tuple[RulePack, ...]
    timeout: float = DEFAULT_TIMEOUT
    profile: str = "article"
    doc_timeout: float = DEFAULT_DOC_TIMEOUT
    hash: str = field(init=False)
    _ordered: tuple[Rule, ...] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "timeout", check_seconds(self.timeout, "timeout"))
        object.__setattr__(self, "doc_timeout", check_seconds(self.doc_timeout, "doc_timeout"))
        digest = hashlib.sha256(json.dumps([p.sha256 for p in self.packs]).encode()).hexdigest()
        object.__setattr__(self, "hash", digest)
        phase = {kind: n for n, kind in enumerate(PHASES)}
        everything = [r for p in self.packs for r in p.rules]  # pack order, then file order
        everything = [r.resolved(everything) for r in everything]
        pack_order = {p.id: ORDER_VALUES.index(p.order) for p in self.packs}
        object.__setattr__(self, "_ordered", after_dependencies(sorted(
            everything, key=lambda r: (pack_order[r.pack_id], phase[r.kind], -r.priority))))

    @cached_property
    def index(self) -> CandidateIndex:
        """The rules' keyword and pattern prefilters. Built on first use: loading builds a rule set of
        every pack and then the one its selection keeps, and only the latter cleans (`load_rules`
        builds its index)."""
        return CandidateIndex((r.id, r.prefilter_keywords,
                               getattr(r, r.CANDIDATE_PATTERN) if r.CANDIDATE_PATTERN else None) for r in self.rules())

    @cached_property
    def reads_raw(self) -> bool:
        """Whether any rule reads raw lines (`Rule.reads`): the engine then keeps a second reading of
        Markdown and wrapped texts, which no document of a rule set without one pays for."""
        return any(rule.reads == "raw" for rule in self._ordered)

    def rules(self, domain: str | None = None, *, scoped: bool = False) -> list[Rule]:
        """Rules in the order they run: packs of order "default" before those of order "last"; within
        each, by kind (PHASES), then by `priority` (higher first), then pack order, then file order.

        With `scoped=True` only packs that apply to `domain` are included.
        """
        if not scoped or all(not p.scope for p in self.packs):
            return list(self._ordered)
        skipped = {p.id for p in self.packs if not p.applies_to(domain)}
        return [r for r in self._ordered if r.pack_id not in skipped]

    def whole_pages(self, domain: str | None) -> bool:
        """Whether a pack that applies to `domain` says its documents are whole pages to the line model."""
        return any(p.whole_pages and p.applies_to(domain) for p in self.packs)

    def selected(self, selection: Selection) -> RuleSet:
        """The rule set `selection` chooses: packs of other profiles dropped, rules it switches off
        left out (and listed in their pack's `excluded`, which changes the pack's hash)."""
        if selection.is_default and not any(p.profiles for p in self.packs):
            return self
        selector = Selector(selection, (r.id for r in self.rules()), (p.id for p in self.packs))
        packs = []
        for pack in self.packs:
            if pack.profiles and selection.profile not in pack.profiles:
                continue
            kept = tuple(r for r in pack.rules if selector.keeps(r.id, pack.id, r.category))
            if len(kept) < len(pack.rules):
                excluded = tuple(r.id for r in pack.rules if r not in kept)
                digest = hashlib.sha256(json.dumps([pack.sha256, excluded]).encode()).hexdigest()
                pack = dataclasses.replace(pack, rules=kept, excluded=excluded, sha256=digest)
            packs.append(pack)
        return RuleSet(tuple(packs), self.timeout, selection.profile, self.doc_timeout)

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules():
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def only(self, rule_ids: Iterable[str]) -> RuleSet:
        """A rule set holding just these rules (used to test one rule's examples alone)."""
        wanted = set(rule_ids)
        packs = tuple(
            dataclasses.replace(p, rules=tuple(r for r in p.rules if r.id in wanted), scope=())
            for p in self.packs
        )
        return RuleSet(tuple(p for p in packs if p.rules), self.timeout, self.profile, self.doc_timeout)

    def describe(self) -> dict[str, Any]:
        """The JSON-ready summary of the rule set: a run's manifest holds it once, records its hash."""
        packs = []
        for p in self.packs:
            pack = {"id": p.id, "version": p.version, "sha256": p.sha256, "category": p.category}
            if p.scope:
                pack["scope"] = list(p.scope)
            if p.excluded:
                pack["excluded"] = list(p.excluded)
            packs.append(pack)
        return {"hash": self.hash, "timeout_seconds": self.timeout,
                "doc_timeout_seconds": self.doc_timeout, "profile": self.profile, "packs": packs}
