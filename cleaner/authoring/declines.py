"""Why a rule did not remove something: the places where a `tail` or `list_run` nearly matched, and the
lines a pattern rule removed that the line model gave back.

A tail's marker can match and the tail still decline ("4 items > max_items 3"); a list run can be
too short or lack the removal it must touch. The engine does not keep these reasons (it would cost
every document); `find_declines` cleans the text, then asks each rule, over the document with the
final removals marked, where it declined and why. A line model's veto (`veto_below`) is found by
cleaning the text once more with the vetoes off: a line a rule the model may overrule removes then,
and that stays, is one the model gave back. For rule authors: `cleaner explain -v` and
`cleaner rules test -v` print them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from cleaner.engine.decide import Outcome, apply_rules
from cleaner.lines import Line, split_lines
from cleaner.rules.kinds import Document
from cleaner.rules.kinds.line_model import LineModelRule
from cleaner.rules.kinds.list_run import ListRunRule
from cleaner.rules.ruleset import RuleSet


@dataclass(frozen=True)
class Decline:
    """A rule that declined at a line (1-based), and why."""

    rule_id: str
    pack_id: str
    line: int
    reason: str
    # A box rule's run that touched no removal it counts (`requires`): every short line of a page is one for
    # each box rule, so `explain -v` counts these and `-vv` lists them.
    untouched: bool = False

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
    found = [Decline(rule.id, rule.pack_id, index + 1, reason, _untouched(rule, reason))
             for rule in rules for index, reason in rule.declines(doc)]
    found += vetoed(text, lines, ruleset, domain, outcome)
    return sorted(found, key=lambda d: (d.line, d.rule_id))


def _untouched(rule: object, reason: str) -> bool:
    """Whether `reason` says a box rule's run lacked the removal its `requires` asks for (`ListRunRule.untouched`)."""
    return isinstance(rule, ListRunRule) and rule.untouched(reason)


def vetoed(text: str, lines: list[Line], ruleset: RuleSet, domain: str | None, outcome: Outcome) -> list[Decline]:
    """The lines of `text` (split as `lines`) that a rule the line model may overrule removes when no model
    vetoes, and that `outcome` (the text cleaned with `ruleset`) keeps: the model's vetoes, one Decline each."""
    models = [r for r in ruleset.rules(domain, scoped=True) if isinstance(r, LineModelRule)
              and (r.veto_below > 0 or r.extract_veto_below > 0)]
    if not models:
        return []
    removed = {n for r in outcome.removals for n in range(r.first_line, r.last_line + 1)}
    unvetoed = apply_rules(text, _without_vetoes(ruleset), domain)
    found = []
    for removal in unvetoed.removals:
        model = next((m for m in models if m.vetoable(removal.rule_id, removal.pack_id)), None)
        if model is None:
            continue
        found += [Decline(removal.rule_id, removal.pack_id, n,
                          f"the line model ({model.id}) gave it back: it scores the line as body")
                  for n in range(removal.first_line, removal.last_line + 1)
                  if n not in removed and not lines[n - 1].is_blank]
    return found


def _without_vetoes(ruleset: RuleSet) -> RuleSet:
    """`ruleset` with every line model's vetoes off (`veto_below` and `extract_veto_below` 0)."""
    packs = tuple(dataclasses.replace(pack, rules=tuple(
        dataclasses.replace(rule, veto_below=0.0, extract_veto_below=0.0) if isinstance(rule, LineModelRule)
        else rule for rule in pack.rules)) for pack in ruleset.packs)
    return dataclasses.replace(ruleset, packs=packs)
