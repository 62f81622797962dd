"""Mine site packs from folders and corpora: group documents by site, run the two mining reductions
(cleaner/authoring/mine.py) in this process or in worker processes, write packs. The same passes on
a Dask cluster are in cleaner/run/mining_dask.py.

A document's site is the host of its URL (a JSONL/Parquet record's `url` field, an HTML page's
metadata, a `page.url` sidecar beside `page.txt` or `page.full.txt`), without a leading `www.`; else the name of its
folder (for a corpus file: the file's name without its suffix). Work goes out in units (up to 64
files, or about 1 MB of corpus records); every unit is reduced to per-site counts, and counts are
merged by sums and minima, so the packs are the same whatever the order of the inputs and the number
of workers.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner.api import domain_of, load_document, site_host
from cleaner.authoring.mine import MinedLine, SiteEvidence, Thresholds, plan_site, propose, propose_blocks
from cleaner.authoring.mineblocks import MinedBlock
from cleaner.authoring.minecount import CountFold, SiteCounts, SitePlan
from cleaner.authoring.minepack import render_pack, render_report, site_name
from cleaner.errors import CleanerError
from cleaner.io.corpus_files import PARQUET_BATCH_ROWS, read_jsonl
from cleaner.io.files import run_id, write_atomic
from cleaner.lines import markdown_view
from cleaner.rules.ruleset import RuleSet
from cleaner.run.corpus import BATCH_BYTES
from cleaner.run.executor import chunked, init_worker, worker_rules
from cleaner.run.options import RuleSpec
from cleaner.run.plan import PARQUET_SUFFIX, corpus_name, is_corpus, plan

FILES_PER_UNIT = 64


@dataclass(frozen=True)
class SiteDocument:
    site: str
    text: str
    path: str | None = None  # for files: which site each file belongs to is kept (for --learn-sites)


@dataclass(frozen=True)
class Unit:
    """A piece of work: files to read, or corpus records (JSONL lines or Parquet rows) with their
    corpus name (the site of records without a URL)."""

    files: tuple[str, ...] = ()
    corpus: str = ""
    records: tuple[Any, ...] = ()


def site_of(url: str | None, folder: str) -> str:
    """The site a document belongs to: its URL's host without `www.`, else its folder's name."""
    host = domain_of(url) if url else None
    return (host or folder or "site").lower().removeprefix("www.")


class Sources:
    """The work units for some sources (files, folders, corpus files), read lazily: iterating twice
    reads the corpus files twice, so memory holds a unit at a time, never a corpus."""

    def __init__(self, sources: Sequence[str], out: str | None = None) -> None:
        self.corpora = [s for s in sources if is_corpus(s) and Path(s).is_file()]
        found = plan([s for s in sources if s not in self.corpora])
        self.skipped = found.skipped + [f.source for f in found.failures]
        self.files = [j.source for j in found.documents]

    def __iter__(self) -> Iterator[Unit]:
        for i in range(0, len(self.files), FILES_PER_UNIT):
            yield Unit(files=tuple(self.files[i:i + FILES_PER_UNIT]))
        for path in self.corpora:
            name = corpus_name(path)
            if str(path).lower().endswith(PARQUET_SUFFIX):
                yield from (Unit(corpus=name, records=tuple(rows)) for rows in parquet_rows(path))
            else:
                for chunk in chunked(read_jsonl(path), max_bytes=BATCH_BYTES, size=lambda item: len(item[1])):
                    yield Unit(corpus=name, records=tuple(line for _, line in chunk))


def parquet_rows(path: str) -> Iterator[list[dict]]:
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise CleanerError("Parquet needs pyarrow: pip install 'cleaner[parquet]'") from exc
    reader = pq.ParquetFile(path)
    columns = [c for c in ("text", "url") if c in reader.schema_arrow.names]
    for b in reader.iter_batches(batch_size=PARQUET_BATCH_ROWS, columns=columns):
        yield b.to_pylist()


def stem_host(path: str) -> str | None:
    """The host in `page.url` beside `page.full.txt`: a sidecar named after the file's name up to its
    first dot, when the name has several suffixes (a folder holding several texts of each page)."""
    name = Path(path).name
    if name.count(".") < 2 or name.startswith("."):
        return None
    return site_host(Path(path).with_name(name.split(".", 1)[0] + ".txt"))


def documents(unit: Unit) -> Iterator[SiteDocument]:
    """The unit's documents with their sites, as the rules read them (`markdown_view`: a mined line
    must be the line a rule meets). Unreadable documents and bad records are passed over (mining only
    counts; `cleaner clean` reports them). A hard-wrapped text's lines are mined one by one, though the
    engine reads its paragraphs whole (`engine.units`): a site's wrapped furniture is not learnt."""
    for path in unit.files:
        try:
            doc = load_document(path)
        except CleanerError:
            continue
        yield SiteDocument(site_of(doc.domain or stem_host(path), Path(path).resolve().parent.name),
                           markdown_view(doc.text), path)
    for raw in unit.records:
        record = raw
        if isinstance(raw, (bytes, str)):
            try:
                record = json.loads(raw)
            except ValueError:
                continue
        if isinstance(record, dict) and isinstance(record.get("text"), str) and record["text"].strip():
            url = record.get("url") if isinstance(record.get("url"), str) else None
            yield SiteDocument(site_of(url, unit.corpus), markdown_view(record["text"]))


def count_documents(docs: Iterable[SiteDocument]) -> dict[str, SiteCounts]:
    """Pass 1 over some documents. Exact duplicates within them count once (a page saved twice
    would otherwise make every one of its lines repeat)."""
    counts: dict[str, SiteCounts] = {}
    seen: set[tuple[str, str]] = set()
    for doc in docs:
        if (doc.site, doc.text) in seen:
            continue
        seen.add((doc.site, doc.text))
        counts.setdefault(doc.site, SiteCounts()).add_page(doc.text)
        if doc.path:
            counts[doc.site].files.append(doc.path)
    return counts


def observe_documents(docs: Iterable[SiteDocument], plans: dict[str, SitePlan], rules: RuleSet
                      ) -> dict[str, SiteEvidence]:
    """Pass 2 over some documents (duplicates within them once, as in pass 1)."""
    evidence: dict[str, SiteEvidence] = {}
    seen: set[tuple[str, str]] = set()
    for doc in docs:
        if (doc.site, doc.text) in seen or doc.site not in plans:
            continue
        seen.add((doc.site, doc.text))
        plan = plans[doc.site]
        evidence.setdefault(doc.site, SiteEvidence()).add_page(doc.text, plan, rules)
    return evidence


def merge_sites(parts: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Merge per-site partial results (SiteCounts or SiteEvidence) by site."""
    merged: dict[str, Any] = {}
    for part in parts:
        for site, value in part.items():
            merged[site] = merged[site].merge(value) if site in merged else value
    return merged


@dataclass(frozen=True)
class SiteResult:
    site: str
    pages: int
    layouts: int
    mined: list[MinedLine]
    files: tuple[str, ...] = ()  # the site's files (sources given as files or folders)
    blocks: tuple[MinedBlock, ...] = ()
    whole_pages: dict[str, int] | None = None  # SiteEvidence.whole_pages

    def rules(self) -> int:
        """How many rules the site's pack proposes (lines and blocks)."""
        return sum(1 for m in self.mined if m.proposed) + len(self.blocks)


def plans_for(counts: dict[str, SiteCounts], thresholds: Thresholds) -> dict[str, SitePlan]:
    """Sites with at least `min_pages` pages (one page alone teaches nothing) and what pass 2 needs."""
    return {site: plan_site(c, thresholds) for site, c in counts.items() if c.pages >= thresholds.min_pages}


def results(counts: dict[str, SiteCounts], evidence: dict[str, SiteEvidence], plans: dict[str, SitePlan],
            thresholds: Thresholds) -> list[SiteResult]:
    """Every site, by name: what was mined (nothing for a site with too few pages) and its files."""
    found = []
    for site, c in sorted(counts.items()):
        ev = evidence.get(site)
        mined = propose(ev, thresholds) if ev is not None else []
        blocks = tuple(propose_blocks(ev, mined, thresholds)) if ev is not None else ()
        found.append(SiteResult(site, c.pages, len(plans[site].leaders) if site in plans else 0, mined,
                                tuple(sorted(c.files)), blocks, ev.whole_pages(thresholds) if ev is not None else None))
    return found


# -- local engine: this process or a pool of worker processes ------------------------------------------

def mine_local(work: Iterable[Unit], spec: RuleSpec, thresholds: Thresholds, workers: int = 1
               ) -> list[SiteResult]:
    """Both passes over `work` (iterated once per pass) with `workers` processes (1: this process);
    `spec` gives the default rules, which tell body lines from the rest."""
    fold = CountFold()
    if workers <= 1:
        for unit in work:
            fold.add(_count_unit(unit))
        plans = plans_for(fold.sites, thresholds)
        rules = spec.load()
        evidence = merge_sites(observe_documents(documents(u), plans, rules) for u in work)
        return results(fold.sites, evidence, plans, thresholds)
    # Workers die with this process (init_worker); they load the rules once, which pass 1 does not need.
    with ProcessPoolExecutor(workers, initializer=init_worker, initargs=(spec, run_id(), os.getpid())) as pool:
        for counted in _bounded(pool, _count_unit, work, 2 * workers):
            fold.add(counted)
    plans = plans_for(fold.sites, thresholds)
    # The plans reach each worker once, with the rules (not with every unit).
    with ProcessPoolExecutor(workers, initializer=_init_observer, initargs=(spec, plans, run_id(), os.getpid())
                             ) as pool:
        evidence = merge_sites(_bounded(pool, _observe_unit, work, 2 * workers))
    return results(fold.sites, evidence, plans, thresholds)


def _bounded(pool: ProcessPoolExecutor, fn: Callable, work: Iterable[Unit], window: int) -> Iterator[Any]:
    """fn over `work` in the pool with at most `window` units in flight (results in any order: they
    are merged by sums and minima)."""
    pending: set[Future] = set()
    for unit in work:
        pending.add(pool.submit(fn, unit))
        if len(pending) >= window:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            yield from (f.result() for f in done)
    for future in pending:
        yield future.result()


_worker_plans: dict[str, SitePlan] = {}


def _init_observer(spec: RuleSpec, plans: dict[str, SitePlan], run: str, parent: int) -> None:
    init_worker(spec, run, parent)
    _worker_plans.update(plans)


def _count_unit(unit: Unit) -> dict[str, SiteCounts]:
    return count_documents(documents(unit))


def _observe_unit(unit: Unit) -> dict[str, SiteEvidence]:
    return observe_documents(documents(unit), _worker_plans, worker_rules())


# -- packs ---------------------------------------------------------------------------------------------

def pack_file_name(site: str) -> str:
    return site_name(site) + ".toml"


def write_packs(found: Sequence[SiteResult], out: str | Path, thresholds: Thresholds, *, scoped: bool = True
                ) -> dict[str, Path]:
    """One pack per site with at least one line found, written atomically into `out`: {site: path}."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    for result in found:
        if not any(m.proposed for m in result.mined):
            continue
        path = out / pack_file_name(result.site)
        text = render_pack(result.site, result.mined, thresholds, scoped=scoped, blocks=result.blocks,
                           whole_pages=result.whole_pages)
        write_atomic(path, text.encode("utf-8"))
        written[result.site] = path
    return written


def report(found: Sequence[SiteResult]) -> list[str]:
    lines = []
    for result in found:
        lines += render_report(result.site, result.pages, result.layouts, result.mined, blocks=result.blocks,
                               whole_pages=result.whole_pages)
    return lines


def default_workers(jobs: int) -> int:
    return jobs or (os.cpu_count() or 1)
