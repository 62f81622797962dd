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
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .api import HTML_SUFFIXES, TEXT_SUFFIXES, clean_file
from .errors import CleanerError
from .provenance import sha256_text
from .ruleset import DEFAULT_TIMEOUT, RuleSet, load_rules

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


@dataclass(frozen=True)
class RuleSpec:
    """How workers load the rule set (a RuleSet itself is rebuilt per process, not pickled per job)."""

    paths: tuple[str, ...] = ()
    defaults: bool = True
    timeout: float = DEFAULT_TIMEOUT

    def load(self) -> RuleSet:
        return load_rules(self.paths, defaults=self.defaults, timeout=self.timeout)


class PlanError(CleanerError):
    """The inputs cannot be cleaned as asked (e.g. two map to one output); nothing was written."""


def plan(sources: Sequence[str | Path]) -> tuple[list[Job], list[str], list[Report]]:
    """Map inputs to outputs. Returns (jobs, skipped paths, failures found while walking)."""
    jobs: list[Job] = []
    skipped: list[str] = []
    walk_failures: list[Report] = []
    for src in map(Path, sources):
        if src.is_dir():
            for path in _walk(src, walk_failures):
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


def _walk(root: Path, failures: list[Report]) -> Iterator[Path]:
    def on_error(exc: OSError) -> None:
        failures.append(Report(str(exc.filename), "", "", "failed", error=f"cannot read directory: "
                                                                         f"{exc.strerror}"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=on_error, followlinks=False):
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


def _init_worker(spec: RuleSpec) -> None:
    global _worker_rules
    _worker_rules = spec.load()


def clean_one(job: Job, out: str, rules: RuleSet, *, dry_run: bool = False, force: bool = False) -> Report:
    """Clean one document and write its outputs (unless dry_run); never raises for a bad document."""
    report = Report(job.source, job.output, job.provenance, "failed")
    try:
        out_path, prov_path = _inside(out, job.output), _inside(out, job.provenance)
        if not force and not dry_run and _up_to_date(job, out_path, prov_path, rules):
            report.status = "unchanged"
            return report
        result = clean_file(job.source, rules=rules)
    except CleanerError as exc:
        report.error = str(exc) if job.source in str(exc) else f"{job.source}: {exc}"
        return report
    prov = result.provenance
    report.status = "cleaned"
    report.source_sha256 = prov["source"]["sha256"]
    report.output_sha256 = prov["output"]["sha256"]
    report.chars_in = prov["input"]["chars"]
    report.chars_removed = prov["counts"]["chars_removed"]
    report.by_rule = prov["counts"]["by_rule"]
    if not dry_run:
        try:
            write_atomic(out_path, result.text.encode("utf-8"))
            write_atomic(prov_path, dump_json(prov).encode("utf-8"))
        except OSError as exc:
            report.status, report.error = "failed", f"{job.source}: cannot write output: {exc}"
    return report


def _clean_in_worker(args: tuple[Job, str, bool, bool]) -> Report:
    job, out, dry_run, force = args
    assert _worker_rules is not None
    return clean_one(job, out, _worker_rules, dry_run=dry_run, force=force)


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
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(spec,)) as pool:
        for report in pool.map(_clean_in_worker, [(j, out, dry_run, force) for j in jobs],
                               chunksize=chunksize):
            reports.append(report)
            if on_done:
                on_done(report)
    return reports


def write_manifest(out: str, reports: Sequence[Report]) -> None:
    lines = "".join(json.dumps(asdict(r), ensure_ascii=False, sort_keys=True) + "\n" for r in reports)
    write_atomic(Path(out) / MANIFEST, lines.encode("utf-8"))


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


def _inside(out: str, rel: str) -> Path:
    """The output path for `rel`, refusing anything that would resolve outside OUT."""
    root = Path(out).resolve()
    target = (root / rel).resolve()
    if not target.is_relative_to(root):
        raise CleanerError(f"output path {rel} would leave the output folder {out}")
    return target


def _up_to_date(job: Job, out_path: Path, prov_path: Path, rules: RuleSet) -> bool:
    """Whether a previous run already wrote this document's outputs from the same source and rules."""
    try:
        prov = json.loads(prov_path.read_text("utf-8"))
        source_sha = hashlib.sha256(Path(job.source).read_bytes()).hexdigest()
        output = out_path.read_text("utf-8")
    except (OSError, ValueError):
        return False
    return (prov.get("source", {}).get("sha256") == source_sha
            and prov.get("ruleset", {}).get("hash") == rules.hash
            and sha256_text(output) == prov.get("output", {}).get("sha256"))
