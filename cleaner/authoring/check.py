"""Check every rule against its own examples, the way semgrep and sqlfluff test their rules.

A `remove` example must be removed entirely by the rule applied alone (plus the rules it declares
it depends on, e.g. a list_run's `after_rules`, or a line model's `packs`: it decides with them), or
leave exactly its `expect` text; a `keep` example must come through without any rule removal
(layout changes aside).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

from cleaner.engine.decide import LAYOUT_PACK, apply_rules
from cleaner.errors import CleanerError
from cleaner.lines import markdown_view
from cleaner.rules.kinds import Rule
from cleaner.rules.ruleset import RuleSet

_NO_RULES = RuleSet(())


@dataclass(frozen=True)
class ExampleFailure:
    """One example that does not behave as its rule file says."""

    pack_id: str
    rule_id: str
    which: str  # "remove" or "keep"
    number: int  # 1-based position in the rule's list
    example: str
    got: str  # what went wrong, in one line
    expected_text: str | None = None  # what should remain and what did, when the rule ran
    actual_text: str | None = None

    def __str__(self) -> str:
        snippet = self.example.strip().splitlines()[0][:70]
        return (f"{self.pack_id}/{self.rule_id}: examples.{self.which}[{self.number}] "
                f"({snippet!r}…): {self.got}")

    def diff(self) -> list[str]:
        """A unified diff of the text that should remain against the text that did (empty on errors)."""
        if self.expected_text is None or self.actual_text is None:
            return []
        return [line.rstrip("\n") for line in difflib.unified_diff(
            self.expected_text.splitlines(keepends=True), self.actual_text.splitlines(keepends=True),
            "expected", "got", lineterm="\n")]


def check_examples(ruleset: RuleSet, select: Callable[[Rule], bool] | None = None
                   ) -> tuple[int, list[ExampleFailure]]:
    """Run every example of every rule (of those `select` accepts); return (examples checked, failures)."""
    checked, failures = 0, []
    for rule in ruleset.rules():
        if select is not None and not select(rule):
            continue
        alone = example_rules(ruleset, rule)
        for number, (text, expect) in enumerate(rule.examples_remove, 1):
            checked += 1
            problem = _check_remove(alone, text, expect)
            if problem:
                got, *texts = problem
                failures.append(ExampleFailure(rule.pack_id, rule.id, "remove", number, text,
                                               got + _reads_hint(rule, text), *texts))
        for number, text in enumerate(rule.examples_keep, 1):
            checked += 1
            problem = _check_keep(alone, text)
            if problem:
                failures.append(ExampleFailure(rule.pack_id, rule.id, "keep", number, text, *problem))
    return checked, failures


def example_rules(ruleset: RuleSet, rule: Rule) -> RuleSet:
    """The rules a rule's examples run with: itself, the rules it depends on, and the rules of the packs
    it depends on (a line model's `packs`)."""
    packs = set(rule.depends_on_packs())
    return ruleset.only((rule.id, *rule.depends_on(), *(r.id for r in ruleset.rules() if r.pack_id in packs)))


def _reads_hint(rule: Rule, text: str) -> str:
    """Why a rule's pattern may miss an example written in Markdown: it reads the example's words."""
    view = markdown_view(text)
    if rule.reads == "raw" or view is text:
        return ""
    return f' (the rule reads Markdown as words: {view.strip()[:60]!r}; reads = "raw" reads the line as written)'


def _example_hints(rules: RuleSet, text: str) -> dict | None:
    """Examples are text. A rule that reads HTML line hints (the HTML line model) sees an example as a
    page whose tree says nothing about its lines (no element found for any), so the example tests
    what it reads from the lines themselves; other rules see text input (no hints)."""
    if not any(getattr(r, "input", None) == "html" for r in rules.rules()):
        return None
    return {" ".join(line.split()): {} for line in text.splitlines() if line.strip()}


def _check_remove(rules: RuleSet, text: str, expect: str) -> tuple[str, str | None, str | None] | None:
    try:
        got = apply_rules(text, rules, hints=_example_hints(rules, text)).text
    except CleanerError as exc:
        return f"error: {exc}", None, None
    wanted = apply_rules(expect, _NO_RULES).text
    if got == wanted:
        return None
    return f"expected {wanted!r} to remain, got {got!r}", wanted, got


def _check_keep(rules: RuleSet, text: str) -> tuple[str, str | None, str | None] | None:
    try:
        outcome = apply_rules(text, rules, hints=_example_hints(rules, text))
    except CleanerError as exc:
        return f"error: {exc}", None, None
    removed = [r for r in outcome.removals if r.pack_id != LAYOUT_PACK]
    if not removed:
        return None
    message = "removed " + ", ".join(f"line {r.first_line} by {r.rule_id}: {r.text.strip()[:60]!r}"
                                     for r in removed)
    return message, apply_rules(text, _NO_RULES).text, outcome.text
