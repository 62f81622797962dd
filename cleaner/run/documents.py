"""Clean one document of a folder run and write its outputs: the clean text, then its record.

The clean text keeps its source's mode bits; the record honours the umask. The record is published
after the text, so a present record whose output hash matches proves its text is whole; if the
record cannot be written, the text just written is removed again (no document without its record).
A document whose outputs were written from the same source bytes and rules is left alone
("unchanged"); the check compares bytes, so CRLF texts are recognised as up to date.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from cleaner.api import clean_file
from cleaner.config import keep_entries
from cleaner.engine.keep import KeepEntry
from cleaner.errors import CleanerError
from cleaner.io import files
from cleaner.io.files import describe_os_error, mode_of
from cleaner.io.json_text import json_document_chunks
from cleaner.rules.ruleset import RuleSet
from cleaner.run.plan import Job
from cleaner.run.report import Report

# (temporary file, target), the clean text's then its record's: plain strings, which cost a tenth of
# Paths to send from a worker to the parent.
Staged = list[tuple[str, str]]
StagedDocument = tuple[Report, Staged]


def clean_one(job: Job, out: str | Path, rules: RuleSet, *, dry_run: bool = False, force: bool = False,
              config: str | None = None) -> Report:
    """Clean one document and write its outputs (unless dry_run); never raises for a bad document."""
    return clean_jobs([job], rules, out, dry_run, force, config)[0]


def clean_jobs(jobs: Sequence[Job], rules: RuleSet, out: str | Path, dry_run: bool, force: bool,
               config: str | None = None) -> list[Report]:
    """A batch of documents (what an executor maps); `config` is the pyproject.toml whose keep lists
    apply (each document's sidecar `NAME.keep.toml` applies too). Each document's text and record are written
    under temporary names, all of them are made durable with one sync, then each document's text is
    published before its record (see `cleaner.io.files.sync_files`): `stage_jobs`, then `publish`."""
    reports, staged = stage_jobs(jobs, rules, out, dry_run, force, config)
    publish(staged)
    return reports


def stage_jobs(jobs: Sequence[Job], rules: RuleSet, out: str | Path, dry_run: bool, force: bool,
               config: str | None = None) -> tuple[list[Report], list[StagedDocument]]:
    """`clean_jobs` up to the sync: the reports, and the documents whose outputs wait under temporary
    names for `publish` (which may run in another process on the same machine: a worker hands them to
    the parent, so it goes on cleaning instead of waiting for the disk)."""
    reports, staged = [], []
    for job in jobs:
        report, written = _clean(job, out, rules, dry_run=dry_run, force=force, config=config)
        reports.append(report)
        if written:
            staged.append((report, written))
    return reports, staged


def _clean(job: Job, out: str | Path, rules: RuleSet, *, dry_run: bool, force: bool,
           config: str | None) -> tuple[Report, Staged]:
    report = Report(job.source, job.output, job.provenance)
    try:
        keep = keep_entries(config, job.source)
        out_path, prov_path = inside(out, job.output), inside(out, job.provenance)
        previous = None if force or dry_run else up_to_date(job, out_path, prov_path, rules, keep)
        if previous is not None:  # the manifest line then reads as it did when it was cleaned
            return report.fill("unchanged", previous), []
        result = clean_file(job.source, rules=rules, keep=keep)
    except CleanerError as exc:
        report.error = str(exc) if job.source in str(exc) else f"{job.source}: {exc}"
        return report, []
    report.fill("cleaned", result.provenance)
    if dry_run:
        return report, []
    written: Staged = []
    try:
        text = result.text.encode("utf-8")
        written.append((str(files.write_unsynced(out_path, text, mode=mode_of(job.source))), str(out_path)))
        written.append((str(files.write_unsynced(prov_path, json_document_chunks(result.provenance))),
                        str(prov_path)))
    except OSError as exc:
        _fail(report, written, exc)
        return report, []
    return report, written


def publish(staged: Sequence[StagedDocument]) -> None:
    """Sync every staged file at once, then rename each document's text and record into place; a
    record that cannot be published takes its text with it (no document without its record), and a
    document that cannot be published is marked failed in its report."""
    try:
        files.sync_files(tmp for _, written in staged for tmp, _ in written)
    except OSError as exc:
        for report, written in staged:
            _fail(report, written, exc)
        return
    for report, written in staged:
        (text_tmp, text_path), (record_tmp, record_path) = written
        try:
            os.replace(text_tmp, text_path)
            try:
                os.replace(record_tmp, record_path)
            except BaseException:
                _remove(text_path)  # a text without its record would read as a whole output
                raise
        except OSError as exc:
            _fail(report, written, exc)


def _fail(report: Report, written: Staged, exc: OSError) -> None:
    for tmp, _ in written:
        _remove(tmp)
    report.status, report.error = "failed", f"{report.source}: cannot write output: {describe_os_error(exc)}"


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def inside(out: str | Path, rel: str) -> Path:
    """The output path for `rel`, refusing anything that would resolve outside OUT."""
    root = _resolved(str(out))
    plain = _unlinked(str(root), rel)
    if plain is not None:  # OUT's resolved path, then names that are neither links nor `.`/`..`
        return Path(plain)
    target = (root / rel).resolve()
    if not target.is_relative_to(root):
        raise CleanerError(f"output path {rel} would leave the output folder {out}")
    return target


def _unlinked(root: str, rel: str) -> str | None:
    """`root/rel` when `root` is resolved and no component of `rel` is a link, `.` or `..` (then it is
    its own resolved path, inside `root`: one lstat per component of `rel`, as `resolve()` does below
    `root`, without pathlib's and realpath's Python around each); None when one is, and `resolve()` must
    follow it. OUT itself was resolved once for the run (`_resolved`), so its own components, a link
    among them, are not looked at again for every file."""
    path = root.rstrip("/")
    names = rel.split("/")
    for n, name in enumerate(names):
        if name in ("", ".", ".."):
            return None
        path = f"{path}/{name}"
        try:
            if stat.S_ISLNK(os.lstat(path).st_mode):
                return None
        except OSError:  # missing or unreadable: resolve() keeps the rest of the path as given, as here
            rest = names[n + 1:]
            return None if any(name in ("", ".", "..") for name in rest) else "/".join([path, *rest])
    return path


@lru_cache(maxsize=16)
def _resolved(out: str) -> Path:
    """OUT resolved once per process (it is locked and made before any document is written)."""
    return Path(out).resolve()


def up_to_date(job: Job, out_path: Path, prov_path: Path, rules: RuleSet,
               keep: Sequence[KeepEntry] = ()) -> dict[str, Any] | None:
    """The record a previous run wrote for this document from the same source, rules and keep list,
    or None (also when the outputs are missing, unreadable or do not match their record)."""
    try:
        prov = json.loads(prov_path.read_bytes())
        source_sha = hashlib.sha256(Path(job.source).read_bytes()).hexdigest()
        output_sha = hashlib.sha256(out_path.read_bytes()).hexdigest()  # bytes: CRLF stays CRLF
        current = (prov["source"]["sha256"] == source_sha and prov["ruleset"]["hash"] == rules.hash
                   and output_sha == prov["output"]["sha256"]
                   and prov.get("keep", []) == [entry.to_dict() for entry in keep])
        Report("").fill("", prov)  # a record missing the manifest's fields is redone
    except (OSError, ValueError, LookupError, TypeError, AttributeError):
        return None
    return prov if current else None
