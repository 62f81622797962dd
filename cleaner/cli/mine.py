"""`cleaner mine SRC... -o PACKS_DIR`: write one reviewable rule pack per site from its own pages."""

from __future__ import annotations

import sys

import click

from cleaner.authoring.thresholds import Thresholds
from cleaner.cli.options import (
    load_or_exit,
    no_defaults_option,
    rule_spec,
    rules_option,
    selection_options,
    timeout_option,
)
from cleaner.errors import CleanerError

_DEFAULTS = Thresholds()

min_pages_option = click.option("--min-pages", type=click.IntRange(min=2), default=_DEFAULTS.min_pages,
                                show_default=True, help="A line must be on at least this many of a site's pages.")
min_share_option = click.option("--min-share", type=click.FloatRange(0, 1), default=_DEFAULTS.min_share,
                                show_default=True,
                                help="... and on at least this share of the site's pages (or of one layout's).")
body_share_option = click.option("--body-share", type=click.FloatRange(0, 1), default=_DEFAULTS.body_share,
                                 show_default=True,
                                 help="A line that reads as prose inside an article body is proposed only when "
                                      "on at least this share of the site's pages.")
long_chars_option = click.option("--long-chars", type=click.IntRange(min=0), default=_DEFAULTS.long_chars,
                                 show_default=True,
                                 help="A line at least this long needs only two pages, whatever the share, unless "
                                      "one of them copies another page (a long line found word for word on two "
                                      "pages is a copy: a teaser, a re-published article; 0: off).")


def thresholds_of(min_pages: int, min_share: float, body_share: float,
                  long_chars: int = _DEFAULTS.long_chars) -> Thresholds:
    return Thresholds(min_pages, min_share, body_share, long_chars=long_chars)


@click.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--out", required=True, type=click.Path(file_okay=False), help="Folder for the packs.")
@click.option("--report", "show_report", is_flag=True, help="List what was found per site, with counts.")
@min_pages_option
@min_share_option
@body_share_option
@long_chars_option
@rules_option
@no_defaults_option
@selection_options
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, help="Worker processes (0: one per core).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", metavar="ADDRESS", help="Dask scheduler to use (implies --engine dask).")
@timeout_option
def mine(sources, out, show_report, min_pages, min_share, body_share, long_chars, rule_paths, no_default_rules, jobs,
         engine, scheduler, timeout) -> None:
    """Mine the furniture of each site in SOURCES (files, folders, .jsonl/.parquet corpora) into OUT/SITE.toml.

    Documents are grouped by site (the host of their URL: a record's `url`, an HTML page's metadata, a
    `page.url` sidecar; else their folder's name). Lines repeating across a site's pages become
    `line` rules with their evidence (pages matched, pages seen) and examples from the corpus; runs of
    changing lines framed by two of them (comments, "more from" lists), never around a page's body,
    become `block` rules. The rules given by --rules and the default packs tell body lines from the
    rest. Review a pack, then use it like any other (--rules OUT) or commit it where the pre-commit
    hook reads packs.
    """
    # Here, not at the top: `clean` imports this module for its --learn-sites options only.
    from cleaner.run.learn import mine_sources
    from cleaner.run.mining import Sources, default_workers, report, write_packs
    from cleaner.run.plan import PlanError

    spec = rule_spec(rule_paths, no_default_rules, timeout)
    load_or_exit(spec)
    thresholds = thresholds_of(min_pages, min_share, body_share, long_chars)
    try:
        found_sources = Sources(sources, out)
        if engine == "dask" or scheduler:
            from cleaner.run import distributed

            with distributed.connect(scheduler, workers=jobs or None) as client:
                found = mine_sources(found_sources, spec, thresholds, client=client)
        else:
            found = mine_sources(found_sources, spec, thresholds, workers=default_workers(jobs))
    except (PlanError, CleanerError, OSError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    written = write_packs(found, out, thresholds)
    if show_report:
        for line in report(found):
            click.echo(line)
    rules = sum(r.rules() for r in found)
    click.echo(f"mined {len(found)} sites ({sum(r.pages for r in found)} pages): {len(written)} packs, "
               f"{rules} rules written to {out}")
