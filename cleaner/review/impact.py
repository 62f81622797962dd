"""What adding or changing a rule pack would do to a corpus, against the rules in force.

Each document is cleaned with the current rule set and with the candidate (the pack added, or put
in place of the loaded pack with its id); per line, the two outcomes are compared:

- *newly removed*: kept now, removed by the candidate (credited to the rule that would remove it);
- *no longer removed*: removed now, kept by the candidate (credited to the rule that removes it now);
- *re-attributed*: removed by both, by different rules (counted).

Layout removals (blank lines) are left out. The candidate runs on the very text the current rules ran
on (for HTML, the text extracted once), with the same site packs selected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.api import clean, clean_file, site_host
from cleaner.engine.decide import LAYOUT_PACK, Removal
from cleaner.engine.provenance import restore
from cleaner.errors import CleanerError
from cleaner.lines import split_lines
from cleaner.review.aggregate import RuleSummary, summarize
from cleaner.rules.ruleset import RuleSet


@dataclass
class Impact:
    """The comparison over a corpus: documents read, and per rule what would change."""

    documents: list[str] = field(default_factory=list)
    changed_documents: int = 0
    newly_removed: dict[str, RuleSummary] = field(default_factory=dict)
    no_longer_removed: dict[str, RuleSummary] = field(default_factory=dict)
    reattributed: int = 0
    errors: list[str] = field(default_factory=list)


def measure_impact(paths: Iterable[str | Path], current: RuleSet, candidate: RuleSet,
                   on_done: Callable[[], None] | None = None) -> Impact:
    """Compare `current` and `candidate` on the documents at `paths` (files `clean_file` reads)."""
    impact = Impact()
    added: list[tuple[int, list[dict]]] = []
    dropped: list[tuple[int, list[dict]]] = []
    for path in paths:
        try:
            now = clean_file(path, rules=current)
            text = restore(now.text, now.provenance)
            host = site_host(path, None, now.provenance["input"].get("extraction"))
            then = clean(text, rules=candidate, url=host)
        except CleanerError as exc:
            impact.errors.append(str(exc) if str(path) in str(exc) else f"{path}: {exc}")
            continue
        position = len(impact.documents)
        impact.documents.append(str(path))
        gained, lost, moved = _compare(now.removals, then.removals)
        impact.reattributed += moved
        impact.changed_documents += bool(gained or lost or moved)
        added.append((position, gained))
        dropped.append((position, lost))
        if on_done:
            on_done()
    impact.newly_removed = summarize(added)
    impact.no_longer_removed = summarize(dropped)
    return impact


def _compare(before: tuple[Removal, ...], after: tuple[Removal, ...]
             ) -> tuple[list[dict], list[dict], int]:
    """(lines only `after` removes, lines only `before` removes, lines both remove by other rules);
    each line as a one-line removal dict credited to the rule that removes it."""
    old, new = _owners(before), _owners(after)
    gained = [_line(n, new[n]) for n in sorted(new.keys() - old.keys())]
    lost = [_line(n, old[n]) for n in sorted(old.keys() - new.keys())]
    moved = sum(1 for n in old.keys() & new.keys() if old[n].rule_id != new[n].rule_id)
    return gained, lost, moved


def _owners(removals: tuple[Removal, ...]) -> dict[int, Removal]:
    return {n: r for r in removals if r.pack_id != LAYOUT_PACK for n in range(r.first_line, r.last_line + 1)}


def _line(number: int, owner: Removal) -> dict:
    """Line `number` of the owner's span (split as the engine splits), as a one-line removal."""
    body = split_lines(owner.text)[number - owner.first_line].text
    return {"rule_id": owner.rule_id, "pack_id": owner.pack_id, "text": body + "\n", "first_line": number,
            "last_line": number}
