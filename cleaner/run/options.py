"""What a run is asked to do: the rule set's spec and one options object for every runner."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.authoring.thresholds import Thresholds
from cleaner.rules.loader import default_rules_dir, load_rules
from cleaner.rules.ruleset import DEFAULT_DOC_TIMEOUT, DEFAULT_TIMEOUT, RuleSet
from cleaner.rules.select import Selection

PROVENANCE_MODES = ("file", "field")
ENGINES = ("local", "dask")


@dataclass(frozen=True)
class RuleSpec:
    """How workers load the rule set (a RuleSet is rebuilt per process, not pickled per job)."""

    paths: tuple[str, ...] = ()
    defaults: bool = True
    timeout: float = DEFAULT_TIMEOUT
    selection: Selection = Selection()  # profile, select and ignore
    config: str | None = None  # the pyproject.toml the settings came from (recorded in the manifest)
    doc_timeout: float = DEFAULT_DOC_TIMEOUT

    def load(self) -> RuleSet:
        """The rule set. Loaded once per process for this spec while its rule files are unchanged:
        compiling a pack's patterns is most of its cost, and a CLI run loads the rules first to fail
        fast on a bad pack, then again in the runner."""
        global _last_loaded
        key = (self, _rule_files_state(self))
        if _last_loaded is None or _last_loaded[0] != key:
            _last_loaded = key, load_rules(self.paths, defaults=self.defaults, timeout=self.timeout,
                                           selection=self.selection, doc_timeout=self.doc_timeout)
        return _last_loaded[1]


_last_loaded: tuple[tuple, RuleSet] | None = None


def _rule_files_state(spec: RuleSpec) -> tuple:
    """(absolute path, file identity, size, mtime) of every rule file the spec reads (as the loader
    finds them), so an edited or replaced pack is loaded again, and a relative path (`--rules rules/`,
    a configuration's `rules`) names the files of the working directory of each load, not of the first."""
    roots = [*map(Path, spec.paths), *([default_rules_dir()] if spec.defaults else [])]
    files = [f.absolute() for root in roots for f in ([root] if not root.is_dir() else sorted(root.glob("*.toml")))]
    state = []
    for f in files:
        try:
            info = f.stat()
        except OSError:
            state.append((str(f), None))
            continue
        state.append((str(f), info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns))
    return tuple(state)


@dataclass(frozen=True)
class LoadedRules:
    """A rule set the caller already loaded, standing in for a RuleSpec: worker processes get it
    pickled once each (by the pool's initializer), so they run exactly these rules, selection and all."""

    ruleset: RuleSet

    def load(self) -> RuleSet:
        return self.ruleset


RuleSource = RuleSet | RuleSpec | Sequence[str | Path] | None


def rule_source(rules: RuleSource) -> RuleSpec | LoadedRules:
    """What runners load rules from, given a library caller's `rules`: a loaded RuleSet (used as is), a
    RuleSpec, rule pack paths (loaded on top of the bundled packs), or None (the bundled packs)."""
    if isinstance(rules, RuleSet):
        return LoadedRules(rules)
    if isinstance(rules, RuleSpec):
        return rules
    if isinstance(rules, str | Path):
        raise TypeError("rules= takes a RuleSet, a RuleSpec or a list of rule pack paths, e.g. ['my_rules/']")
    return RuleSpec(tuple(str(p) for p in rules or ()))


@dataclass(frozen=True)
class RunOptions:
    """Everything `cleaner clean` passes to the runners.

    `jobs` 0 means one worker per core (fewer for a few documents); `provenance` is where a JSONL
    corpus's records go ("file": a parallel NAME.provenance.jsonl, "field": in each record);
    `learn` holds the mining thresholds of --learn-sites.
    """

    out: Path
    rules: RuleSpec = field(default_factory=RuleSpec)
    jobs: int = 1
    dry_run: bool = False
    force: bool = False
    engine: str = "local"
    scheduler: str | None = None
    provenance: str = "file"
    follow_symlinks: bool = False
    learn: Thresholds | None = None  # --learn-sites: mine each site's furniture first, clean with it too

    def __post_init__(self) -> None:
        if self.provenance not in PROVENANCE_MODES:
            raise ValueError(f"provenance must be one of {PROVENANCE_MODES}")
        if self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}")

    @property
    def on_dask(self) -> bool:
        return self.engine == "dask" or bool(self.scheduler)
