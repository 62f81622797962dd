"""Clean one document of a folder run and write its outputs: the clean text, then its record.

The clean text keeps its source's mode bits; the record honours the umask. The record is written
after the text, so a present record whose output hash matches proves its text is whole; if the
record cannot be written, the text just written is removed again (no document without its record).
A document whose outputs were written from the same source bytes and rules is left alone
("unchanged"); the check compares bytes, so CRLF texts are recognised as up to date.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cleaner.api import clean_file
from cleaner.errors import CleanerError
from cleaner.io.files import describe_os_error, json_document, mode_of, write_atomic
from cleaner.rules.ruleset import RuleSet
from cleaner.run.plan import Job
from cleaner.run.report import Report


def clean_one(job: Job, out: str | Path, rules: RuleSet, *, dry_run: bool = False, force: bool = False) -> Report:
    """Clean one document and write its outputs (unless dry_run); never raises for a bad document."""
    report = Report(job.source, job.output, job.provenance)
    try:
        out_path, prov_path = inside(out, job.output), inside(out, job.provenance)
        previous = None if force or dry_run else up_to_date(job, out_path, prov_path, rules)
        if previous is not None:  # the manifest line then reads as it did when it was cleaned
            return report.fill("unchanged", previous)
        result = clean_file(job.source, rules=rules)
    except CleanerError as exc:
        report.error = str(exc) if job.source in str(exc) else f"{job.source}: {exc}"
        return report
    report.fill("cleaned", result.provenance)
    if not dry_run:
        try:
            _write(job, out_path, prov_path, result.text.encode("utf-8"), json_document(result.provenance))
        except OSError as exc:
            report.status, report.error = "failed", f"{job.source}: cannot write output: {describe_os_error(exc)}"
    return report


def _write(job: Job, out_path: Path, prov_path: Path, text: bytes, record: bytes) -> None:
    write_atomic(out_path, text, mode=mode_of(job.source))
    try:
        write_atomic(prov_path, record)
    except BaseException:
        out_path.unlink(missing_ok=True)  # a text without its record would read as a whole output
        raise



def clean_jobs(jobs: Sequence[Job], rules: RuleSet, out: str, dry_run: bool, force: bool) -> list[Report]:
    """A batch of documents (what an executor maps)."""
    return [clean_one(job, out, rules, dry_run=dry_run, force=force) for job in jobs]


def inside(out: str | Path, rel: str) -> Path:
    """The output path for `rel`, refusing anything that would resolve outside OUT."""
    root = Path(out).resolve()
    target = (root / rel).resolve()
    if not target.is_relative_to(root):
        raise CleanerError(f"output path {rel} would leave the output folder {out}")
    return target


def up_to_date(job: Job, out_path: Path, prov_path: Path, rules: RuleSet) -> dict[str, Any] | None:
    """The record a previous run wrote for this document from the same source and rules, or None
    (also when the outputs are missing, unreadable or do not match their record)."""
    try:
        prov = json.loads(prov_path.read_bytes())
        source_sha = hashlib.sha256(Path(job.source).read_bytes()).hexdigest()
        output_sha = hashlib.sha256(out_path.read_bytes()).hexdigest()  # bytes: CRLF stays CRLF
        current = (prov["source"]["sha256"] == source_sha and prov["ruleset"]["hash"] == rules.hash
                   and output_sha == prov["output"]["sha256"])
        Report("").fill("", prov)  # a record missing the manifest's fields is redone
    except (OSError, ValueError, LookupError, TypeError, AttributeError):
        return None
    return prov if current else None
