"""Rule files parsed once: a pack's parsed TOML is kept on disk, keyed by its exact bytes.

`tomllib` parses in pure Python, about 0.13 s per MB here: two thirds of loading a 5,000-rule pack
(5 MB) whose patterns were validated before. What it returns depends only on the file's bytes and
on the Python that parses it, so a pack of at least `MIN_CACHED_BYTES` keeps its parsed data (and the
digest of that data, the pack's `sha256`) in the cache folder (`$CLEANER_CACHE_DIR`, else
`~/.cache/cleaner`, as the Hyperscan databases), in `marshal` format, the one Python's own
`__pycache__` uses: loading it takes milliseconds. The file's name is the digest of its bytes and the
Python version, and the record holds that digest again, so an edited pack is parsed afresh. Only a
cache: a missing, damaged or unwritable one means parsing again; a pack `marshal` cannot hold (TOML
dates and times) is simply not cached. An invalid file is never cached: it fails to parse each time,
with `tomllib`'s own message.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import sys
import tomllib
from typing import Any

from cleaner.search.disk_cache import cache_dir, write_cache

MIN_CACHED_BYTES = 1024  # smaller ones parse in well under a millisecond; the 17 bundled packs (2-30 KB)
# took 0.04 s of CPU together (load 10), in every command's start before any document is read
_PYTHON = hashlib.sha256(f"{sys.version}\n{marshal.version}".encode()).hexdigest()[:8]


def parse_pack(raw: bytes) -> tuple[dict[str, Any], str]:
    """`tomllib.loads` of the UTF-8 text `raw`, and the sha256 of that data as JSON with sorted keys.
    Raises UnicodeDecodeError or tomllib.TOMLDecodeError as parsing does."""
    key = hashlib.sha256(raw).hexdigest() if len(raw) >= MIN_CACHED_BYTES else None
    if key is not None:
        found = _cached(key)
        if found is not None:
            return found
    data = tomllib.loads(raw.decode("utf-8"))
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    if key is not None:
        try:
            record = marshal.dumps((key, data, digest))
        except ValueError:  # a TOML date or time: marshal has no such type
            return data, digest
        write_cache(_path(key), record)
    return data, digest


def _path(key: str):
    return cache_dir() / f"pack-{_PYTHON}-{key[:40]}.marshal"


def _cached(key: str) -> tuple[dict[str, Any], str] | None:
    try:
        record = marshal.loads(_path(key).read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if (isinstance(record, tuple) and len(record) == 3 and record[0] == key and isinstance(record[1], dict)
            and isinstance(record[2], str)):
        return record[1], record[2]
    return None
