"""Clean many files: plan where each output goes, clean in worker processes, write atomically.

Planning happens before anything is written, so two inputs that would map to the same output are
reported up front. Each document is cleaned and written by one worker; a failure is recorded in its
report and the run goes on. Directories are walked recursively without following directory
symlinks (so a link cycle cannot loop); symlinked files are read like regular files.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from cleaner.api import HTML_SUFFIXES, TEXT_SUFFIXES, clean_file
from cleaner.engine.provenance import sha256_text
from cleaner.errors import CleanerError
from cleaner.rules.loader import load_rules
from cleaner.rules.ruleset import DEFAULT_DOC_TIMEOUT, DEFAULT_TIMEOUT, RuleSet
from cleaner.rules.select import Selection

SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES
MANIFEST = "manifest.jsonl"


@dataclass(frozen=True)
class Job:
    """One document to clean: where it is read from and where its outputs go (relative to OUT)."""

    source: str
    output: str
    provenance: str


@dataclass
class Report:
    """What happened to one document (a line of the manifest)."""

    source: str
    output: str
    provenance: str
    status: str  # cleaned | unchanged (up to date, skipped) | failed
    source_sha256: str | None = None
    output_sha256: str | None = None
    chars_in: int = 0
    chars_removed: int = 0
    by_rule: dict[str, dict[str, int]] | None = None
    error: str | None = None
    records: int | None = None  # corpus files only: records read, and how many of them failed
    records_failed: int | None = None


@dataclass(frozen=True)
class RuleSpec:
    """How workers load the rule set (a RuleSet itself is rebuilt per process, not pickled per job)."""

    paths: tuple[str, ...] = ()
    defaults: bool = True
    timeout: float = DEFAULT_TIMEOUT
    selection: Selection = Selection()  # profile, select and ignore
    config: str | None = None  # the pyproject.toml the settings came from (recorded in the manifest)

    doc_timeout: float = DEFAULT_DOC_TIMEOUT

    def load(self) -> RuleSet:
        return load_rules(self.paths, defaults=self.defaults, timeout=self.timeout, selection=self.selection,
                          doc_timeout=self.doc_timeout)


class PlanError(CleanerError):
    """The inputs cannot be cleaned as asked (e.g. two map to one output); nothing was written."""


def plan(sources: Sequence[str | Path], out: str | Path | None = None) -> tuple[list[Job], list[str], list[Report]]:
    """Map inputs to outputs. Returns (jobs, skipped paths, failures found while walking).

    A folder being walked never yields what lies inside `out` (OUT may sit inside SRC, e.g.
    `cleaner clean seeds -o seeds/clean`: a second run must not clean the first run's outputs).
    """
    jobs: list[Job] = []
    skipped: list[str] = []
    walk_failures: list[Report] = []
    exclude = Path(out).resolve() if out is not None else None
    for src in map(Path, sources):
        if src.is_dir():
            for path in _walk(src, walk_failures, exclude):
                _add(path, path.relative_to(src), jobs, skipped)
        elif src.is_file():
            _add(src, Path(src.name), jobs, skipped)
        else:
            raise PlanError(f"{src}: no such file or directory")
    _check_collisions(jobs)
    return sorted(jobs, key=lambda j: j.output), sorted(skipped), walk_failures


def _add(path: Path, rel: Path, jobs: list[Job], skipped: list[str]) -> None:
    suffix = rel.suffix.lower()
    if suffix not in SUFFIXES:
        skipped.append(str(path))
        return
    name = rel.with_suffix(".txt") if suffix in HTML_SUFFIXES else rel
    jobs.append(Job(str(path), name.as_posix(), rel.with_suffix(".provenance.json").as_posix()))


def _walk(root: Path, failures: list[Report], exclude: Path | None = None) -> Iterator[Path]:
    def on_error(exc: OSError) -> None:
        failures.append(Report(str(exc.filename), "", "", "failed",
                               error=f"{exc.filename}: cannot read directory: {exc.strerror}"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error, followlinks=False):
        if exclude is not None:
            dirnames[:] = [d for d in dirnames if Path(dirpath, d).resolve() != exclude]
        dirnames.sort()
        for name in sorted(filenames):
            yield Path(dirpath, name)


def _check_collisions(jobs: Sequence[Job]) -> None:
    owners: dict[str, str] = {}
    for job in jobs:
        for target in (job.output, job.provenance):
            key = os.path.normcase(target)
            if key in owners and owners[key] != job.source:
                raise PlanError(f"{owners[key]} and {job.source} would both write {target}; "
                                "rename one or clean them into separate output folders")
            owners[key] = job.source


_worker_rules: RuleSet | None = None


def init_worker(spec: RuleSpec) -> None:
    """Process-pool initializer: load the rule set once per worker process (see `worker_rules`)."""
    # The parent handles Ctrl-C and SIGTERM and stops the workers itself; a worker that caught them
    # would report them as the result of a document and carry on.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    global _worker_rules
    _worker_rules = spec.load()


def worker_rules() -> RuleSet:
    """The rule set `init_worker` loaded in this worker process."""
    assert _worker_rules is not None, "init_worker did not run in this process"
    return _worker_rules


def clean_one(job: Job, out: str, rules: RuleSet, *, dry_run: bool = False, force: bool = False) -> Report:
    """Clean one document and write its outputs (unless dry_run); never raises for a bad document."""
    report = Report(job.source, job.output, job.provenance, "failed")
    try:
        out_path, prov_path = _inside(out, job.output), _inside(out, job.provenance)
        previous = None if force or dry_run else _up_to_date(job, out_path, prov_path, rules)
        if previous is not None:  # the manifest line then reads as it did when it was cleaned
            return _fill(report, "unchanged", previous)
        result = clean_file(job.source, rules=rules)
    except CleanerError as exc:
        report.error = str(exc) if job.source in str(exc) else f"{job.source}: {exc}"
        return report
    _fill(report, "cleaned", result.provenance)
    if not dry_run:
        try:
            write_atomic(out_path, result.text.encode("utf-8"))
            write_atomic(prov_path, json_bytes(dump_json(result.provenance)))
        except OSError as exc:
            report.status, report.error = "failed", f"{job.source}: cannot write output: {exc}"
    return report


def _clean_in_worker(args: tuple[Job, str, bool, bool]) -> Report:
    job, out, dry_run, force = args
    return clean_one(job, out, worker_rules(), dry_run=dry_run, force=force)


def run(
    jobs: Sequence[Job], out: str, spec: RuleSpec, *, workers: int = 1, dry_run: bool = False,
    force: bool = False, on_done: Callable[[Report], None] | None = None,
) -> list[Report]:
    """Clean every job; reports come back in job order whatever the number of workers."""
    reports: list[Report] = []
    if workers <= 1 or len(jobs) <= 1:
        rules = spec.load()
        for job in jobs:
            reports.append(clean_one(job, out, rules, dry_run=dry_run, force=force))
            if on_done:
                on_done(reports[-1])
        return reports
    chunksize = max(1, min(64, len(jobs) // (workers * 8)))
    with ProcessPoolExecutor(workers, initializer=init_worker, initargs=(spec,)) as pool:
        try:
            for report in pool.map(_clean_in_worker, [(j, out, dry_run, force) for j in jobs],
                                   chunksize=chunksize):
                reports.append(report)
                if on_done:
                    on_done(report)
        except BaseException:  # Ctrl-C, SIGTERM (see cli.py): stop now; each written file is whole
            _stop_workers(pool)
            raise
    return reports


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Drop queued documents and end the workers without waiting for the ones in progress."""
    workers = dict(getattr(pool, "_processes", None) or {})  # no public way to reach them
    pool.shutdown(wait=False, cancel_futures=True)
    for process in workers.values():
        process.terminate()


def write_manifest(out: str, reports: Sequence[Report]) -> None:
    lines = "".join(json.dumps(asdict(r), ensure_ascii=False, sort_keys=True) + "\n" for r in reports)
    write_atomic(Path(out) / MANIFEST, json_bytes(lines))


def json_bytes(text: str) -> bytes:
    """UTF-8 of JSON text. A file name that is not UTF-8 reaches Python with surrogate escapes
    (PEP 383); written as the JSON escape "\\udce9", json.loads gives back the same name."""
    return text.encode("utf-8", "backslashreplace")


def dump_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and rename it, so readers see all or nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# write_atomic's temporary files: ".NAME." + mkstemp's 8 random characters + ".tmp".
_TEMP_NAME = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")


def remove_stale_temp_files(out: str | Path) -> list[Path]:
    """Delete temporary files a killed run left in OUT (never outputs); return what was deleted.

    Only one run may write to an OUT folder at a time: this would delete a concurrent run's
    half-written files (which that run would then fail to rename, reporting the document failed).
    """
    removed = []
    for dirpath, _, filenames in os.walk(out):
        for name in filenames:
            if _TEMP_NAME.fullmatch(name):
                path = Path(dirpath, name)
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def _inside(out: str, rel: str) -> Path:
    """The output path for `rel`, refusing anything that would resolve outside OUT."""
    root = Path(out).resolve()
    target = (root / rel).resolve()
    if not target.is_relative_to(root):
        raise CleanerError(f"output path {rel} would leave the output folder {out}")
    return target


def _fill(report: Report, status: str, prov: dict[str, Any]) -> Report:
    report.status = status
    report.source_sha256 = prov["source"]["sha256"]
    report.output_sha256 = prov["output"]["sha256"]
    report.chars_in = prov["input"]["chars"]
    report.chars_removed = prov["counts"]["chars_removed"]
    report.by_rule = prov["counts"]["by_rule"]
    return report


def _up_to_date(job: Job, out_path: Path, prov_path: Path, rules: RuleSet) -> dict[str, Any] | None:
    """The record a previous run wrote for this document from the same source and rules, or None
    (also when the outputs are missing, unreadable or do not match their record)."""
    try:
        prov = json.loads(prov_path.read_text("utf-8"))
        source_sha = hashlib.sha256(Path(job.source).read_bytes()).hexdigest()
        output = out_path.read_text("utf-8")
        current = (prov["source"]["sha256"] == source_sha and prov["ruleset"]["hash"] == rules.hash
                   and sha256_text(output) == prov["output"]["sha256"])
        _fill(Report("", "", "", ""), "", prov)  # a record missing the manifest's fields is redone
    except (OSError, ValueError, LookupError, TypeError):
        return None
    return prov if current else None
