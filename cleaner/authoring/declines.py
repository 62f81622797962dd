"""Why a rule did not remove something: the places where a `tail` or `list_run` nearly matched.

A tail's marker can match and the tail still decline ("4 items > max_items 3"); a list run can be
too short or lack the removal it must touch. The engine does not keep these reasons (it would cost
every document); `find_declines` cleans the text, then asks each rule, over the document with the
final removals marked, where it declined and why. For rule authors: `cleaner explain -v` and
`cleaner rules test -v` print them.
"""

from __future__ import annotations

from dataclasses import dataclass

from cleaner.engine.decide import apply_rules
from cleaner.lines import split_lines
from cleaner.rules.kinds import Document
from cleaner.rules.ruleset import RuleSet


@dataclass(frozen=True)
class Decline:
    """A rule that declined at a line (1-based), and why."""

    rule_id: str
    pack_id: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.rule_id} ({self.pack_id}) declined: {self.reason}"


def find_declines(text: str, ruleset: RuleSet, domain: str | None = None) -> list[Decline]:
    """Every decline of the rules that apply to `domain` on `text`, in line order."""
    lines = split_lines(text)
    outcome = apply_rules(text, ruleset, domain)
    rules = ruleset.rules(domain, scoped=True)
    by_id = {rule.id: rule for rule in rules}
    doc = Document(lines, ruleset.index.candidate_lines(text, lines), ruleset.timeout)
    for removal in outcome.removals:
        owner = by_id.get(removal.rule_id)
        if owner is None:
            continue  # layout: blank lines, which both kinds pass over anyway
        for index in range(removal.first_line - 1, removal.last_line):
            doc.claimed[index] = owner
    found = [Decline(rule.id, rule.pack_id, index + 1, reason)
             for rule in rules for index, reason in rule.declines(doc)]
    return sorted(found, key=lambda d: (d.line, d.rule_id))
