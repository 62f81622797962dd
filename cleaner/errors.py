"""Errors as values a user can act on: each names the file (and rule) it is about."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class CleanerError(Exception):
    """Base class of every error `cleaner` raises on purpose."""


@dataclass
class RuleError(CleanerError):
    """A rule file that cannot be loaded: names the file, the rule id and the line where known."""

    path: Path | str
    message: str
    rule_id: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
        rule = f" rule '{self.rule_id}':" if self.rule_id else ""
        return f"{where}:{rule} {self.message}"


@dataclass
class InputError(CleanerError):
    """A document that cannot be read or decoded."""

    path: Path | str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class RuleTimeout(CleanerError):
    """A rule's pattern ran past the regex timeout on a document."""

    rule_id: str
    pack_id: str
    timeout: float

    def __str__(self) -> str:
        return (
            f"rule '{self.rule_id}' (pack '{self.pack_id}') timed out after {self.timeout:g}s; "
            "its pattern is probably prone to catastrophic backtracking (see `cleaner rules lint`)"
        )


@dataclass
class DocumentTimeout(CleanerError):
    """A document used up its time budget (the rule set's `doc_timeout`); names the rule then running."""

    rule_id: str
    pack_id: str
    budget: float

    def __str__(self) -> str:
        return (f"document took over {self.budget:g}s, its time budget (--doc-timeout); rule '{self.rule_id}' "
                f"(pack '{self.pack_id}') was running when it ran out")
