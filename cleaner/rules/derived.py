"""Derived columns of the line model's rows (`derived_features` in its rule file): a logistic model is
linear in its features, so a feature whose effect bends (furniture at both ends of a page, a very
short or a very long line) is given hinges, and two features whose effect depends on each other a
product. Each name declares its column:

- `NAME>KNOT`: max(0, NAME - KNOT), the part of NAME above KNOT;
- `NAME<KNOT`: max(0, KNOT - NAME), the part below;
- `A*B`: the product of two features.

NAME, A and B are features of the row before the derived columns (`features.FeatureSpec.names`).
Pure Python, no I/O; `_linefast.c` computes the same floats.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

ABOVE, BELOW, PRODUCT = 0, 1, 2  # the codes of a plan's entries (the compiled code's too)
_HINGE = re.compile(r"^([a-z0-9_]+)([<>])(-?[0-9]+(?:\.[0-9]+)?)$")
_PRODUCT = re.compile(r"^([a-z0-9_]+)\*([a-z0-9_]+)$")


def plan(names: Sequence[str], base: Sequence[str]) -> tuple[tuple[int, int, int, float], ...]:
    """Per derived name, (code, index of its first feature in `base`, of its second (products; else
    -1), knot); ValueError for a name that is not a hinge or product of features of `base`."""
    index = {name: k for k, name in enumerate(base)}
    out = []
    for name in names:
        hinge, product = _HINGE.match(name), _PRODUCT.match(name)
        parts = hinge.group(1, 3) if hinge else product.group(1, 2) if product else ()
        if not parts or parts[0] not in index or (product and parts[1] not in index):
            raise ValueError(f"derived_features: {name!r} is not NAME>KNOT, NAME<KNOT or A*B over the "
                             "model's features")
        if hinge:
            out.append((ABOVE if hinge.group(2) == ">" else BELOW, index[parts[0]], -1, float(parts[1])))
        else:
            out.append((PRODUCT, index[parts[0]], index[parts[1]], 0.0))
    if len(set(names)) != len(names):
        raise ValueError("derived_features: a name is listed twice")
    return tuple(out)


def values(derived_plan: Sequence[tuple[int, int, int, float]], row: Sequence[float]) -> list[float]:
    """The derived columns of `row` (the features before them), in the plan's order."""
    out = []
    for code, a, b, knot in derived_plan:
        if code == PRODUCT:
            out.append(row[a] * row[b])
        else:
            v = row[a] - knot if code == ABOVE else knot - row[a]
            out.append(v if v > 0 else 0.0)
    return out
