"""The on-disk cache of compiled Hyperscan databases (see `hyperscan_prefilter.LinePrefilter`).

A cache file is one header line, then the serialized database. The header holds the pattern keys
in database order (a match's id is an index into them) and a digest binding them to the database:
a header changed in any way (valid JSON, keys reordered) would credit matches to the wrong
patterns, so it is refused and the database compiled again. Only a cache: a missing, unwritable or
damaged one never changes a result.
"""

from __future__ import annotations

import hashlib
import json
import platform
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import regex

from cleaner.search.disk_cache import cache_dir, write_cache  # noqa: F401 - cache_dir re-exported

try:
    import hyperscan
except ImportError:  # pragma: no cover - exercised when the optional dependency is absent
    hyperscan = None


def cache_key(sources: Sequence[tuple[str, regex.Pattern]], modules: Sequence[ModuleType]) -> str:
    """A digest of everything the database depends on: the keyed patterns and flags, the code of the
    rewrite (`modules`), and the versions of Hyperscan, `regex` and Unicode, so a cached database is
    never stale."""
    code = b"".join(Path(module.__file__).read_bytes() for module in modules)
    # A rule's lazy pattern (rules/lazy_patterns.py) compiles with no flags given, so its flags follow from
    # its source and the `regex` version: reading them would compile every rule's pattern at start-up.
    facts = [[(key, pattern.pattern, None if getattr(pattern, "lazy", False) else pattern.flags)
              for key, pattern in sources], hashlib.sha256(code).hexdigest(),
             getattr(hyperscan, "__version__", ""), regex.__version__, unicodedata.unidata_version, platform.machine()]
    return hashlib.sha256(json.dumps(facts).encode("utf-8")).hexdigest()[:32]


_CACHE_FORMAT = 2


def _cache_header(keys: list[str], blob: bytes) -> bytes:
    """The cache file's first line: its format, the keys in database order, and a digest binding them
    to the database, so a header edited or swapped in any way (valid JSON, keys reordered) is caught."""
    digest = hashlib.sha256(json.dumps(keys).encode("utf-8") + b"\n" + blob).hexdigest()
    return json.dumps({"format": _CACHE_FORMAT, "keys": keys, "sha256": digest}).encode("utf-8")


def load_cached(path: Path | None, source_keys: list[str]) -> tuple[list[str], object] | None:
    """The keys and database cached at `path`, or None (absent, unreadable, damaged, or a header that
    does not match the database or these patterns' keys: a database keyed in another order would
    credit matches to the wrong patterns, so anything doubtful means compiling again)."""
    if path is None:
        return None
    try:
        header, _, blob = path.read_bytes().partition(b"\n")
        keys = json.loads(header).get("keys")
        if not _in_order(keys, source_keys) or _cache_header(keys, blob) != header:
            return None
        return keys, hyperscan.loadb(blob, hyperscan.HS_MODE_BLOCK)
    except (OSError, ValueError, AttributeError, TypeError, hyperscan.error):
        return None


def _in_order(keys: object, source_keys: list[str]) -> bool:
    """Whether `keys` lists some of `source_keys`, each once, in their order (as `_compile` keeps them)."""
    if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
        return False
    remaining = iter(source_keys)
    return len(set(keys)) == len(keys) and all(key in remaining for key in keys)


def save_cached(path: Path | None, keys: list[str], database: object) -> None:
    """Cache the database at `path`, atomically; a cache that cannot be written is skipped."""
    if path is None:
        return
    blob = hyperscan.dumpb(database)
    write_cache(path, _cache_header(keys, blob) + b"\n" + blob)
