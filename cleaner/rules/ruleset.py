"""Rule packs and rule sets, loaded (by `cleaner.rules.loader`): the model the engine runs.

A rule pack is data only: an id, a version, a description, an optional scope (domains it is
limited to) and a list of rules, each with its kind's fields, a rationale and its own examples.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from cleaner.rules.kinds import PHASES, Rule
from cleaner.search.candidates import CandidateIndex

DEFAULT_TIMEOUT = 1.0  # seconds per regex call
# A pack's `order`: "default" runs its rules among the others (by kind, then pack order); "last" runs
# them after every "default" pack's rules, so they only see lines the other packs kept (mined packs).
ORDER_VALUES = ("default", "last")


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
    """Rule packs loaded together: ids unique across packs, one content hash, one keyword index."""

    packs: tuple[RulePack, ...]
    timeout: float = DEFAULT_TIMEOUT
    hash: str = field(init=False)
    index: CandidateIndex = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        digest = hashlib.sha256(json.dumps([p.sha256 for p in self.packs]).encode()).hexdigest()
        object.__setattr__(self, "hash", digest)
        rules = ((r.id, r.keywords, getattr(r, r.CANDIDATE_PATTERN) if r.CANDIDATE_PATTERN else None)
                 for r in self.rules())
        object.__setattr__(self, "index", CandidateIndex(rules))

    def rules(self, domain: str | None = None, *, scoped: bool = False) -> list[Rule]:
        """Rules in the order they run: packs of order "default" before those of order "last"; within
        each, by kind (PHASES), then pack order, then file order.

        With `scoped=True` only packs that apply to `domain` are included.
        """
        packs = [p for p in self.packs if not scoped or p.applies_to(domain)]
        ordered = []
        for order in ORDER_VALUES:
            for kind in PHASES:
                ordered += [r for p in packs if p.order == order for r in p.rules if r.kind == kind]
        return ordered

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
        return RuleSet(tuple(p for p in packs if p.rules), self.timeout)

    def describe(self) -> dict[str, Any]:
        """The JSON-ready summary that provenance records."""
        return {
            "hash": self.hash,
            "timeout_seconds": self.timeout,
            "packs": [{"id": p.id, "version": p.version, "sha256": p.sha256} for p in self.packs],
        }
