"""Project configuration: `[tool.cleaner]` in a `pyproject.toml`, and per-document keep lists.

`find_config()` looks from the working directory upward and stops at the first `pyproject.toml`
that has a `[tool.cleaner]` table, or at the repository root (a folder holding `.git`), so the
command line, the pre-commit hook (which runs at the repository root) and a library call made with
`cleaner.config.load_config()` agree. The library never reads a configuration on its own:
`cleaner.clean(text)` means the bundled rules whatever the working directory; a caller who wants
the project's settings asks for them (`load_config().load_rules()`).

```toml
[tool.cleaner]
rules = ["rules/"]            # extra packs, relative to this file
default-rules = true          # load the bundled packs
select = ["ALL"]              # rule ids, pack ids or categories (see `cleaner rules list`)
ignore = ["share", "image-credit"]
profile = "article"           # or "body"
timeout = 1.0                 # seconds per regex call
doc-timeout = 5.0             # seconds per document, all rules together

[tool.cleaner.keep]           # per document (a path relative to this file, or a glob)
"seeds/interview.txt" = [{ text = "Photo: Jane Doe", rule = "image-credit" }]
"data/web.jsonl#rec-17" = [{ text = "Photo: Jane Doe" }]   # one record of a corpus file
"data/*.parquet#*" = [{ hash = "c99644afd88c" }]            # every record of some corpus files
```

A document can also carry its keep list beside it: `NAME.keep.toml` next to `NAME.txt`, holding
`keep = [{ text = "...", rule = "..." }]` (or `[[keep]]` tables). Both lists apply.

Records of a corpus file (JSONL, Parquet) are named `FILE#RECORD`: the part before the first `#` is
the corpus file (a path or glob, as for documents), the rest the record's name, its `id` field as
text, or its 1-based line (JSONL) or row (Parquet) when it has no `id` (a glob: `#*` for every
record); a key naming the corpus file without `#` applies to every record. The corpus file's own
sidecar (`web.keep.toml` beside `web.jsonl`) holds `keep = [...]` for every record and a
`[records]` table of record name to entries (`"rec-17" = [{ text = "..." }]`).
"""

from __future__ import annotations

import fnmatch
import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from cleaner.engine.keep import KeepEntry, KeepError, RecordKeep, parse_entries
from cleaner.errors import CleanerError
from cleaner.rules.loader import load_rules
from cleaner.rules.ruleset import DEFAULT_DOC_TIMEOUT, DEFAULT_TIMEOUT, RuleSet
from cleaner.rules.select import DEFAULT_PROFILE, Layer, Selection, check_profile

PYPROJECT = "pyproject.toml"
KEEP_SUFFIX = ".keep.toml"
KEYS = {"rules", "default-rules", "select", "ignore", "profile", "timeout", "doc-timeout", "keep"}


class ConfigError(CleanerError):
    """A `[tool.cleaner]` table or keep file that cannot be used; the message names the file."""


@dataclass(frozen=True)
class Config:
    """Settings from one `[tool.cleaner]` table (or the defaults, `path=None`)."""

    path: Path | None = None
    rules: tuple[str, ...] = ()  # absolute, or relative to the working directory
    default_rules: bool = True
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    profile: str = DEFAULT_PROFILE
    timeout: float = DEFAULT_TIMEOUT
    doc_timeout: float = DEFAULT_DOC_TIMEOUT
    keep: dict[str, tuple[KeepEntry, ...]] = field(default_factory=dict)  # pattern -> entries

    @property
    def layer(self) -> Layer | None:
        """This file's select/ignore, as the first layer of a selection."""
        if self.select is None and not self.ignore:
            return None
        return Layer(self.select, self.ignore, str(self.path))

    def selection(self) -> Selection:
        return Selection((self.layer,) if self.layer else (), self.profile)

    def load_rules(self) -> RuleSet:
        """The rule set this configuration describes."""
        return load_rules(self.rules, defaults=self.default_rules, timeout=self.timeout, doc_timeout=self.doc_timeout,
                          selection=self.selection())

    def keep_for(self, document: str | Path) -> tuple[KeepEntry, ...]:
        """The keep entries for `document`: the configuration's, then its sidecar's."""
        entries = [e for pattern, found in self._keep_of(document) if "#" not in pattern for e in found]
        return tuple(entries) + sidecar_keep(Path(document))

    def keep_for_records(self, corpus: str | Path) -> RecordKeep:
        """The keep entries for the records of the corpus file `corpus`, by record name pattern: the
        configuration's `FILE#RECORD` keys (and `FILE` keys: every record), then its sidecar's."""
        patterns = [(pattern.partition("#")[2] if "#" in pattern else "*", found)
                    for pattern, found in self._keep_of(corpus)]
        return RecordKeep(tuple(patterns) + sidecar_record_keep(Path(corpus)))

    def _keep_of(self, document: str | Path) -> list[tuple[str, tuple[KeepEntry, ...]]]:
        """The (key, entries) of `[tool.cleaner.keep]` whose file part (before any `#`) names `document`."""
        if not self.keep or self.path is None:
            return []
        try:
            rel = Path(document).resolve().relative_to(self.path.parent.resolve()).as_posix()
        except ValueError:
            return []
        return [(key, found) for key, found in self.keep.items()
                if rel == (name := key.partition("#")[0]) or fnmatch.fnmatchcase(rel, name)]

    def describe(self) -> dict[str, Any] | None:
        """What provenance and the manifest record of the configuration used (None: none found)."""
        return None if self.path is None else {"path": str(self.path)}


def _config_at(path: str | None) -> Config:
    """The configuration at `path`, read again only when the file changed (by size and mtime)."""
    if path is None:
        return Config()
    try:
        stat = os.stat(path)
    except OSError:
        return load_config(path)  # raises, naming the file
    return _config_read(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=4)
def _config_read(path: str, mtime_ns: int, size: int) -> Config:
    return load_config(path)


def record_keep(config_path: str | None, corpus: str | Path) -> RecordKeep:
    """A corpus file's record keep entries (`Config.keep_for_records`), from the configuration at
    `config_path` (None: none), read again only when that file changes."""
    return _config_at(config_path).keep_for_records(corpus)


def keep_entries(config_path: str | None, document: str | Path) -> tuple[KeepEntry, ...]:
    """A document's keep entries: those of the configuration at `config_path` (None: none) and its
    sidecar's. The configuration is read once and again only when it changes (runners call this per document)."""
    return _config_at(config_path).keep_for(document)


def find_config(start: str | Path | None = None) -> Path | None:
    """The `pyproject.toml` with a `[tool.cleaner]` table nearest above `start` (default: the working
    directory), not looking past the repository root; None when there is none."""
    folder = Path(start or os.getcwd()).resolve()
    for candidate in (folder, *folder.parents):
        path = candidate / PYPROJECT
        if path.is_file() and "cleaner" in _read_toml(path).get("tool", {}):
            return path
        if (candidate / ".git").exists():
            return None
    return None


def load_config(path: str | Path | None = None, *, start: str | Path | None = None,
                isolated: bool = False) -> Config:
    """The configuration at `path` (a pyproject.toml), or the one `find_config(start)` finds, or the
    defaults (`isolated=True`: always the defaults, as `--isolated` does)."""
    if isolated:
        return Config()
    found = Path(path) if path is not None else find_config(start)
    if found is None:
        return Config()
    table = _read_toml(found).get("tool", {}).get("cleaner")
    if table is None:
        if path is not None:
            raise ConfigError(f"{found}: no [tool.cleaner] table")
        return Config()
    return _parse(found, table)


def _parse(path: Path, table: Any) -> Config:
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.cleaner] must be a table")
    unknown = sorted(set(table) - KEYS)
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {unknown} in [tool.cleaner]; allowed: {sorted(KEYS)}")
    base = path.parent
    rules = tuple(os.path.relpath(base / p) if not Path(p).is_absolute() else p
                  for p in _strings(path, table, "rules", []))
    select = table.get("select")
    profile = table.get("profile", DEFAULT_PROFILE)
    timeout = _seconds(path, table, "timeout", DEFAULT_TIMEOUT)
    doc_timeout = _seconds(path, table, "doc-timeout", DEFAULT_DOC_TIMEOUT)
    if not isinstance(profile, str):
        raise ConfigError(f"{path}: profile must be a string")
    try:
        check_profile(profile)
    except CleanerError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    if not isinstance(table.get("default-rules", True), bool):
        raise ConfigError(f"{path}: default-rules must be true or false")
    keep = table.get("keep", {})
    if not isinstance(keep, dict):
        raise ConfigError(f"{path}: [tool.cleaner.keep] must map document paths to keep lists")
    try:
        entries = {pattern: parse_entries(items, f"{path} [tool.cleaner.keep] {pattern!r}")
                   for pattern, items in keep.items()}
    except KeepError as exc:
        raise ConfigError(str(exc)) from None
    return Config(path=path, rules=rules, default_rules=table.get("default-rules", True),
                  select=None if select is None else _strings(path, table, "select", []),
                  ignore=_strings(path, table, "ignore", []), profile=profile, timeout=timeout,
                  doc_timeout=doc_timeout, keep=entries)


def _seconds(path: Path, table: dict, key: str, default: float) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 3600:
        raise ConfigError(f"{path}: {key} must be a number of seconds between 0 and 3600")
    return float(value)


def _strings(path: Path, table: dict, key: str, default: Sequence[str]) -> tuple[str, ...]:
    value = table.get(key, default)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: {key} must be a list of strings")
    return tuple(value)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc


def sidecar_path(document: Path) -> Path:
    """`NAME.keep.toml` beside `NAME.txt` (or `NAME.html`)."""
    return document.with_name(document.stem + KEEP_SUFFIX)


def sidecar_keep(document: Path) -> tuple[KeepEntry, ...]:
    """The entries of the document's `NAME.keep.toml`, if it has one."""
    path = sidecar_path(document)
    if not path.is_file():
        return ()
    data = _read_toml(path)
    unknown = sorted(set(data) - {"keep"})
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {unknown}; a keep file holds keep = [...] only")
    try:
        return parse_entries(data.get("keep", []), str(path))
    except KeepError as exc:
        raise ConfigError(str(exc)) from None


def sidecar_record_keep(corpus: Path) -> tuple[tuple[str, tuple[KeepEntry, ...]], ...]:
    """The (record name pattern, entries) of a corpus file's `NAME.keep.toml` (`web.keep.toml` beside
    `web.jsonl`, `web.jsonl.gz` or `web.parquet`): `keep = [...]` for every record ("*"), and a
    `[records]` table of record name to entries."""
    path = sidecar_path(corpus.with_suffix("") if corpus.suffix == ".gz" else corpus)
    if not path.is_file():
        return ()
    data = _read_toml(path)
    unknown = sorted(set(data) - {"keep", "records"})
    records = data.get("records", {})
    if unknown or not isinstance(records, dict):
        raise ConfigError(f"{path}: a corpus file's keep file holds keep = [...] and a [records] table "
                          "of record name to keep lists only")
    try:
        found = [("*", parse_entries(data["keep"], str(path)))] if "keep" in data else []
        found += [(str(name), parse_entries(items, f"{path} [records] {name!r}")) for name, items in records.items()]
    except KeepError as exc:
        raise ConfigError(str(exc)) from None
    return tuple(found)
