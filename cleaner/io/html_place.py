"""Where each line's element stands against the page's main and wide blocks (`html_lines.page_hints`' placing
hints): which block holds most of the matched lines' text, the lines outside it and before or after its lines,
and how far up a line outside it meets it. Pure functions over the matched elements and their ancestor chains
(`elements`: line key -> (document order, element); `chains`: element -> its ancestors, innermost first)."""

from __future__ import annotations

import math
from typing import Any


def main_blocks(elements: dict[str, tuple[int | None, Any]], chains: dict[Any, tuple],
                shares: tuple[float, ...]) -> list[Any]:
    """For each share, the deepest element holding more than that share of the matched lines' text
    (None: no lines); `chains` gives each matched element's ancestors, innermost first."""
    weight: dict[Any, int] = {}
    total = 0
    for key, (_, element) in elements.items():
        total += len(key)
        for node in (element, *chains[element]):
            weight[node] = weight.get(node, 0) + len(key)
    # The elements holding more than half are one chain from the root down (two disjoint subtrees
    # cannot both hold more than half), their weights shrinking downwards; of equal weights any one
    # holds the same lines.
    low = min(shares) * total
    heavy = [(w, node) for node, w in weight.items() if w > low]
    return [min(((w, n) for w, n in heavy if w > share * total), key=lambda pair: pair[0], default=(0, None))[1]
            for share in shares]


def place(elements: dict[str, tuple[int | None, Any]], chains: dict[Any, tuple], main: Any,
          hints: dict[str, dict[str, float]], names: tuple[str, str, str]) -> None:
    """Mark the lines outside `main` (names[0]), and then before or after its lines in document order."""
    within = {element: main is None or element is main or main in chain for element, chain in chains.items()}
    inside = [order for order, element in elements.values() if order is not None and within[element]]
    first, last = (min(inside), max(inside)) if inside else (0, -1)
    for key, (order, element) in elements.items():
        if not within[element]:
            hints[key][names[0]] = 1.0
            if order is not None and not first <= order <= last:
                hints[key][names[1] if order < first else names[2]] = 1.0


def lca(elements: dict[str, tuple[int | None, Any]], chains: dict[Any, tuple], main: Any,
        hints: dict[str, dict[str, float]]) -> None:
    """`main_lca_log`: for a line outside the main block, log(1 + the levels from the main block up to
    the nearest ancestor the two share): an article's next section (a sibling of the main block) is 1
    level away, a page's footer several."""
    if main is None:
        return
    level = {node: k for k, node in enumerate((main, *main.iterancestors()))}
    for key, (_, element) in elements.items():
        for node in (element, *chains[element]):
            up = level.get(node)
            if up is not None:
                if up:
                    hints[key]["main_lca_log"] = math.log1p(up)
                break
