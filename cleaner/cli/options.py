"""Command-line options shared by `cleaner` and its pre-commit hooks, and loading rules for them.

Which rules run comes from the project's configuration (`[tool.cleaner]` in the nearest
pyproject.toml, see `cleaner.config`) overridden by the flags: `--rules` replaces the configured
packs, `--no-default-rules` and `--timeout` override theirs, `--profile` replaces the profile, and
`--select` / `--ignore` form a layer on top of the configured ones (as ruff's do). `--config PATH`
names the pyproject.toml to use; `--isolated` ignores every configuration file.
The selection flags do not reach the commands as parameters: `selection_options` keeps them in
the click context, where `rule_spec` reads them, so every command that loads rules gets them alike.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

import click

from cleaner.config import Config, load_config
from cleaner.errors import CleanerError
from cleaner.rules.ruleset import DEFAULT_DOC_TIMEOUT, DEFAULT_TIMEOUT, RuleSet, check_seconds
from cleaner.rules.select import PROFILES, Layer, Selection
from cleaner.run.options import RuleSpec


class Seconds(click.ParamType):
    """A number of seconds above 0 and finite: 0, negative, nan and inf are usage errors (exit 2)."""

    name = "seconds"

    def convert(self, value, param, ctx) -> float:
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        try:
            return check_seconds(seconds, "it")
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


rules_option = click.option(
    "--rules", "rule_paths", multiple=True, type=click.Path(exists=True),
    help="Extra rule pack (file or folder of *.toml), e.g. a repository's rules/; repeatable "
         "(replaces the configuration's `rules`).",
)
no_defaults_option = click.option("--no-default-rules", is_flag=True, help="Do not load the bundled packs.")
_META = "cleaner.selection"


def _store(name: str) -> Callable:
    def callback(ctx: click.Context, param: click.Parameter, value):
        ctx.meta.setdefault(_META, {})[name] = value
        return value
    return callback


_call_timeout = click.option(
    "--timeout", type=Seconds(), default=None,
    help=f"Seconds any one regex call may take before the document fails [default: the configuration's, "
         f"else {DEFAULT_TIMEOUT:g}].")
_doc_timeout = click.option(
    "--doc-timeout", type=Seconds(), default=None, expose_value=False, callback=_store("doc_timeout"),
    help=f"Seconds all the rules may take on one document (times its length in millions of characters, "
         f"when longer) before it fails, naming the rule then running [default: the configuration's, "
         f"else {DEFAULT_DOC_TIMEOUT:g}].")


def timeout_option(command: Callable) -> Callable:
    """`--timeout` (per regex call; the command's `timeout` parameter) and `--doc-timeout` (per document).

    `--doc-timeout` reaches `rule_spec` through the click context, as the selection options do, so
    every command taking `timeout_option` gets both without a change to its signature."""
    return _call_timeout(_doc_timeout(command))


def _names(values: Sequence[str]) -> tuple[str, ...]:
    """`--select a,b --select c` gives (a, b, c), as ruff takes them."""
    return tuple(n.strip() for value in values for n in value.split(",") if n.strip())


def selection_options(command: Callable) -> Callable:
    """--select, --ignore, --profile, --config and --isolated (read back by `rule_spec`)."""
    for option in reversed([
        click.option("--select", multiple=True, expose_value=False, callback=_store("select"), metavar="NAMES",
                      help="Run only these rule ids, pack ids or categories (comma-separated or repeated)."),
        click.option("--ignore", multiple=True, expose_value=False, callback=_store("ignore"), metavar="NAMES",
                     help="Switch off these rule ids, pack ids or categories; the most specific name wins, "
                          "and ignore wins a tie."),
        click.option("--profile", type=click.Choice(list(PROFILES)), default=None, expose_value=False,
                     callback=_store("profile"),
                     help="article (default): keep headline, standfirst, byline; body: remove them too."),
        click.option("--config", "config_path", type=click.Path(exists=True, dir_okay=False), expose_value=False,
                     callback=_store("config"), help="The pyproject.toml to read [tool.cleaner] from "
                                                     "(default: the nearest one above the working directory)."),
        click.option("--isolated", is_flag=True, expose_value=False, callback=_store("isolated"),
                     help="Ignore every configuration file."),
    ]):
        command = option(command)
    return command


def current_config() -> Config:
    """The configuration this command runs with (exits 2 on a bad one)."""
    ctx = click.get_current_context()
    cached = ctx.meta.get("cleaner.config")
    if cached is None:
        flags = ctx.meta.get(_META, {})
        try:
            cached = load_config(flags.get("config"), isolated=bool(flags.get("isolated")))
        except CleanerError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        ctx.meta["cleaner.config"] = cached
    return cached


def rule_spec(rule_paths: Sequence[str], no_default_rules: bool, timeout: float | None = None) -> RuleSpec:
    """The rule set to load: the configuration, overridden by the command's flags."""
    config = current_config()
    if no_default_rules and not rule_paths and not config.rules:
        raise click.UsageError("--no-default-rules leaves no rules to run: add --rules PACK (a pack file or "
                               "folder), or set rules in [tool.cleaner]")
    flags = click.get_current_context().meta.get(_META, {})
    layers = [config.layer] if config.layer else []
    select, ignore = _names(flags.get("select") or ()), _names(flags.get("ignore") or ())
    if select or ignore:
        layers.append(Layer(select or None, ignore, "command line"))
    selection = Selection(tuple(layers), flags.get("profile") or config.profile)
    return RuleSpec(tuple(rule_paths) or config.rules, config.default_rules and not no_default_rules,
                    config.timeout if timeout is None else timeout, selection,
                    None if config.path is None else str(config.path),
                    doc_timeout=flags.get("doc_timeout") or config.doc_timeout)


def load_or_exit(spec: RuleSpec) -> RuleSet:
    """Load the rule set, or print the error (file, line, rule; or the unknown name) and exit 2."""
    try:
        return spec.load()
    except CleanerError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
