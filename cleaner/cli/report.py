"""`cleaner report OUT`: one self-contained HTML page reviewing what cleaning removed from a corpus."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cleaner.cli.conventions import quiet_option
from cleaner.cli.options import load_or_exit, no_defaults_option, rule_spec, rules_option
from cleaner.io.files import write_atomic
from cleaner.review.collect import ReviewError, categorize, read_cleaned
from cleaner.review.html_report import render_report
from cleaner.words import plural


@click.command()
@click.argument("out", type=click.Path(exists=True, file_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Where to write the page (default OUT/report.html; '-' for stdout).")
@rules_option
@no_defaults_option
@quiet_option
def report(out: str, output: str | None, rule_paths, no_default_rules, quiet: bool) -> None:
    """Write an HTML page reviewing the corpus `cleaner clean` wrote to OUT.

    It reads OUT's manifest and provenance records and shows, per category and per rule, the
    distinct removed lines with their counts and sample documents; per document, the text with
    each removed line marked by its rule; and filters by rule and by category. The page is one
    file with no external resources.

    Records name each removal's rule and pack; its category is looked up in the rule set loaded
    here (the bundled packs and --rules, as for `clean`); a rule it does not know is grouped by pack.
    """
    rules = load_or_exit(rule_spec(rule_paths, no_default_rules))
    try:
        documents = list(read_cleaned(out))
    except ReviewError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    categorize(documents, {rule.id: rule.category for rule in rules.rules()})
    page = render_report(Path(out).name or str(out), documents).encode("utf-8")
    if output == "-":
        sys.stdout.buffer.write(page)
        return
    target = Path(output) if output else Path(out) / "report.html"
    write_atomic(target, page)
    if quiet:
        return
    unreadable = sum(1 for d in documents if d.error is not None)
    note = f", {unreadable} could not be read (listed at the end)" if unreadable else ""
    click.echo(f"wrote {target} ({plural(len(documents), 'document')}{note})")
