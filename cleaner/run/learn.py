"""`cleaner clean --learn-sites`: mine each site's pages in memory, then clean every page with the
default rules plus its site's mined pack, in one run.

The packs are written into a scratch folder exactly as `cleaner mine` writes them and loaded like any
pack, so each removal by a mined rule names the rule and cites its evidence in the provenance record.
Files are cleaned site by site, each site's files with the rule set plus that site's pack (so a site
found from a folder name needs no URL); corpus records carry their own `url`, so corpora are
cleaned with every site's pack scoped to its site. Reports come back in the order of the plan, so
the manifest is the same whatever the number of workers or the order of the inputs.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from cleaner.authoring.mine import Thresholds
from cleaner.run.mining import SiteResult, Sources, mine_local, write_packs
from cleaner.run.mining_dask import mine_bag, units_bag
from cleaner.run.options import RuleSpec
from cleaner.run.plan import Job
from cleaner.run.report import Report


def mine_sources(sources: Sources, spec: RuleSpec, thresholds: Thresholds, *, workers: int = 1,
                 client: Any = None) -> list[SiteResult]:
    """Mine `sources` with the local engine, or on the Dask cluster of `client`."""
    if client is None:
        return mine_local(sources, spec, thresholds, workers)
    return mine_bag(units_bag(sources), spec.load(), thresholds)


def with_pack(spec: RuleSpec, pack: str | Path | None) -> RuleSpec:
    """`spec` with one more pack (selection, timeouts and the rest kept)."""
    return spec if pack is None else dataclasses.replace(spec, paths=(*spec.paths, str(pack)))


def clean_files(jobs: Sequence[Job], found: Sequence[SiteResult], packs: dict[str, Path], spec: RuleSpec,
                run_group: Callable[[list[Job], RuleSpec], list[Report]]) -> list[Report]:
    """Clean `jobs` site by site (`run_group` cleans some jobs with a rule spec); reports in job order."""
    site_of_file = {f: r.site for r in found for f in r.files}
    groups: dict[str, list[Job]] = defaultdict(list)
    for job in jobs:
        pack = packs.get(site_of_file.get(job.source, ""))
        groups[str(pack) if pack else ""].append(job)
    reports: list[Report] = []
    for pack in sorted(groups):
        reports += run_group(groups[pack], with_pack(spec, pack or None))
    order = {j.output: i for i, j in enumerate(jobs)}
    return sorted(reports, key=lambda r: order.get(r.output, len(order)))


def write_site_packs(found: Sequence[SiteResult], folder: str | Path, thresholds: Thresholds
                     ) -> tuple[dict[str, Path], Path]:
    """Packs for files (unscoped: the files of a site are cleaned together) and, in a subfolder, the
    same packs scoped to their sites for corpus records. Returns ({site: pack}, scoped folder)."""
    unscoped = write_packs(found, Path(folder, "sites"), thresholds, scoped=False)
    scoped_dir = Path(folder, "scoped")
    write_packs(found, scoped_dir, thresholds, scoped=True)
    return unscoped, scoped_dir
