"""Where a pass's candidate lines are among the lines still kept: the prefilters find each rule's candidate
lines once per document, and each pass of the engine (`decide._match`) looks at the lines still active."""

from __future__ import annotations

from collections.abc import Sequence

from cleaner.rules.kinds import Rule
from cleaner.search import linefast


def active_candidates(n_lines: int, active: list[int], hits: dict[str, list[int]], rules: Sequence[Rule]
                      ) -> dict[str, list[int]]:
    """Per rule of `rules` that `hits` holds, its hit lines (indices out of `n_lines`) as positions among the
    `active` lines (sorted indices), those not active left out: in C when compiled, else
    `reference_candidates`."""
    fast = linefast.active_candidates(active, n_lines, hits, [rule.id for rule in rules])
    return fast if fast is not None else reference_candidates(n_lines, active, hits, rules)


def reference_candidates(n_lines: int, active: list[int], hits: dict[str, list[int]], rules: Sequence[Rule]
                         ) -> dict[str, list[int]]:
    """active_candidates in Python."""
    position = [-1] * n_lines  # a list, not a dict: a fifth of the memory on a document of a million lines
    for p, index in enumerate(active):
        position[index] = p
    # (-1: not active; a comprehension: 2.6x map/filter)
    return {rule.id: [p for i in found if (p := position[i]) >= 0] if found else []
            for rule in rules if (found := hits.get(rule.id)) is not None}
