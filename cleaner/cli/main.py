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
import tempfile
from collections import Counter
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

import click

from cleaner.cli.conventions import CONTEXT_SETTINGS, color_option, color_setting
from cleaner.cli.explain import explain
from cleaner.cli.hook import hook
from cleaner.cli.mine import body_share_option, min_pages_option, min_share_option, mine, thresholds_of
from cleaner.cli.options import (
    load_or_exit,
    no_defaults_option,
    rule_spec,
    rules_option,
    selection_options,
    timeout_option,
)
from cleaner.cli.report import report
from cleaner.cli.rules_cmd import rules_impact, rules_lint, rules_test
from cleaner.engine.provenance import removal_warnings, restore
from cleaner.errors import CleanerError
from cleaner.io.decode import encode
from cleaner.run import batch, corpus, learn, mining
from cleaner.version import __version__


@click.group(context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="cleaner")
@color_option
@click.pass_context
def main(ctx: click.Context, color: str) -> None:
    """Strip page furniture from scraped article text, recording every removal."""
    ctx.color = color_setting(color)


@main.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--out", required=True, type=click.Path(file_okay=False), help="Output folder.")
@rules_option
@no_defaults_option
@selection_options
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0,
              help="Worker processes (default 0: one per core, fewer for small runs).")
@click.option("--dry-run", is_flag=True, help="Clean and report, but write nothing.")
@click.option("--force", is_flag=True, help="Redo documents whose outputs are already up to date.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: worker processes on this machine; dask: a Dask cluster (pip install 'cleaner[dask]').")
@click.option("--scheduler", metavar="ADDRESS",
              help="Dask scheduler to use (implies --engine dask; default: start a LocalCluster).")
@click.option("--jsonl-provenance", type=click.Choice(corpus.PROVENANCE_MODES), default="file", show_default=True,
              help="For JSONL corpora: provenance in a parallel NAME.provenance.jsonl, or in each record.")
@click.option("--learn-sites", is_flag=True,
              help="Mine each site's furniture from its pages first (as `cleaner mine` does) and clean with it too.")
@min_pages_option
@min_share_option
@body_share_option
@timeout_option
def clean(sources, out, rule_paths, no_default_rules, jobs, dry_run, force, engine, scheduler, jsonl_provenance,
          learn_sites, min_pages, min_share, body_share, timeout) -> None:
    """Clean SOURCES (files or folders; .txt .md .html .htm; corpus files .jsonl .jsonl.gz .parquet) into OUT.

    SRC/a/b.txt becomes OUT/a/b.txt (the clean body) and OUT/a/b.provenance.json (what was removed
    and why); OUT/manifest.jsonl gets a line per document. HTML goes through trafilatura first and
    its text is written as .txt. Documents whose outputs exist from the same source and rules are
    skipped (--force redoes them). A corpus file SRC/name.jsonl (records with id and text, other fields
    kept) becomes OUT/name.jsonl and OUT/name.provenance.jsonl, line for line; .parquet gives
    OUT/name.parquet. Every engine and --jobs value writes the same bytes. With --learn-sites, each
    site's repeated lines are mined from its pages first and removed too, citing their evidence.
    """
    spec = rule_spec(rule_paths, no_default_rules, timeout)
    load_or_exit(spec)  # fail fast, with exit 2, on bad rules before any work
    corpora = [s for s in sources if corpus.is_corpus(s) and Path(s).is_file()]
    try:
        planned, skipped, walk_failures = batch.plan([s for s in sources if s not in corpora], out)
    except batch.PlanError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    # A handful of files is not worth starting workers for; a corpus file holds many documents.
    cores = os.cpu_count() or 1
    workers = jobs or (cores if corpora else min(cores, max(1, len(planned) // 16)))
    signal.signal(signal.SIGTERM, _interrupt)
    if not dry_run and Path(out).is_dir():
        batch.remove_stale_temp_files(out)  # left by a killed run; outputs themselves are always whole
    if learn_sites:
        thresholds = thresholds_of(min_pages, min_share, body_share)
        reports = _learn_and_clean(sources, planned, corpora, out, spec, thresholds, engine == "dask" or scheduler,
                                   scheduler, jobs, workers, dry_run, force, jsonl_provenance)
    elif engine == "dask" or scheduler:
        reports = _run_on_dask(planned, corpora, out, spec, scheduler, jobs or None, dry_run, force,
                               jsonl_provenance)
    else:
        reports = _run_with_progress(planned, out, spec, workers, dry_run, force)
        reports += _clean_corpora(corpora, out, spec, workers, dry_run, jsonl_provenance, None)
    reports += walk_failures
    if not dry_run:
        batch.write_manifest(out, reports)
    for r in reports:
        if r.status == "failed":
            click.echo(f"error: {r.error}", err=True)
        elif warnings := removal_warnings(r.chars_in, r.by_rule or {}):
            click.echo(f"warning: {r.source}: {'; '.join(warnings)}", err=True)
    click.echo(_summary(reports, skipped, dry_run))
    sys.exit(1 if any(r.status == "failed" for r in reports) else 0)


def _learn_and_clean(sources, planned, corpora, out, spec, thresholds, on_dask, scheduler, jobs, workers, dry_run,
                     force, provenance) -> list[batch.Report]:
    """Mine every site in memory, write its pack to a scratch folder, clean with it (cleaner/run/learn.py)."""
    with tempfile.TemporaryDirectory() as scratch, ExitStack() as stack:
        client = None
        if on_dask:
            from cleaner.run import distributed

            client = stack.enter_context(distributed.connect(scheduler, workers=jobs or None))
        try:
            found = learn.mine_sources(mining.Sources(sources, out), spec, thresholds,
                                       workers=mining.default_workers(jobs), client=client)
        except (CleanerError, OSError) as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(2)
        packs, scoped = learn.write_site_packs(found, scratch, thresholds)
        click.echo(f"learned {sum(1 for r in found for m in r.mined if m.proposed)} rules for {len(packs)} of "
                   f"{len(found)} sites", err=True)

        def run_group(group, group_spec):
            if client is not None:
                from cleaner.run import distributed

                return distributed.run_jobs(group, out, group_spec, client, dry_run=dry_run, force=force)
            return batch.run(group, out, group_spec, workers=min(workers, max(1, len(group) // 16)),
                             dry_run=dry_run, force=force)

        reports = learn.clean_files(planned, found, packs, spec, run_group)
        return reports + _clean_corpora(corpora, out, learn.with_pack(spec, scoped), workers, dry_run, provenance,
                                        client)


def _run_on_dask(planned, corpora, out, spec, scheduler, workers, dry_run, force, provenance) -> list[batch.Report]:
    from cleaner.run import distributed

    try:
        with distributed.connect(scheduler, workers=workers) as client:
            reports = distributed.run_jobs(planned, out, spec, client, dry_run=dry_run, force=force)
            return reports + _clean_corpora(corpora, out, spec, workers or 1, dry_run, provenance, client)
    except (CleanerError, OSError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


def _clean_corpora(corpora, out, spec, workers, dry_run, provenance, client) -> list[batch.Report]:
    reports = []
    for src in corpora:
        with tempfile.TemporaryDirectory() as scratch:
            target = scratch if dry_run else out
            try:
                targets, stats = corpus.clean_corpus(src, target, spec, workers=workers, provenance=provenance,
                                                     client=client)
            except CleanerError as exc:
                reports.append(batch.Report(src, "", "", "failed", error=str(exc)))
                continue
            reports.append(corpus.to_report(src, target, targets, stats))
        click.echo(f"{src}: {stats.records:,} records, {stats.failed:,} failed", err=True)
    return reports


def _run_with_progress(planned, out, spec, workers, dry_run, force) -> list[batch.Report]:
    try:
        if not sys.stderr.isatty() or not planned:
            return batch.run(planned, out, spec, workers=workers, dry_run=dry_run, force=force)
        with click.progressbar(length=len(planned), label="cleaning", file=sys.stderr) as bar:
            return batch.run(planned, out, spec, workers=workers, dry_run=dry_run, force=force,
                             on_done=lambda _: bar.update(1))
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


def _summary(reports: Sequence[batch.Report], skipped: Sequence[str], dry_run: bool) -> str:
    status = Counter(r.status for r in reports)
    chars_in = sum(r.chars_in for r in reports)
    removed = sum(r.chars_removed for r in reports)
    by_rule: Counter = Counter()
    spans: Counter = Counter()
    for r in reports:
        for rule, c in (r.by_rule or {}).items():
            by_rule[rule] += c["chars"]
            spans[rule] += c["spans"]
    share = f" ({removed / chars_in:.1%})" if chars_in else ""
    lines = [
        f"{'would clean' if dry_run else 'cleaned'} {status['cleaned']} documents, "
        f"{status['unchanged']} up to date, {status['failed']} failed, {len(skipped)} skipped (not "
        f"{'/'.join(batch.SUFFIXES)})",
        f"removed {removed:,} of {chars_in:,} characters{share}",
    ]
    corpora = [r for r in reports if r.records is not None]
    if corpora:
        records = sum(r.records for r in corpora)
        failed = sum(r.records_failed for r in corpora)
        lines.insert(1, f"corpus files: {len(corpora)}, {records - failed:,} of {records:,} records cleaned, "
                        f"{failed:,} failed (a corpus file with a failed record counts as failed above)")
    if by_rule:
        width = max(len(rule) for rule in by_rule)
        lines.append(f"  {'rule':<{width}}  {'chars':>9}  {'spans':>5}")
        lines += [f"  {rule:<{width}}  {chars:>9,}  {spans[rule]:>5}" for rule, chars in by_rule.most_common(10)]
    return "\n".join(lines)


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
        batch.write_atomic(Path(output), data)


def _encode_original(text: str, record: dict) -> bytes:
    source = record["source"]
    if source.get("format") == "html":
        return text.encode("utf-8")
    data = encode(text, source["encoding"])
    if hashlib.sha256(data).hexdigest() != source["sha256"]:
        raise CleanerError("re-encoded text does not match the source's recorded hash")
    return data


@main.group()
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


rules.add_command(rules_test)  # `cleaner rules test|lint|impact` (cleaner/cli/rules_cmd.py)
rules.add_command(rules_lint)
rules.add_command(rules_impact)


main.add_command(mine)  # `cleaner mine`, site packs from a site's own pages (cleaner/cli/mine.py)
main.add_command(hook)  # `cleaner hook check|fix`, the pre-commit hooks (cleaner/hook.py)
main.add_command(report)  # `cleaner report OUT` (cleaner/cli/report.py)
main.add_command(explain)  # `cleaner explain SOURCES...` (cleaner/cli/explain.py)


if __name__ == "__main__":
    main()
