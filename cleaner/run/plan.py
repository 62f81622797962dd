"""Plan a run before anything is written: every input, every output path, and the checks that make
losing a user's file impossible by construction.

Inputs: a folder is walked (iteratively, sorted) for documents; a file argument is a document or a
corpus file. Never inputs: files cleaner writes (`*.provenance.json`, `*.provenance.jsonl`,
`manifest.jsonl`, temporary files, the lock) and folders an earlier run wrote into as its OUT
(they hold the lock file). Directory links are not descended and a file link whose target lies
outside its SRC folder is not followed, unless `follow_symlinks` (a named file is always read).

Refused, before anything runs (PlanError, naming both paths): two inputs writing one output (a
document's, a record's, a corpus's, or the manifest); an output landing on any file met in the
sources; an output written inside a source folder (other than into an OUT that sits inside it);
an existing OUT inside a source folder that holds documents cleaner did not write; and, in an
existing folder that is not a cleaner OUT, an output that would replace a file already there.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.api import HTML_SUFFIXES, TEXT_SUFFIXES
from cleaner.errors import CleanerError
from cleaner.io.files import (
    CORPUS_RECORD_SUFFIX,
    LOCK_NAME,
    MANIFEST,
    RECORD_SUFFIX,
    is_output_folder,
    is_tool_file,
    shown,
    walk,
)
from cleaner.run.report import Report

SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")
PARQUET_SUFFIX = ".parquet"
CORPUS_SUFFIXES = (*JSONL_SUFFIXES, PARQUET_SUFFIX)


class PlanError(CleanerError):
    """The inputs cannot be cleaned as asked (e.g. an output would replace an input); nothing was written."""


@dataclass(frozen=True)
class Job:
    """One document: where it is read from and where its outputs go (relative to OUT)."""

    source: str
    output: str
    provenance: str


@dataclass(frozen=True)
class CorpusJob:
    """One corpus file: JSONL (optionally gzipped) or Parquet, and its outputs (relative to OUT)."""

    source: str
    output: str
    provenance: str | None  # None: the provenance goes into each record

    @property
    def parquet(self) -> bool:
        return self.source.lower().endswith(PARQUET_SUFFIX)


@dataclass
class Plan:
    documents: list[Job] = field(default_factory=list)
    corpora: list[CorpusJob] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files that are not documents
    notes: list[str] = field(default_factory=list)  # what was left out on purpose, and why
    failures: list[Report] = field(default_factory=list)  # folders that could not be read
    protected: dict[str, str] = field(default_factory=dict)  # real path -> a file met in the sources
    roots: list[Path] = field(default_factory=list)  # source folders, resolved
    sources: list[str] = field(default_factory=list)  # as given


def is_corpus(path: str | Path) -> bool:
    """Whether `path` names a corpus file (.jsonl, .jsonl.gz, .parquet) rather than one document."""
    return str(path).lower().endswith(CORPUS_SUFFIXES)


def corpus_name(path: str | Path) -> str:
    """The file name without its corpus suffix: data/web.jsonl.gz -> web."""
    name = Path(str(path)).name
    for suffix in CORPUS_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def corpus_job(src: str | Path, provenance: str = "file") -> CorpusJob:
    name = corpus_name(src)
    parquet = str(src).lower().endswith(PARQUET_SUFFIX)
    record = name + CORPUS_RECORD_SUFFIX if provenance == "file" or parquet else None
    return CorpusJob(str(src), name + (PARQUET_SUFFIX if parquet else ".jsonl"), record)


def plan(sources: Sequence[str], out: str | Path | None = None, *, provenance: str = "file",
         follow_symlinks: bool = False) -> Plan:
    """Every input and output of a run, checked (see the module docstring); raises PlanError.
    Without `out`, only the inputs: the documents `cleaner clean` would take from `sources`."""
    out_real = Path(os.path.realpath(out)) if out is not None else None
    result = Plan(sources=list(sources))
    for src in map(Path, sources):
        if src.is_dir():
            _walk_folder(src, result, out_real, follow_symlinks)
        elif src.exists():
            _protect(result, src)
            _add_file(src, Path(src.name), result, provenance)
        else:
            raise PlanError(f"{shown(str(src))}: no such file or directory")
    result.documents.sort(key=lambda j: j.output)
    result.skipped = sorted(_not_sidecars(result.skipped, result.documents))
    if out_real is not None:
        _check(result, out_real)
    return result


def _not_sidecars(skipped: list[str], documents: list[Job]) -> list[str]:
    """`skipped` without the `.url` sidecars of planned documents (page.url beside page.txt names the
    page's URL, which selects site packs): they are read with their document, not left out."""
    stems = {os.path.splitext(job.source)[0] for job in documents}
    return [s for s in skipped if not (s.lower().endswith(".url") and os.path.splitext(s)[0] in stems)]


def _protect(result: Plan, path: Path) -> None:
    result.protected.setdefault(os.path.realpath(path), str(path))


def _add_file(path: Path, rel: Path, result: Plan, provenance: str, *, named: bool = True) -> None:
    if is_tool_file(path.name):
        if named:
            result.notes.append(f"{path}: written by cleaner, not an input; left out")
        return
    if named and is_corpus(path):
        result.corpora.append(corpus_job(path, provenance))
        return
    suffix = rel.suffix.lower()
    if suffix not in SUFFIXES:
        result.skipped.append(str(path))
        return
    name = rel.with_suffix(".txt") if suffix in HTML_SUFFIXES else rel
    result.documents.append(Job(str(path), name.as_posix(), rel.with_suffix(RECORD_SUFFIX).as_posix()))


def _walk_folder(src: Path, result: Plan, out_real: Path | None, follow: bool) -> None:
    root = Path(os.path.realpath(src))
    result.roots.append(root)
    info = root.stat()
    seen = {(info.st_dev, info.st_ino)}

    def on_error(exc: OSError) -> None:
        result.failures.append(Report(str(exc.filename), error=f"{exc.filename}: cannot read directory: "
                                                               f"{exc.strerror}"))

    def descend(entry: os.DirEntry) -> bool:
        if entry.is_symlink() and not (follow and entry.is_dir()):
            return False
        if not entry.is_dir():
            return False
        info = entry.stat()
        if (info.st_dev, info.st_ino) in seen:  # a loop of followed links
            return False
        seen.add((info.st_dev, info.st_ino))
        real = Path(os.path.realpath(entry.path))
        return not (is_output_folder(real) and real != root) and not (real == out_real and _ours(out_real))

    for folder, entries in walk(src, on_error=on_error, descend=descend):
        real_folder = os.path.realpath(folder)
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                continue  # a folder not walked: an earlier run's OUT
            path = Path(entry.path)
            if entry.is_symlink():
                if not _follow_link(path, root, follow, result):
                    continue
                _protect(result, path)
            else:  # its real path is its folder's and its name (realpath of each file cost a tenth of planning)
                result.protected.setdefault(os.path.join(real_folder, entry.name), str(path))
            _add_file(path, path.relative_to(src), result, "file", named=False)


def _follow_link(path: Path, root: Path, follow: bool, result: Plan) -> bool:
    """Whether a link met in a walk is read: a dangling one is (and fails), a folder link is not (it
    was not descended), one pointing outside its SRC folder only with --follow-symlinks."""
    target = Path(os.path.realpath(path))
    if not target.exists():
        return True
    if target.is_dir():
        return False
    if follow or target.is_relative_to(root):
        return True
    result.notes.append(f"{path}: links outside {root} (to {target}); not followed (--follow-symlinks reads it)")
    return False


def _ours(out: Path) -> bool:
    """Whether an existing OUT is one cleaner wrote into (it holds the lock file cleaner leaves)."""
    return is_output_folder(out)


def _outputs(result: Plan) -> list[tuple[str, str]]:
    """(path relative to OUT, source) for every file the run may write."""
    pairs = []
    for job in result.documents:
        pairs += [(job.output, job.source), (job.provenance, job.source)]
    for corpus in result.corpora:
        pairs += [(rel, corpus.source) for rel in (corpus.output, corpus.provenance) if rel]
    return pairs + [(MANIFEST, "the manifest"), (LOCK_NAME, "the lock")]  # after the documents': named first


def _check(result: Plan, out: Path) -> None:
    owners: dict[str, str] = {}
    exists = out.is_dir()
    ours = exists and _ours(out)
    base = str(out)
    # The source folders an output must not land in: all but those holding OUT itself (an OUT inside a
    # source folder is checked by `_check_out_holds_no_inputs`). Compared as strings (both sides are
    # absolute and normalised): pathlib's parsing was half of planning 1,000 small documents.
    roots = [str(root) for root in result.roots if not (out.is_relative_to(root) and out != root)]
    for rel, source in _outputs(result):
        target = os.path.normpath(os.path.join(base, rel))
        key = os.path.normcase(target)
        if key in owners and owners[key] != source:
            raise PlanError(f"{shown(owners[key])} and {shown(source)} would both write {shown(target)}; rename "
                            "one or clean them into separate output folders")
        owners[key] = source
        if target in result.protected:
            raise PlanError(f"{shown(source)}: its output {shown(target)} would overwrite the input "
                            f"{shown(result.protected[target])}; choose an -o outside the sources")
        _check_not_in_sources(roots, source, target)
        if exists and not ours and os.path.lexists(target):
            raise PlanError(f"{shown(source)}: its output {shown(target)} would replace a file cleaner did not "
                            f"write ({shown(str(out))} holds no {LOCK_NAME}); choose a new or empty -o (an OUT "
                            f"of an earlier cleaner version: add an empty {LOCK_NAME} to it)")
    _check_out_holds_no_inputs(result, out, ours)


def _check_not_in_sources(roots: list[str], source: str, target: str) -> None:
    for root in roots:
        if target == root or target.startswith(root if root.endswith("/") else root + "/"):
            raise PlanError(f"{shown(source)}: its output {shown(target)} would be written inside the "
                            f"source folder {shown(root)}; choose an -o outside it")


def _check_out_holds_no_inputs(result: Plan, out: Path, ours: bool) -> None:
    roots = [root for root in result.roots if out.is_relative_to(root) and out != root]
    if ours or not roots:
        return
    for job in result.documents:
        if Path(os.path.realpath(job.source)).is_relative_to(out):
            raise PlanError(f"{shown(str(out))} lies inside the source folder {shown(str(roots[0]))} and holds "
                            f"{shown(job.source)}, which cleaner did not write; choose an -o outside "
                            f"{shown(str(roots[0]))}, or a new folder")
