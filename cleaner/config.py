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
```

A document can also carry its keep list beside it: `NAME.keep.toml` next to `NAME.txt`, holding
`keep = [{ text = "...", rule = "..." }]` (or `[[keep]]` tables). Both lists apply.
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

from cleaner.engine.keep import KeepEntry, KeepError, parse_entries
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
        entries: list[KeepEntry] = []
        if self.keep and self.path is not None:
            try:
                rel = Path(document).resolve().relative_to(self.path.parent.resolve()).as_posix()
            except ValueError:
                rel = None
            if rel is not None:
                for pattern, found in self.keep.items():
                    if rel == pattern or fnmatch.fnmatchcase(rel, pattern):
                        entries += found
        return tuple(entries) + sidecar_keep(Path(document))

    def describe(self) -> dict[str, Any] | None:
        """What provenance and the manifest record of the configuration used (None: none found)."""
        return None if self.path is None else {"path": str(self.path)}


@lru_cache(maxsize=4)
def _config_at(path: str | None) -> Config:
    return load_config(path) if path is not None else Config()


def keep_entries(config_path: str | None, document: str | Path) -> tuple[KeepEntry, ...]:
    """A document's keep entries: those of the configuration at `config_path` (None: none) and its
    sidecar's. The configuration is read once per process (runners call this per document)."""
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
