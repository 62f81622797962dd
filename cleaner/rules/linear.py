"""A logistic model over named features, evaluated in pure Python (no numpy at clean time).

The weights are data from a rule file: a bias and one weight per feature name. `LinearModel.score`
gives the probability that a line is furniture; `explain` names the features that pushed it there
most, for the provenance record.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from operator import mul


@dataclass(frozen=True)
class LinearModel:
    """`bias` plus `weights[name] * value` for each feature name in `names`; sigmoid of the sum."""

    names: tuple[str, ...]
    bias: float
    weights: tuple[float, ...]
    id: str = field(default="")

    @classmethod
    def from_mapping(cls, names: Sequence[str], bias: float, weights: Mapping[str, float],
                     prefix: str = "") -> LinearModel:
        """Weights by name (a name the mapping lacks weighs 0; one the features lack is an error).

        The model id is `prefix` and a short hash of the weights, so a record names the exact model."""
        unknown = sorted(set(weights) - set(names))
        if unknown:
            raise ValueError(f"weights for unknown feature(s) {unknown}")
        vector = tuple(float(weights.get(name, 0.0)) for name in names)
        digest = hashlib.sha256(json.dumps([bias, list(zip(names, vector, strict=True))]).encode()).hexdigest()
        return cls(tuple(names), float(bias), vector, f"{prefix}@{digest[:12]}" if prefix else digest[:12])

    def logit(self, row: Sequence[float]) -> float:
        return self.bias + sum(map(mul, self.weights, row))  # in C: a twentieth of a generator's cost

    def probability(self, row: Sequence[float]) -> float:
        z = self.logit(row)
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))

    def explain(self, row: Sequence[float], top: int = 3) -> list[tuple[str, float]]:
        """The `top` features contributing most to the furniture side (name, weight x value), rounded."""
        parts = [(w * x, name) for name, w, x in zip(self.names, self.weights, row, strict=True) if w * x > 0]
        parts.sort(reverse=True)
        return [(name, round(value, 3)) for value, name in parts[:top]]
