"""Near-duplicate fingerprints of clean bodies: trafilatura's 64-bit Simhash plus the body's hash.

Simhash (Charikar) over the body's words: trafilatura keeps the alphanumeric tokens longer than a few
characters (enough for 32 of them), and each token's 64-bit blake2b hash votes on every bit.
Similarity is the share of equal bits. Word order does not count, so a reshuffled or lightly edited
copy stays close, and unrelated texts land near 0.5 (random bits).

The threshold, measured on the 88 article bodies of the development corpus (../shared/devset,
`*.gold.txt`): the 3,828 pairs of unrelated articles have similarity mean 0.51, standard deviation
0.064, maximum 0.797; the same article with one paragraph replaced scores >= 0.84375 in 83% of
cases (92% at 0.8125); an article against trafilatura's extraction of the same page (some page
furniture still in) in 92%. NEAR_DUPLICATE = 0.84375 (at most 10 of 64 bits differ) is 5 standard
deviations above the unrelated mean, so false alarms stay rare even across thousands of pairs, and
it still catches the usual "same article saved twice" case. Bodies with fewer than MIN_TOKENS
tokens are too short for a Simhash to mean anything; they are compared by exact hash only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

METHOD = "trafilatura-simhash-64"
NEAR_DUPLICATE = 0.84375
MIN_TOKENS = 32
BITS = 64


@dataclass(frozen=True)
class Fingerprint:
    """A body's Simhash (hex), how many tokens it was built from, and the body's sha256."""

    value: str
    tokens: int
    sha256: str

    def to_dict(self) -> dict[str, Any]:
        """The record's `fingerprint` field (the body's hash is already the record's output hash)."""
        return {"method": METHOD, "value": self.value, "tokens": self.tokens}

    def similarity(self, other: Fingerprint) -> float:
        """1.0 for identical bodies; the Simhash similarity when both are long enough; else 0.0."""
        if self.sha256 == other.sha256:
            return 1.0
        if min(self.tokens, other.tokens) < MIN_TOKENS:
            return 0.0
        # Simhash.similarity, on the stored hex values
        return (BITS - (int(self.value, 16) ^ int(other.value, 16)).bit_count()) / BITS


def fingerprint(body: str) -> Fingerprint:
    """The fingerprint of a clean body."""
    # imported here: trafilatura is a third of the command's start-up, and only the hook needs this
    from trafilatura.deduplication import Simhash, sample_tokens

    return Fingerprint(Simhash(body, length=BITS).to_hex(), len(sample_tokens(body)),
                       hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest())


def from_record(record: dict[str, Any]) -> Fingerprint | None:
    """The fingerprint a provenance record holds for its output, if it was made the same way."""
    stored = record.get("fingerprint") or {}
    output = record.get("output") or {}
    if stored.get("method") != METHOD or "value" not in stored or "sha256" not in output:
        return None
    return Fingerprint(stored["value"], int(stored.get("tokens", 0)), output["sha256"])
