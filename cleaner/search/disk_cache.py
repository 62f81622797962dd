"""Where cleaner keeps its on-disk caches (compiled Hyperscan databases, validated rule patterns)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """$CLEANER_CACHE_DIR, else $XDG_CACHE_HOME/cleaner, else ~/.cache/cleaner. Only caches live there:
    a missing, unwritable or damaged one means computing again, never a different result."""
    if os.environ.get("CLEANER_CACHE_DIR"):
        return Path(os.environ["CLEANER_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cleaner"
