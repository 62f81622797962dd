"""One run of `cleaner clean`: plan, take OUT's lock, sweep dead runs' temporary files, clean the
documents and corpus files on one executor, write the manifest.

The manifest is written for whatever completed, also when some documents failed (a full disk, say);
if it cannot be written, the run says so in one line. An interrupted run (Ctrl-C, SIGTERM) writes no
manifest: its outputs are whole, and running the same command again resumes it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleaner.config import record_keep
from cleaner.errors import CleanerError
from cleaner.io.files import MANIFEST, describe_os_error, locked, sweep_temp_files, write_atomic
from cleaner.io.json_text import utf8
from cleaner.run.documents import StagedDocument, clean_jobs, publish, stage_jobs
from cleaner.run.executor import Executor, local_executor
from cleaner.run.options import RuleSpec, RunOptions
from cleaner.run.plan import Job, Plan, plan
from cleaner.run.report import Report

if TYPE_CHECKING:
    from cleaner.run.corpus import OnErrors

MAX_CHUNK = 64  # documents per batch sent to a worker
MIN_CHUNK = 8  # the last batches of a run with several workers


@dataclass
class Outcome:
    plan: Plan
    reports: list[Report] = field(default_factory=list)
    manifest_error: str | None = None
    notes: list[str] = field(default_factory=list)  # what the run has to say besides errors


def prepare(sources: list[str], options: RunOptions) -> Plan:
    """The run's plan (raises PlanError, with nothing written)."""
    return plan(sources, options.out, provenance=options.provenance, follow_symlinks=options.follow_symlinks)


def run(sources: list[str], options: RunOptions, **hooks) -> Outcome:
    """Plan and execute (see `execute`)."""
    return execute(prepare(sources, options), options, **hooks)


def execute(work: Plan, options: RunOptions, *, on_report: Callable[[Report], None] | None = None,
            on_errors: OnErrors | None = None) -> Outcome:
    """Clean what `work` plans. Raises LockedError (another run writes to OUT) or CleanerError for a
    run that cannot start (an unreachable scheduler, an OUT that cannot be made)."""
    outcome = Outcome(work)
    if options.dry_run:
        _execute(outcome, options, on_report, on_errors)
        return outcome
    try:
        with locked(options.out):
            sweep_temp_files(options.out)
            _execute(outcome, options, on_report, on_errors)
            outcome.manifest_error = write_manifest(options.out, outcome.reports, options.rules)
    except OSError as exc:
        raise CleanerError(f"cannot write to {options.out}: {describe_os_error(exc)}") from exc
    return outcome


def _execute(outcome: Outcome, options: RunOptions, on_report, on_errors) -> None:
    work = outcome.plan
    with _cluster(options) as client, _Executors(options, client, work) as executors, ExitStack() as stack:
        corpus_rules = options.rules
        if options.learn is None:
            outcome.reports += clean_documents(work.documents, options, executors.get(options.rules), on_report)
        else:
            import tempfile  # here and in clean_corpora: a folder run starts without it (and shutil, bz2, lzma)

            from cleaner.run import learn

            scratch = Path(stack.enter_context(tempfile.TemporaryDirectory()))  # the mined packs
            found, packs, scoped = _learn_sites(work, options, client, scratch, outcome.notes)
            outcome.reports += learn.clean_files(
                work.documents, found, packs, options.rules,
                lambda jobs, spec: clean_documents(jobs, options, executors.get(spec), on_report))
            corpus_rules = learn.with_pack(options.rules, scoped)
        if work.corpora:
            outcome.reports += clean_corpora(work, options, executors.get(corpus_rules), on_errors)
    outcome.reports += work.failures


def _learn_sites(work: Plan, options: RunOptions, client, scratch: Path, notes: list[str]):
    """--learn-sites: mine every site in memory, write its packs into `scratch` (cleaner/run/learn.py)."""
    from cleaner.run import learn, mining

    try:
        found = learn.mine_sources(mining.Sources(work.sources), options.rules, options.learn,
                                   workers=mining.default_workers(options.jobs), client=client)
    except OSError as exc:
        raise CleanerError(f"cannot mine the sources: {describe_os_error(exc)}") from exc
    packs, scoped = learn.write_site_packs(found, scratch, options.learn)
    notes.append(f"learned {sum(r.rules() for r in found)} rules for {len(packs)} of "
                 f"{len(found)} sites")
    return found, packs, scoped


@contextmanager
def _cluster(options: RunOptions) -> Iterator[Any]:
    """The Dask client of a --engine dask run (None for the local engine)."""
    if not options.on_dask:
        yield None
        return
    from cleaner.run.distributed import connect

    with ExitStack() as stack:
        try:
            client = stack.enter_context(connect(options.scheduler, workers=options.jobs or None))
        except OSError as exc:
            raise CleanerError(f"cannot reach the Dask cluster: {exc}") from exc
        yield client


class _Executors:
    """One executor per rule spec (one, unless --learn-sites gives each site's files their own), all
    closed at the end, or stopped at once when the run is interrupted."""

    def __init__(self, options: RunOptions, client: Any, work: Plan) -> None:
        cores = os.cpu_count() or 1
        # A handful of files is not worth starting workers for; a corpus file holds many documents.
        documents = len(work.documents)
        self._workers = options.jobs or (cores if work.corpora else min(cores, max(1, documents // 16)))
        self._client = client
        self._made: dict[RuleSpec, Executor] = {}

    def get(self, spec: RuleSpec) -> Executor:
        if spec not in self._made:
            if self._client is not None:
                from cleaner.run.distributed import DaskExecutor

                self._made[spec] = DaskExecutor(self._client, spec.load())
            else:
                self._made[spec] = local_executor(spec, self._workers)
        return self._made[spec]

    def __enter__(self) -> _Executors:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        for executor in self._made.values():
            if exc_type is None:
                executor.close()
            else:
                executor.stop()


def clean_documents(jobs: list[Job], options: RunOptions, executor: Executor,
                    on_report: Callable[[Report], None] | None = None) -> list[Report]:
    """Every planned document, in plan order (whatever the executor).

    Workers on this machine leave each batch's outputs under their temporary names, and this process
    syncs and publishes them (`documents.publish`) once MAX_CHUNK documents came back, and at the end:
    a worker would otherwise wait for the disk once per batch (a sync took 5-15 ms here, 17 of them
    for 1,000 small documents), while this process has nothing else to do. Reports are passed on once
    their documents are published."""
    here = executor.same_machine
    fn = partial(_stage_chunk if here else _clean_chunk, out=str(options.out), dry_run=options.dry_run,
                 force=options.force, config=options.rules.config)
    reports: list[Report] = []
    held: list[Report] = []  # staged here, not yet published
    staged: list[StagedDocument] = []

    def release(done: list[Report]) -> None:
        for report in done:
            reports.append(report)
            if on_report is not None:
                on_report(report)

    for done in executor.map(fn, batches(jobs, executor.workers)):
        if not here:
            release(done)
            continue
        done, more = done
        held += done
        staged += more
        if len(held) >= MAX_CHUNK:
            publish(staged)
            release(held)
            held, staged = [], []
    publish(staged)
    release(held)
    return reports


def batches(jobs: list[Job], workers: int) -> Iterator[list[Job]]:
    """The documents in batches of at most MAX_CHUNK: equal ones for one worker, and for several, a
    quarter of what is left per worker, down to MIN_CHUNK, so the workers finish together: with equal
    batches, 1,000 documents made 17 of 62, and one of two workers cleaned a whole batch more."""
    size = max(1, min(MAX_CHUNK, len(jobs) // (workers * 8)))
    start = 0
    while start < len(jobs):
        if workers > 1:
            size = max(MIN_CHUNK, min(MAX_CHUNK, (len(jobs) - start) // (workers * 4)))
        yield jobs[start:start + size]
        start += size


def _clean_chunk(jobs, rules, *, out: str, dry_run: bool, force: bool, config: str | None) -> list[Report]:
    return clean_jobs(jobs, rules, out, dry_run, force, config)


def _stage_chunk(jobs, rules, *, out: str, dry_run: bool, force: bool, config: str | None):
    return stage_jobs(jobs, rules, out, dry_run, force, config)


def clean_corpora(work: Plan, options: RunOptions, executor: Executor, on_errors: OnErrors | None) -> list[Report]:
    """Every planned corpus file; one that cannot be read fails alone and the run goes on."""
    import tempfile

    from cleaner.run.corpus import clean_corpus  # here, not at the top: a folder run starts without it

    reports = []
    for job in work.corpora:
        with ExitStack() as stack:
            target = Path(stack.enter_context(tempfile.TemporaryDirectory())) if options.dry_run else options.out
            try:
                reports.append(clean_corpus(job, target, executor, provenance=options.provenance,
                                            on_errors=on_errors, keep=record_keep(options.rules.config, job.source)))
            except CleanerError as exc:
                reports.append(Report(job.source, error=str(exc), corpus=True))
            except OSError as exc:
                reports.append(Report(job.source, error=f"{job.source}: cannot write output: "
                                                        f"{describe_os_error(exc)}", corpus=True))
    return reports


MANIFEST_SCHEMA = "cleaner.manifest/1"  # the first line's "manifest" key; document lines have "source"


def write_manifest(out: Path, reports: list[Report], spec: RuleSpec | None = None) -> str | None:
    """Write OUT/manifest.jsonl; return a one-line error instead of raising when it cannot be written.

    Its first line describes the run's rule set once (`"manifest": MANIFEST_SCHEMA`: its packs, the
    configuration and the selection; each record names the rule set by hash), then one line per
    document or corpus file."""
    header = []
    if spec is not None:
        run = {"manifest": MANIFEST_SCHEMA, "ruleset": spec.load().describe(), "config": spec.config,
               "selection": spec.selection.describe()}
        header = [json.dumps(run, ensure_ascii=False, sort_keys=True) + "\n"]
    lines = "".join(header + [json.dumps(r.manifest(), ensure_ascii=False, sort_keys=True) + "\n" for r in reports])
    try:
        write_atomic(out / MANIFEST, utf8(lines))
    except OSError as exc:
        return f"cannot write {out / MANIFEST}: {describe_os_error(exc)}"
    return None
