"""What a run did: one `Tally` of counts (mergeable across documents, batches and workers) and one
`Report` per manifest line (a document, or a corpus file with its records' totals)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from cleaner.words import plural

MAX_ERRORS_IN_MANIFEST = 20  # per corpus file; stderr lists every one


@dataclass
class Tally:
    """Counts over cleaned text: records (corpus files), failures, characters, per-rule counts."""

    records: int = 0
    failed: int = 0
    chars_in: int = 0
    chars_removed: int = 0
    by_rule: dict[str, Counter] = field(default_factory=dict)

    def add(self, other: Tally) -> Tally:
        self.records += other.records
        self.failed += other.failed
        self.chars_in += other.chars_in
        self.chars_removed += other.chars_removed
        for rule, counts in other.by_rule.items():
            self.by_rule.setdefault(rule, Counter()).update(counts)
        return self

    def count(self, provenance: dict[str, Any]) -> None:
        """Add one provenance record's counts."""
        self.chars_in += provenance["input"]["chars"]
        self.chars_removed += provenance["counts"]["chars_removed"]
        for rule, counts in provenance["counts"]["by_rule"].items():
            self.by_rule.setdefault(rule, Counter()).update(counts)

    def rules_sorted(self) -> dict[str, dict[str, int]]:
        return {rule: dict(c) for rule, c in sorted(self.by_rule.items())}


@dataclass
class Report:
    """One line of OUT/manifest.jsonl: a document, or a corpus file (then `corpus` is True)."""

    source: str
    output: str = ""
    provenance: str = ""
    status: str = "failed"  # cleaned | unchanged (up to date, skipped) | failed
    source_sha256: str | None = None
    output_sha256: str | None = None
    tally: Tally = field(default_factory=Tally)
    error: str | None = None
    corpus: bool = False
    errors: list[str] = field(default_factory=list)  # a corpus file's first record errors (stderr has all)

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def fill(self, status: str, provenance: dict[str, Any]) -> Report:
        """Take hashes and counts from a document's provenance record."""
        self.status = status
        self.source_sha256 = provenance["source"]["sha256"]
        self.output_sha256 = provenance["output"]["sha256"]
        self.tally = Tally()
        self.tally.count(provenance)
        return self

    def manifest(self) -> dict[str, Any]:
        """The manifest line (its keys and values as they have always been)."""
        return {
            "source": self.source, "output": self.output, "provenance": self.provenance, "status": self.status,
            "source_sha256": self.source_sha256, "output_sha256": self.output_sha256,
            "chars_in": self.tally.chars_in, "chars_removed": self.tally.chars_removed,
            "by_rule": None if self.failed and not self.corpus else self.tally.rules_sorted(),
            "error": self.error,
            "records": self.tally.records if self.corpus else None,
            "records_failed": self.tally.failed if self.corpus else None,
        }


def corpus_report(source: str, output: str, provenance: str, tally: Tally, errors: list[str]) -> Report:
    """The manifest line of a corpus file: its records' totals; failed when any record failed."""
    error = None
    if tally.failed:
        shown = errors[:MAX_ERRORS_IN_MANIFEST]
        more = f"; and {tally.failed - len(shown)} more" if tally.failed > len(shown) else ""
        error = f"{source}: {tally.failed} of {tally.records} records failed: " + "; ".join(shown) + more
    return Report(source, output, provenance, "failed" if tally.failed else "cleaned", tally=tally, error=error,
                  corpus=True, errors=errors)


def summary(reports: list[Report], skipped: int, suffixes: str, dry_run: bool) -> str:
    """The text printed on stdout at the end of a run."""
    status = Counter(r.status for r in reports)
    total = Tally()
    for r in reports:
        total.add(r.tally)
    share = f" ({total.chars_removed / total.chars_in:.1%})" if total.chars_in else ""
    lines = [
        f"{'would clean' if dry_run else 'cleaned'} {plural(status['cleaned'], 'document')}, "
        f"{status['unchanged']} up to date, {status['failed']} failed, {skipped} skipped (not {suffixes})",
        f"removed {total.chars_removed:,} of {total.chars_in:,} characters{share}",
    ]
    corpora = [r for r in reports if r.corpus]
    if corpora:
        records = sum(r.tally.records for r in corpora)
        failed = sum(r.tally.failed for r in corpora)
        lines.insert(1, f"corpus files: {len(corpora)}, {records - failed:,} of {plural(records, 'record')} cleaned, "
                        f"{failed:,} failed (a corpus file with a failed record counts as failed above)")
    chars = Counter({rule: c["chars"] for rule, c in total.by_rule.items()})
    if chars:
        width = max(len(rule) for rule in chars)
        lines.append(f"  {'rule':<{width}}  {'chars':>9}  {'spans':>5}")
        lines += [f"  {rule:<{width}}  {n:>9,}  {total.by_rule[rule]['spans']:>5}" for rule, n in chars.most_common(10)]
    return "\n".join(lines)
