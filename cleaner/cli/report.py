"""`cleaner report OUT`: one self-contained HTML page reviewing what cleaning removed from a corpus."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cleaner.cli.conventions import quiet_option
from cleaner.review.collect import ReviewError, read_cleaned
from cleaner.review.html_report import render_report
from cleaner.review.words import plural
from cleaner.run.batch import write_atomic


@click.command()
@click.argument("out", type=click.Path(exists=True, file_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True),
              help="Where to write the page (default OUT/report.html; '-' for stdout).")
@quiet_option
def report(out: str, output: str | None, quiet: bool) -> None:
    """Write an HTML page reviewing the corpus `cleaner clean` wrote to OUT.

    It reads OUT's manifest and provenance records and shows, per category and per rule, the
    distinct removed lines with their counts and sample documents; per document, the text with
    each removed line marked by its rule; and filters by rule and by category. The page is one
    file with no external resources.
    """
    try:
        documents = list(read_cleaned(out))
    except ReviewError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
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
