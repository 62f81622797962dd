"""The pre-commit hooks: `cleaner hook check FILES...` reports boilerplate, `cleaner hook fix FILES...` removes it.

What each hook plans and writes is in `cleaner/run/seeds.py`. Files that are not seeds (other
suffixes, and files cleaner writes such as NAME.provenance.json) are passed over, so
`cleaner hook fix seeds/*` can run any number of times. File names are printed with control
characters escaped. Near-duplicates fail both hooks unless --allow-near-duplicates is given.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import click

from cleaner.cli.options import (
    current_config,
    load_or_exit,
    no_defaults_option,
    rule_spec,
    rules_option,
    selection_options,
    timeout_option,
)
from cleaner.engine.fingerprint import METHOD, NEAR_DUPLICATE
from cleaner.errors import CleanerError, InputError
from cleaner.io.files import RECORD_SUFFIX, describe_os_error, shown
from cleaner.rules.ruleset import RuleSet
from cleaner.run.seeds import Plan, apply_plan, find_near_duplicates, is_seed, plan_seed, staged_paths

# ---- command line -------------------------------------------------------------------------------

def _options(command):
    for option in reversed([
        click.argument("files", nargs=-1, type=click.Path()),
        rules_option,
        no_defaults_option,
        click.option("--allow-near-duplicates", is_flag=True,
                     help="Report near-duplicate seeds without failing."),
        click.option("--near-duplicate-threshold", type=click.FloatRange(0.5, 1.0), default=NEAR_DUPLICATE,
                     show_default=True, help="Simhash similarity from which two clean bodies count as "
                                             "near-duplicates."),
        timeout_option,
        selection_options,
    ]):
        command = option(command)
    return command


@click.group()
def hook() -> None:
    """Pre-commit hooks over seed files (see .pre-commit-hooks.yaml)."""


@hook.command()
@_options
def check(files, rule_paths, no_default_rules, allow_near_duplicates, near_duplicate_threshold, timeout) -> None:
    """Fail if FILES hold boilerplate the rules would remove (or near-duplicate other seeds); change nothing."""
    rules = load_or_exit(rule_spec(rule_paths, no_default_rules, timeout))
    sys.exit(_run(files, rules, near_duplicate_threshold, allow_near_duplicates, write=False))


@hook.command()
@_options
def fix(files, rule_paths, no_default_rules, allow_near_duplicates, near_duplicate_threshold, timeout) -> None:
    """Clean FILES in place (HTML: into NAME.txt) with a NAME.provenance.json record; fail if anything changed."""
    rules = load_or_exit(rule_spec(rule_paths, no_default_rules, timeout))
    sys.exit(_run(files, rules, near_duplicate_threshold, allow_near_duplicates, write=True))


def _run(files: Iterable[str], rules: RuleSet, threshold: float, allow_near: bool, *, write: bool) -> int:
    config = current_config()
    plans, failed = [], False
    for name in sorted(set(files)):
        if not is_seed(Path(name)) or Path(name).is_dir():
            continue  # not a seed: another file type, a record, a folder (`seeds/*` holds them all)
        try:
            plans.append(plan_seed(Path(name), rules, config.keep_for(name)))
        except CleanerError as exc:
            _error(_named(name, exc))
            failed = True
        except OSError as exc:
            _error(f"{name}: cannot read: {describe_os_error(exc)}")
            failed = True
    find_near_duplicates(plans, rules, threshold, staged_paths() | {p.path.resolve() for p in plans})
    for plan in plans:
        if plan.writes:
            failed = True
            if write:
                try:
                    apply_plan(plan, rules, config.describe())
                except OSError as exc:
                    _error(f"{plan.path}: cannot write: {describe_os_error(exc)}")
                    continue
            _echo(_describe(plan, write))
        if plan.near:
            failed = failed or not allow_near
            _echo(_describe_near(plan, threshold, allow_near))
    return 1 if failed else 0


def _echo(lines: list[str]) -> None:
    click.echo("\n".join(map(shown, lines)))


def _error(message: str) -> None:
    click.echo(f"error: {shown(message)}", err=True)


def _named(name: str, exc: CleanerError) -> str:
    text = str(exc)
    return text if isinstance(exc, InputError) or name in text else f"{name}: {text}"


def _describe(plan: Plan, written: bool) -> list[str]:
    assert plan.text_path is not None and plan.record is not None
    target = "" if plan.text_path == plan.path else f" into {plan.text_path.name}"
    count = len(plan.removals)
    if written:
        head = f"{count} spans removed{target}, record in {plan.path.with_suffix(RECORD_SUFFIX).name}"
    else:
        head = f"{count} spans to remove (cleaner-fix would clean it{target})"
    note = f" ({plan.note})" if plan.note else ""
    lines = [f"{plan.path}: {head}{note}"]
    for r in sorted(plan.removals, key=lambda r: r.start):
        where = f"line {r.first_line}" if r.first_line == r.last_line else f"lines {r.first_line}-{r.last_line}"
        lines.append(f"  {where}: {r.rule_id} ({r.pack_id})  {_preview(r.text)}")
    if plan.record["layout"]["final_newline_added"] and not plan.note:
        lines.append("  end of file: final newline added (layout)")
    return lines


def _describe_near(plan: Plan, threshold: float, allowed: bool) -> list[str]:
    label = "allowed" if allowed else "pass --allow-near-duplicates to allow"
    lines = [f"{plan.path}: near-duplicate of {len(plan.near)} seed(s) in {plan.path.parent} ({label}); "
             f"fingerprint {METHOD} {plan.fingerprint.value}"]
    lines += [f"  {other} (similarity {similarity:.3f} >= {threshold:g})" for other, similarity in plan.near[:5]]
    return lines


def _preview(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return repr(flat if len(flat) <= width else flat[: width - 1] + "…")

