"""What pass 2 of mining (`SiteEvidence.add_page`, cleaner/authoring/mine.py) reads of one page with
the default rules: its body lines, whether it copies another page of its site, and what the line model
would cut from it as a whole page."""

from __future__ import annotations

from cleaner.authoring.mineblocks import main_prose, reads_as_prose
from cleaner.engine.decide import apply_rules
from cleaner.rules.ruleset import RuleSet


def body_lines(text: str, lines: list[str], hashes: list, repeated: frozenset[int], rules: RuleSet,
                domain: str | None) -> tuple[list[str], set[int]]:
    """The page's body lines (prose the default rules keep, not repeated elsewhere, at most 300
    characters: candidates for examples.keep), and the indices of repeated lines that read as prose
    inside the body: kept by the default rules, with kept prose that is the page's own on both sides."""
    # The rules only matter where a repeated line reads as prose; elsewhere no line can be in_body,
    # and the body lines offered as examples are the page's own prose lines.
    may_be_body = any(h in repeated and reads_as_prose(lines[i]) for i, h in enumerate(hashes))
    removed = removed_line_indices(text, rules, domain) if may_be_body else set()
    kept = [i for i, line in enumerate(lines) if i not in removed and line.strip()]
    prose = {i for i in kept if reads_as_prose(lines[i])}
    own = {i for i in prose if hashes[i] not in repeated}
    in_body = {kept[p] for p in range(1, len(kept) - 1)
               if kept[p] in prose and hashes[kept[p]] in repeated and kept[p - 1] in own and kept[p + 1] in own}
    return [lines[i].strip() for i in sorted(own) if len(lines[i].strip()) <= 300], in_body


def copies_another(lines: list[str], hashes: list, found_elsewhere: frozenset[int], anchors: frozenset[int]
                    ) -> bool:
    """Whether the page copies another: more than half of the prose of its body's core (mineblocks.main_prose)
    is in lines found on other pages of the site (the same article saved twice, or an extract that holds
    the whole article in one line found on another page too)."""
    core = main_prose(lines, [h is not None and h in anchors for h in hashes])
    total = sum(len(lines[i]) for i in core)
    return 2 * sum(len(lines[i]) for i in core if hashes[i] in found_elsewhere) > total > 0


def cut_as_whole_page(text: str, rules: RuleSet, domain: str | None) -> set[int]:
    """0-based indices of the lines the line model removes when it takes the page for a whole page."""
    models = {r.id for r in rules.rules() if r.kind == "line_model"}
    cut: set[int] = set()
    for r in apply_rules(text, rules, domain, whole_page=True).removals:
        if r.rule_id in models:
            cut.update(range(r.first_line - 1, r.last_line))
    return cut


def removed_line_indices(text: str, rules: RuleSet, domain: str | None) -> set[int]:
    """0-based indices of the lines the rules remove. (`str.splitlines` and the engine split alike on
    CR, LF and CRLF; a text using other separators only shifts which lines count as body.)"""
    removed: set[int] = set()
    for r in apply_rules(text, rules, domain).removals:
        removed.update(range(r.first_line - 1, r.last_line))
    return removed
