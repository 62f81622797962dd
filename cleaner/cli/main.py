"""The `cleaner` command line.

Exit codes: 0 when every document was cleaned, 1 when some failed (the others are still cleaned and
each failure is named on stderr), 2 for usage errors and bad rule files.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import sys
from pathlib import Path

import click

from cleaner.cli.clean_output import STDIN, RunView, clean_stdin, review_options, show_run
from cleaner.cli.conventions import CONTEXT_SETTINGS, color_option, color_setting
from cleaner.cli.lazy import LazyGroup
from cleaner.cli.mine import body_share_option, min_pages_option, min_share_option, mine, thresholds_of
from cleaner.cli.options import (
    load_or_exit,
    no_defaults_option,
    rule_spec,
    rules_option,
    selection_options,
    timeout_option,
)
from cleaner.engine.provenance import removal_warnings, restore
from cleaner.errors import CleanerError
from cleaner.io.decode import encode
from cleaner.io.files import describe_os_error, shown, write_atomic
from cleaner.rules.ruleset import RuleSet
from cleaner.run import session
from cleaner.run.options import ENGINES, PROVENANCE_MODES, RunOptions
from cleaner.run.plan import SUFFIXES
from cleaner.run.report import Report
from cleaner.version import __version__


@click.group(cls=LazyGroup, context_settings=CONTEXT_SETTINGS, lazy={
    "hook": "cleaner.cli.hook:hook",  # `cleaner hook check|fix`, the pre-commit hooks (cleaner/hook.py)
    "report": "cleaner.cli.report:report",  # `cleaner report OUT`
    "explain": "cleaner.cli.explain:explain",  # `cleaner explain SOURCES...`
})
@click.version_option(__version__, "-V", "--version", prog_name="cleaner")
@color_option
@click.pass_context
def main(ctx: click.Context, color: str) -> None:
    """Strip page furniture from scraped article text, recording every removal."""
    ctx.color = color_setting(color)


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, allow_dash=True))
@click.option("-o", "--out", type=click.Path(file_okay=False, allow_dash=True),
              help="Output folder (required; '-' with SOURCE '-': the clean text to stdout).")
@rules_option
@no_defaults_option
@selection_options
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0,
              help="Worker processes (default 0: one per core, fewer for small runs).")
@click.option("--dry-run", is_flag=True, help="Clean and report, but write nothing.")
@click.option("--force", is_flag=True, help="Redo documents whose outputs are already up to date.")
@click.option("--engine", type=click.Choice(ENGINES), default="local", show_default=True,
              help="local: worker processes on this machine; dask: a Dask cluster (pip install 'cleaner[dask]').")
@click.option("--scheduler", metavar="ADDRESS",
              help="Dask scheduler to use (implies --engine dask; default: start a LocalCluster).")
@click.option("--jsonl-provenance", type=click.Choice(PROVENANCE_MODES), default="file", show_default=True,
              help="For JSONL corpora: provenance in a parallel NAME.provenance.jsonl, or in each record.")
@click.option("--follow-symlinks", is_flag=True,
              help="Read links in a source folder that point outside it, and descend folder links.")
@click.option("--learn-sites", is_flag=True,
              help="Mine each site's furniture from its pages first (as `cleaner mine` does) and clean with it too.")
@min_pages_option
@min_share_option
@body_share_option
@timeout_option
@review_options
def clean(sources, out, rule_paths, no_default_rules, jobs, dry_run, force, engine, scheduler, jsonl_provenance,
          follow_symlinks, learn_sites, min_pages, min_share, body_share, timeout, diff, output_format, quiet,
          verbose) -> None:
    """Clean SOURCES (files or folders; .txt .md .html .htm; corpus files .jsonl .jsonl.gz .parquet) into OUT.

    SRC/a/b.txt becomes OUT/a/b.txt (the clean body) and OUT/a/b.provenance.json (what was removed
    and why); OUT/manifest.jsonl gets a line per document. HTML goes through trafilatura first and
    its text is written as .txt. Documents whose outputs exist from the same source and rules are
    skipped (--force redoes them). A corpus file SRC/name.jsonl (records with id and text, other fields
    kept) becomes OUT/name.jsonl and OUT/name.provenance.jsonl, line for line; .parquet gives
    OUT/name.parquet. Every engine and --jobs value writes the same bytes. A run that would
    overwrite an input, or write one output twice, is refused before anything is written (exit 2).
    With --learn-sites, each site's repeated lines are mined from its pages first and removed too,
    citing their evidence.

    Review: --dry-run lists each document with its per-rule counts (as -v does for a real run);
    --diff prints a unified diff of each document (a/SOURCE, b/OUT/OUTPUT; a corpus record:
    a/SOURCE:N#ID) on stdout and the summary on stderr; --format json prints the summary as one
    JSON object; -q only errors.
    SOURCE '-' cleans one document read from stdin and prints its clean text (no OUT).
    """
    spec = rule_spec(rule_paths, no_default_rules, timeout)
    rules = load_or_exit(spec)  # fail fast, with exit 2, on bad rules before any work
    if STDIN in sources:
        clean_stdin(sources, out, rules)
        return
    if out is None or out == STDIN:
        raise click.UsageError("Missing option '-o' / '--out' (an output folder; '-' only with SOURCE '-').")
    learn = thresholds_of(min_pages, min_share, body_share) if learn_sites else None
    options = RunOptions(Path(out), spec, jobs, dry_run, force, engine, scheduler, jsonl_provenance, follow_symlinks,
                         learn)
    view = RunView(dry_run, diff, output_format, quiet, verbose, Path(out), spec.config)
    sys.exit(_run(list(sources), options, rules, view))


def _run(sources: list[str], options: RunOptions, rules: RuleSet, view: RunView) -> int:
    """Plan and execute a `clean` run into OUT, name its failures and warnings, show it; its exit code
    (2 when it was refused before it started)."""
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        work = session.prepare(sources, options)
        for note in work.notes:
            click.echo(f"note: {shown(note)}", err=True)
        outcome = _execute_with_progress(work, options)
    except CleanerError as exc:  # PlanError, LockedError, an OUT that cannot be made, no cluster
        _error(str(exc))
        return 2
    for note in outcome.notes:
        click.echo(shown(note), err=True)
    for r in outcome.reports:
        if r.failed:
            _error(_failure(r))
        elif warnings := removal_warnings(r.tally.chars_in, r.tally.rules_sorted()):
            click.echo(f"warning: {shown(r.source)}: {'; '.join(warnings)}", err=True)
    if outcome.manifest_error:
        _error(outcome.manifest_error)
    show_run(outcome.reports, work.skipped, "/".join(SUFFIXES), rules, view)
    return 1 if outcome.manifest_error or any(r.failed for r in outcome.reports) else 0


def _failure(report: Report) -> str:
    if report.corpus and report.errors:
        return f"{report.source}: {report.tally.failed} of {report.tally.records} records failed (each named above)"
    return report.error or f"{report.source}: failed"


def _error(message: str) -> None:
    click.echo(f"error: {shown(message)}", err=True)


def _record_errors(source: str, messages: list[str]) -> None:
    for message in messages:
        _error(f"{source}: {message}")


def _execute_with_progress(work, options: RunOptions) -> session.Outcome:
    try:
        if not sys.stderr.isatty() or not work.documents:
            return session.execute(work, options, on_errors=_record_errors)
        with click.progressbar(length=len(work.documents), label="cleaning", file=sys.stderr) as bar:
            return session.execute(work, options, on_report=lambda _: bar.update(1), on_errors=_record_errors)
    except KeyboardInterrupt:
        click.echo("\ninterrupted: every output written is whole (no manifest this time); run the same "
                   "command again to resume", err=True)
        _exit_now(130)


def _exit_now(code: int) -> None:
    """Exit without running atexit hooks, once every output written is whole.

    After its workers were terminated, a process pool's atexit hook in CPython 3.11 can write to a
    wake-up pipe the pool already closed and print a traceback ("Bad file descriptor") after our
    message; nothing is left to flush but stdout and stderr.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def _interrupt(signum, frame) -> None:
    """SIGTERM stops a run the way Ctrl-C does: promptly, leaving only whole files."""
    raise KeyboardInterrupt




@main.command(name="restore")
@click.argument("clean_file_path", metavar="CLEAN", type=click.Path(exists=True, dir_okay=False))
@click.argument("provenance_path", metavar="PROVENANCE", type=click.Path(exists=True, dir_okay=False))
@click.option("-o", "--output", default="-", type=click.Path(dir_okay=False, allow_dash=True),
              help="Where to write the original (default '-': stdout).")
def restore_cmd(clean_file_path, provenance_path, output) -> None:
    """Rebuild the original document from its CLEAN text and PROVENANCE record.

    For text sources the result is the original file byte for byte (re-encoded in its detected
    encoding and checked against the recorded hash); for HTML sources it is the text trafilatura
    extracted, which the rules ran on.
    """
    try:
        record = json.loads(Path(provenance_path).read_text("utf-8"))
        text = restore(Path(clean_file_path).read_bytes().decode("utf-8"), record)
        data = _encode_original(text, record)
    except (OSError, ValueError, KeyError, CleanerError) as exc:
        click.echo(f"error: {provenance_path}: cannot restore: {exc}", err=True)
        sys.exit(1)
    if output == "-":
        sys.stdout.buffer.write(data)
    else:
        try:
            write_atomic(Path(output), data)
        except OSError as exc:
            _error(f"cannot write {output}: {describe_os_error(exc)}")
            sys.exit(1)


def _encode_original(text: str, record: dict) -> bytes:
    source = record["source"]
    if source.get("format") == "html":
        return text.encode("utf-8")
    data = encode(text, source["encoding"])
    if hashlib.sha256(data).hexdigest() != source["sha256"]:
        raise CleanerError("re-encoded text does not match the source's recorded hash")
    return data


@main.group(cls=LazyGroup, lazy={  # `cleaner rules test|lint|impact` (cleaner/cli/rules_cmd.py)
    "test": "cleaner.cli.rules_cmd:rules_test",
    "lint": "cleaner.cli.rules_cmd:rules_lint",
    "impact": "cleaner.cli.rules_cmd:rules_impact",
})
def rules() -> None:
    """List and test rule packs."""


@rules.command(name="list")
@rules_option
@no_defaults_option
@selection_options
def rules_list(rule_paths, no_default_rules) -> None:
    """List the loaded packs and their rules, in the order they run."""
    ruleset = load_or_exit(rule_spec(rule_paths, no_default_rules))
    for pack in ruleset.packs:
        scope = f" scope={','.join(pack.scope)}" if pack.scope else ""
        click.echo(f"{pack.id} v{pack.version}{scope}  ({pack.path}): {pack.description}")
        for rule in pack.rules:
            click.echo(f"  {rule.id:<32} {rule.kind:<12} {rule.category:<10} {rule.rationale}")
        if pack.excluded:
            click.echo(f"  (switched off: {', '.join(pack.excluded)})")
    click.echo(f"rule set hash {ruleset.hash}")




main.add_command(mine)  # `cleaner mine`, site packs from a site's own pages (cleaner/cli/mine.py)


if __name__ == "__main__":
    main()
