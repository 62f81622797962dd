"""What `cleaner clean` prints besides its outputs: per-document lines, a JSON summary, diffs;
and `cleaner clean -`, one document from stdin to stdout.

- `document_line`: one line per document, with its per-rule counts (`--dry-run`, `-v`);
- `json_summary`: the run's summary as one JSON object (`--format json`), for scripts and CI;
- `unified_diff`: a document's original against its clean text (`--diff`), named a/SOURCE and
  b/OUT/OUTPUT as `git diff --no-index SOURCE OUT/OUTPUT` names them, so the patch reads as what
  cleaning did to that file. A corpus file gives one diff per record, named `a/SOURCE:N#ID` and
  `b/OUT/OUTPUT:N#ID` (N: the record's number among the output records, its line in a JSONL output
  and its row in a Parquet one; `#ID` its `id`, when it has one).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from cleaner.api import clean, clean_file
from cleaner.config import record_keep
from cleaner.engine.provenance import restore
from cleaner.errors import CleanerError
from cleaner.io.decode import decode
from cleaner.lines import split_lines
from cleaner.rules.ruleset import RuleSet
from cleaner.run.report import Report, Tally, summary
from cleaner.words import plural

JSON_SCHEMA = "cleaner.summary/1"
STDIN = "-"


def review_options(command: Callable) -> Callable:
    """--diff, --format, -q and -v of `cleaner clean`."""
    for option in reversed([
        click.option("--diff", is_flag=True, help="Print a unified diff of each document (original to clean) "
                                                  "on stdout; the summary then goes to stderr."),
        click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
                     show_default=True, help="The summary as text, or as one JSON object."),
        click.option("-q", "--quiet", is_flag=True, help="Print only errors (and what --diff or --format json asks)."),
        click.option("-v", "--verbose", is_flag=True, help="List each document with its per-rule counts."),
    ]):
        command = option(command)
    return command


@dataclass(frozen=True)
class RunView:
    """How `cleaner clean` shows a run: what was asked on the command line."""

    dry_run: bool
    diff: bool
    output_format: str
    quiet: bool
    verbose: bool
    out: Path
    config: str | None = None  # the pyproject.toml of the run (its record keep lists, for dry-run diffs)


def show_run(reports: Sequence[Report], skipped: Sequence[str], suffixes: str, rules: RuleSet,
             view: RunView) -> None:
    """Print diffs (stdout), the per-document lines and the summary (stdout, or stderr under --diff)."""
    if view.diff:
        for report in reports:
            if report.corpus and report.output:
                for diff in _corpus_diffs(report, rules, view):
                    click.echo(diff, nl=False)
            elif not report.failed and not report.corpus:
                click.echo(_document_diff(report, rules, view), nl=False)
    to_stderr = view.diff
    if (view.dry_run or view.verbose) and not view.quiet and view.output_format == "text":
        for report in reports:
            click.echo(document_line(report, view.dry_run), err=to_stderr)
    if view.output_format == "json":
        click.echo(json.dumps(json_summary(reports, skipped, view.dry_run), ensure_ascii=False), err=to_stderr)
    elif not view.quiet:
        click.echo(summary(list(reports), len(skipped), suffixes, view.dry_run), err=to_stderr)


def _document_diff(report: Report, rules: RuleSet, view: RunView) -> str:
    """The document's diff: from its outputs in OUT, or (dry run: nothing written) by cleaning it again."""
    try:
        if view.dry_run:
            result = clean_file(report.source, rules=rules)
            clean_text, record = result.text, result.provenance
        else:
            clean_text = (view.out / report.output).read_bytes().decode("utf-8")
            record = json.loads((view.out / report.provenance).read_text("utf-8"))
        original = restore(clean_text, record)
    except (OSError, ValueError, KeyError, CleanerError) as exc:
        click.echo(f"error: {report.source}: no diff: {exc}", err=True)
        return ""
    return unified_diff(original, clean_text, report.source, (view.out / report.output).as_posix())


def _corpus_diffs(report: Report, rules: RuleSet, view: RunView) -> Iterator[str]:
    """Each record's diff: from the corpus outputs in OUT, or (dry run: nothing written) by cleaning
    the source's records again, with the same record keep lists."""
    try:
        for number, name, original, clean_text in _corpus_texts(report, rules, view):
            suffix = f":{number}" + (f"#{name}" if name is not None else "")
            yield unified_diff(original, clean_text, report.source + suffix,
                               (view.out / report.output).as_posix() + suffix)
    except (OSError, ValueError, KeyError, TypeError, CleanerError) as exc:
        click.echo(f"error: {report.source}: no diff: {exc}", err=True)


def _corpus_texts(report: Report, rules: RuleSet, view: RunView) -> Iterator[tuple[int, Any, str, str]]:
    """(output record number, its id or None, original text, clean text) per record cleaned."""
    # Here, not at the top: only corpus diffs need them, and every `cleaner clean` imports this module.
    from cleaner.io.corpus_files import read_jsonl, read_parquet
    from cleaner.review.collect import corpus_outputs
    from cleaner.run.records import clean_items

    if not view.dry_run:
        provenance = view.out / report.provenance if report.provenance else None
        for number, record, note in corpus_outputs(view.out / report.output, provenance):
            if note.get("provenance") is not None:
                yield number, record.get("id"), restore(record["text"], note["provenance"]), record["text"]
        return
    keep = record_keep(view.config, report.source)
    done = clean_items(read_parquet(report.source) if report.output.endswith(".parquet")
                       else read_jsonl(report.source), rules, keep=keep)
    for number, (record, note) in enumerate(zip(done.records, done.notes, strict=True), 1):
        if "provenance" in note:
            yield number, record.get("id"), restore(record["text"], note["provenance"]), record["text"]


def clean_stdin(sources: Sequence[str], out: str | None, rules: RuleSet) -> None:
    """`cleaner clean -`: one document from stdin, its clean text to stdout (exit 1 if it cannot be cleaned)."""
    if len(sources) != 1:
        raise click.UsageError("'-' (stdin) is one document: give it as the only SOURCE")
    if out not in (None, STDIN):
        raise click.UsageError("with SOURCE '-' the clean text goes to stdout: leave out -o (or give -o -)")
    try:
        text, _ = decode(sys.stdin.buffer.read(), "<stdin>")
        if not text.strip():
            raise CleanerError("<stdin>: empty document" if not text else "<stdin>: document holds only whitespace")
        result = clean(text, rules=rules, source=STDIN)
    except CleanerError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    sys.stdout.buffer.write(result.text.encode("utf-8"))
    sys.stdout.flush()


def document_line(report: Report, dry_run: bool) -> str:
    """`SOURCE: removed 4,768 of 8,630 characters: rule ×2, other ×1` (status when not cleaned)."""
    if report.failed:
        return f"{report.source}: failed"
    tally = report.tally
    verb = "would remove" if dry_run and report.status == "cleaned" else "removed"
    state = " (up to date)" if report.status == "unchanged" else ""
    rules = ", ".join(f"{rule} ×{counts['spans']}" for rule, counts in sorted(tally.by_rule.items()))
    records = f" in {plural(tally.records, 'record')}" if report.corpus else ""
    return (f"{report.source}{state}: {verb} {tally.chars_removed:,} of {plural(tally.chars_in, 'character')}"
            f"{records}{': ' + rules if rules else ''}")


def json_summary(reports: Sequence[Report], skipped: Sequence[str], dry_run: bool) -> dict[str, Any]:
    """The run as one JSON-ready object: totals, per-rule counts, and each document's status."""
    status = Counter(r.status for r in reports)
    total = Tally()
    for r in reports:
        total.add(r.tally)
    return {
        "schema": JSON_SCHEMA,
        "dry_run": dry_run,
        "documents": {"cleaned": status["cleaned"], "unchanged": status["unchanged"], "failed": status["failed"],
                      "skipped": len(skipped)},
        "chars_in": total.chars_in,
        "chars_removed": total.chars_removed,
        "by_rule": total.rules_sorted(),
        "reports": [{"source": r.source, "output": r.output, "status": r.status, "chars_in": r.tally.chars_in,
                     "chars_removed": r.tally.chars_removed, "by_rule": r.tally.rules_sorted(), "error": r.error,
                     **({"records": r.tally.records, "records_failed": r.tally.failed} if r.corpus else {})}
                    for r in reports],
        "skipped": list(skipped),
    }


def unified_diff(original: str, clean: str, source: str, output: str) -> str:
    """The unified diff (3 lines of context) turning `original` into `clean`; empty when equal.

    Lines are split as the engine splits them (CR, LF, CRLF); a last line without a newline gets
    the usual `\\ No newline at end of file` marker, so the patch applies with `patch` or `git apply`.
    """
    import difflib  # here, not at the top: only --diff needs it

    if original == clean:
        return ""
    # As git names them: an absolute path loses its leading slash after a/ and b/.
    lines = difflib.unified_diff(_lines(original), _lines(clean), f"a/{source.lstrip('/')}",
                                 f"b/{output.lstrip('/')}")
    out = []
    for line in lines:
        if line.endswith(("\n", "\r")):
            out.append(line)
        else:
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _lines(text: str) -> list[str]:
    return [line.text + line.end_of_line for line in split_lines(text)]
