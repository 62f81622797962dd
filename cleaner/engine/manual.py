"""Lines a user removed by hand from a cleaned text, found against its provenance record.

A user may delete more lines from a cleaned seed than the rules did. Given the original the record
describes, the record, and the edited text, `manual_lines` finds which of the original's lines the
edit deleted, so the engine can record them as removals of the pseudo-rule "manual"
(`apply_rules(..., manual=...)`) and `restore` still rebuilds the original. Only deletions of whole
lines qualify: an edit that changes or adds text is refused (EditError), as no record could explain it.
"""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any

from cleaner.engine.provenance import sha256_text
from cleaner.errors import CleanerError
from cleaner.lines import split_lines


class EditError(CleanerError):
    """The edited text is not the cleaned text with whole lines deleted."""


def manual_lines(original: str, record: dict[str, Any], edited: str) -> list[int]:
    """0-based indices of the lines of `original` that `edited` deleted from the text `record` made
    of it (the lines the record removed stay removed; these are the ones the user removed too)."""
    lines = split_lines(original)
    removed = _removed_lines(lines, record["removals"])
    kept = [i for i in range(len(lines)) if i not in removed]
    clean = [lines[i].text + lines[i].end_of_line for i in kept]
    if clean and record["layout"].get("final_newline_added"):
        clean[-1] += "\n"
    if sha256_text("".join(clean)) != record["output"]["sha256"]:
        raise EditError("the record does not describe the original it was given")
    edited_lines = [line.text + line.end_of_line for line in split_lines(edited)]
    deleted: list[int] = []
    for op, i1, i2, _, _ in SequenceMatcher(None, clean, edited_lines, autojunk=False).get_opcodes():
        if op == "delete":
            deleted += kept[i1:i2]
        elif op != "equal":
            raise EditError("the text was edited beyond deleting whole lines (lines changed or added)")
    return deleted


def _removed_lines(lines: list, removals: list[dict[str, Any]]) -> set[int]:
    """The indices of the lines the record's removals cover (each removal spans whole lines)."""
    removed: set[int] = set()
    for removal in removals:
        removed.update(range(removal["first_line"] - 1, removal["last_line"]))
    return removed
