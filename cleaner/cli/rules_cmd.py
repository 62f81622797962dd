"""`cleaner rules test | lint | impact`: for people who write rule packs."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cleaner.authoring.check import ExampleFailure, check_examples, example_rules
from cleaner.authoring.declines import find_declines
from cleaner.authoring.lint import lint_ruleset
from cleaner.authoring.prose import prose_findings, prose_sample
from cleaner.cli.options import load_or_exit, no_defaults_option, rule_spec, rules_option, selection_options
from cleaner.errors import RuleError
from cleaner.review.aggregate import RuleSummary
from cleaner.review.impact import Impact, measure_impact
from cleaner.rules.loader import default_rules_dir, with_pack
from cleaner.rules.ruleset import RuleSet
from cleaner.run.plan import PlanError, plan
from cleaner.words import plural


def _under(path: str, root: Path) -> bool:
    return Path(path).resolve().is_relative_to(root.resolve())


@click.command(name="test")
@click.argument("path", required=False, type=click.Path(exists=True))
@click.option("--rule", "rule_ids", multiple=True, metavar="ID", help="Test only this rule; repeatable.")
@click.option("-v", "--verbose", is_flag=True,
              help="Also list passing rules, and say why a rule declined (or the line model gave its line back).")
@rules_option
@no_defaults_option
@selection_options
def rules_test(path, rule_ids, verbose, rule_paths, no_default_rules) -> None:
    """Check rules against their own examples; a failing example shows a diff of the text that should
    remain (expected) against the text that did (got). Exit 1 if any example fails.

    PATH (a pack file or folder) limits the test to its packs, loaded on top of the bundled ones
    (so its `after_rules` may name theirs); without PATH every loaded pack is tested.
    """
    extra = tuple(rule_paths)
    if path and not (not no_default_rules and _under(path, default_rules_dir())):
        extra += (path,)
    ruleset = load_or_exit(rule_spec(extra, no_default_rules))
    unknown = set(rule_ids) - {r.id for r in ruleset.rules()}
    if unknown:
        raise click.UsageError(f"no such rule: {', '.join(sorted(unknown))}")

    def select(rule) -> bool:
        return (not path or _under(ruleset_pack_path(ruleset, rule.pack_id), Path(path))) and (
            not rule_ids or rule.id in rule_ids)

    checked, failures = check_examples(ruleset, select)
    for failure in failures:
        _show_failure(failure, ruleset, verbose)
    if verbose:
        failing = {f.rule_id for f in failures}
        for rule in ruleset.rules():
            if select(rule) and rule.id not in failing:
                click.echo(f"ok   {rule.pack_id}/{rule.id}")
    click.echo(f"{checked - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


def ruleset_pack_path(ruleset: RuleSet, pack_id: str) -> str:
    return next(p.path for p in ruleset.packs if p.id == pack_id)


def _show_failure(failure: ExampleFailure, ruleset: RuleSet, verbose: bool) -> None:
    click.echo(f"FAIL {failure}")
    for line in failure.diff():
        colour = {"+": "green", "-": "red"}.get(line[:1]) if not line.startswith(("+++", "---")) else None
        click.echo("     " + (click.style(line, fg=colour) if colour else line))
    if verbose and failure.which == "remove":
        rule = ruleset.rule(failure.rule_id)
        for decline in find_declines(failure.example, example_rules(ruleset, rule)):
            click.echo(f"     {decline}")


@click.command(name="lint")
@rules_option
@no_defaults_option
@selection_options
def rules_lint(rule_paths, no_default_rules) -> None:
    """Flag patterns prone to catastrophic backtracking, and line-removing patterns that match ordinary
    prose (a built-in sample of article sentences): FILE:LINE RULE: FIELD: why. Exit 1 if any."""
    ruleset = load_or_exit(rule_spec(rule_paths, no_default_rules))
    findings = lint_ruleset(ruleset) + prose_findings(ruleset)
    for finding in sorted(findings, key=lambda f: (f.path, f.line or 0, f.rule_id, f.field)):
        click.echo(str(finding))
    patterns = sum(1 for r in ruleset.rules() for name, f in r.FIELDS.items() if f.pattern and getattr(r, name))
    click.echo(f"{patterns} patterns checked ({len(prose_sample())} prose sentences), "
               f"{plural(len(findings), 'finding')}")
    sys.exit(1 if findings else 0)


@click.command(name="impact")
@click.argument("pack", type=click.Path(exists=True, dir_okay=False))
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True))
@rules_option
@no_defaults_option
@selection_options
@click.option("--lines", "shown", type=click.IntRange(min=1), default=10, show_default=True,
              help="Distinct lines shown per rule.")
def rules_impact(pack, sources, rule_paths, no_default_rules, shown) -> None:
    """Show what adding PACK (or putting it in place of the loaded pack with its id) would change on
    the documents in SOURCES, against the current rules: lines newly removed and no longer removed,
    per rule, with counts and sample documents (PATH:LINE)."""
    current = load_or_exit(rule_spec(rule_paths, no_default_rules))
    try:
        candidate, replaced = with_pack(current, pack)
        jobs = plan(sources).documents
    except (RuleError, PlanError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    impact = measure_impact([job.source for job in jobs], current, candidate)
    for error in impact.errors:
        click.echo(f"error: {error}", err=True)
    what = f"replacing pack '{replaced.id}' ({replaced.path})" if replaced else "added"
    click.echo(f"{pack} ({what}) on {plural(len(impact.documents), 'document')}: "
               f"{plural(_lines(impact.newly_removed), 'line')} newly removed, "
               f"{plural(_lines(impact.no_longer_removed), 'line')} no longer removed, "
               f"{impact.reattributed:,} re-attributed, in {plural(impact.changed_documents, 'document')}")
    _section("newly removed", impact.newly_removed, impact, shown, "+")
    _section("no longer removed", impact.no_longer_removed, impact, shown, "-")
    sys.exit(1 if impact.errors else 0)


def _lines(rules: dict[str, RuleSummary]) -> int:
    return sum(r.lines for r in rules.values())


def _section(title: str, rules: dict[str, RuleSummary], impact: Impact, shown: int, sign: str) -> None:
    if not rules:
        return
    click.echo(f"\n{title}, by rule:")
    for rule in rules.values():
        click.echo(f"  {rule.rule_id} ({rule.pack_id}): {plural(rule.lines, 'line')} in "
                   f"{plural(len(rule.documents), 'document')}")
        for line in rule.top_lines(shown):
            samples = ", ".join(f"{impact.documents[s.document]}:{s.line}" for s in line.samples)
            click.echo(f"    {sign}{line.count:>5}  {line.text.strip()[:80]!r}  e.g. {samples}")
        more = len(rule.distinct) - shown
        if more > 0:
            click.echo(f"    … and {plural(more, 'more distinct line')}")
