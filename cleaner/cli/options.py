"""Command-line options shared by `cleaner` and its pre-commit hooks, and loading rules for them."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from cleaner.errors import RuleError
from cleaner.rules.ruleset import DEFAULT_TIMEOUT, RuleSet
from cleaner.run.batch import RuleSpec

rules_option = click.option(
    "--rules", "rule_paths", multiple=True, type=click.Path(exists=True),
    help="Extra rule pack (file or folder of *.toml), e.g. a repository's rules/; repeatable.",
)
no_defaults_option = click.option("--no-default-rules", is_flag=True, help="Do not load the bundled packs.")
timeout_option = click.option("--timeout", type=float, default=DEFAULT_TIMEOUT, show_default=True,
                              help="Seconds any one regex call may take before the document fails.")


def rule_spec(rule_paths: Sequence[str], no_default_rules: bool, timeout: float = DEFAULT_TIMEOUT) -> RuleSpec:
    return RuleSpec(tuple(rule_paths), not no_default_rules, timeout)


def load_or_exit(spec: RuleSpec) -> RuleSet:
    """Load the rule set, or print the RuleError (file, line, rule) and exit 2."""
    try:
        return spec.load()
    except RuleError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
