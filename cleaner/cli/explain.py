"""Render a document with each removed line marked by the rule that removed it."""

from __future__ import annotations

from collections.abc import Sequence

import click

from cleaner.engine.decide import Removal
from cleaner.lines import split_lines


def render(text: str, removals: Sequence[Removal]) -> list[str]:
    """One output line per input line: number, the removing rule (blank when kept), the text.

    Removed lines are styled red and kept lines plain; click strips the styles when the output is
    not a terminal.
    """
    owner: dict[int, str] = {}
    for r in removals:
        for number in range(r.first_line, r.last_line + 1):
            owner[number] = r.rule_id
    width = max((len(rule) for rule in owner.values()), default=0)
    digits = len(str(len(text.splitlines()) or 1))
    out = []
    for line in split_lines(text):
        rule = owner.get(line.number)
        gutter = f"{line.number:>{digits}} {'-' if rule else ' '} {(rule or ''):<{width}} │ "
        if rule:
            out.append(click.style(gutter, fg="yellow") + click.style(line.text, fg="red"))
        else:
            out.append(gutter + line.text)
    return out
