"""`cleaner explain`: show documents with each removed line marked by the rule that removed it."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from cleaner.api import CleanResult, clean, clean_file, site_host
from cleaner.authoring.declines import find_declines
from cleaner.cli.options import (
    current_config,
    load_or_exit,
    no_defaults_option,
    rule_spec,
    rules_option,
    selection_options,
    timeout_option,
)
from cleaner.engine.decide import Removal
from cleaner.engine.provenance import count_removals, restore
from cleaner.errors import CleanerError
from cleaner.io.decode import decode
from cleaner.lines import split_lines
from cleaner.rules.ruleset import RuleSet
from cleaner.run.plan import PlanError, plan
from cleaner.words import plural

STDIN = "-"


def render(text: str, removals: Sequence[Removal]) -> list[str]:
    """One output line per input line: number, the removing rule (blank when kept), the text.

    Removed lines are styled red and kept lines plain; click strips the styles when the output is
    not a terminal (or colour is off: NO_COLOR, --color never).
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


@click.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True))
@rules_option
@no_defaults_option
@selection_options
@click.option("--url", help="The page's URL (selects site-scoped packs for text input).")
@click.option("-v", "--verbose", count=True,
              help="Also say where a rule declined to remove (a tail, a list_run, a classifier) and why, "
                   "and which rules' lines the line model gave back; box rules' runs that touched no removal "
                   "they count are only counted (-vv lists them).")
@click.option("-q", "--quiet", is_flag=True, help="Print only the counts per rule, not the documents.")
@timeout_option
def explain(sources, rule_paths, no_default_rules, url, verbose, quiet, timeout) -> None:
    """Show SOURCES (files, folders, or '-' for one document on stdin) with each removed line marked
    by the rule that removed it, then the counts per rule. Exit 1 if a document could not be cleaned."""
    rules = load_or_exit(rule_spec(rule_paths, no_default_rules, timeout))
    try:
        paths = _expand(sources)
    except PlanError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    failed = 0
    for n, path in enumerate(paths):
        if len(paths) > 1:
            click.echo(f"{'' if n == 0 else chr(10)}==> {path} <==")
        try:
            result, domain = _clean(path, rules, url)
        except CleanerError as exc:
            click.echo(f"error: {exc}", err=True)
            failed += 1
            continue
        _show(result, rules, domain, verbose, quiet)
        if result.warnings:
            click.echo(f"warning: {path}: {'; '.join(result.warnings)}", err=True)
    sys.exit(1 if failed else 0)


def _expand(sources: Sequence[str]) -> list[str]:
    """Files as given, folders as the documents `cleaner clean` would take from them, '-' as is."""
    paths: list[str] = []
    for source in sources:
        if source == STDIN:
            paths.append(STDIN)
        else:
            jobs = plan([source]).documents
            paths += [job.source for job in jobs] if Path(source).is_dir() else [source]
    return paths


def _clean(path: str, rules: RuleSet, url: str | None) -> tuple[CleanResult, str | None]:
    if path == STDIN:
        text, _ = decode(sys.stdin.buffer.read(), "<stdin>")
        return clean(text, rules=rules, source=STDIN, url=url), site_host(None, url)
    result = clean_file(path, rules=rules, url=url, keep=current_config().keep_for(path))
    return result, site_host(path, url, result.provenance["input"].get("extraction"))


def _show(result: CleanResult, rules: RuleSet, domain: str | None, verbose: int, quiet: bool) -> None:
    original = restore(result.text, result.provenance)
    if not quiet:
        for line in render(original, result.removals):
            click.echo(line)
    counts = count_removals(result.removals)
    if not quiet:
        click.echo()
    click.echo(f"{plural(counts['removals'], 'removal')}, {plural(counts['lines_removed'], 'line')}, "
               f"{plural(counts['chars_removed'], 'character')}:")
    for rule, c in counts["by_rule"].items():
        click.echo(f"  {rule}: {plural(c['spans'], 'span')}, {plural(c['lines'], 'line')}, "
                   f"{plural(c['chars'], 'char')}")
    if verbose:
        declines = find_declines(original, rules, domain)
        shown = declines if verbose > 1 else [d for d in declines if not d.untouched]
        click.echo(f"{plural(len(declines), 'decline')}{':' if declines else ''}")
        for decline in shown:
            click.echo(f"  {decline}")
        if len(shown) < len(declines):
            click.echo(f"  (and {len(declines) - len(shown):,} of box rules whose runs touched no removal they "
                       "count: -vv lists them)")
