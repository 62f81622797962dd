"""Where cleaner keeps its on-disk caches (compiled Hyperscan databases, validated rule patterns),
and the one way they are written."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def cache_dir() -> Path:
    """$CLEANER_CACHE_DIR, else $XDG_CACHE_HOME/cleaner, else ~/.cache/cleaner. Only caches live there:
    a missing, unwritable or damaged one means computing again, never a different result."""
    if os.environ.get("CLEANER_CACHE_DIR"):
        return Path(os.environ["CLEANER_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cleaner"


def write_cache(path: Path, data: bytes) -> bool:
    """Write a cache file atomically (a temporary beside it, then a rename), creating its folder.

    Returns False, leaving nothing behind, when it cannot be written: a cache that is not written only
    means computing again. The temporary's name is unique per call, so concurrent writers never share
    one, and the file gets the umask's mode like any other new file."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, path)
        return True
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
        return False
