"""Compiled `regex` patterns kept on disk between processes (see `CompiledPatterns`)."""

from __future__ import annotations

import contextlib
import copyreg
import hashlib
import marshal
import sys
from pathlib import Path

import regex

from cleaner.search.disk_cache import cache_dir, write_cache


class CompiledPatterns:
    """Patterns compiled in earlier processes, rebuilt from their compiled code instead of compiled again.

    `regex` compiles in Python, about 1.5 ms for a bundled pattern: each worker of a folder run compiled
    the 50-odd patterns its documents reached, a tenth of a second of CPU per process. `regex` pickles a
    compiled pattern as its compiled code (`copyreg`: `_regex.compile` and that code), and rebuilding it
    from that code takes about 30 microseconds. So the code of each pattern a process compiles is kept
    in one file in the cache folder, named by a digest of the versions of `regex`, Python and `marshal`
    (`compiled-*.marshal`, the `marshal` format of Python's own bytecode cache, with a digest of its
    contents): read once per process on its first compile, written (merged with what is on disk) by
    `save()`, which the executors call after each batch. Only a cache: a missing, damaged or unwritable
    file, or code that does not rebuild into the same pattern, means compiling again."""

    def __init__(self) -> None:
        self._known: dict[str, tuple] | None = None
        self._added: dict[str, tuple] = {}

    @property
    def path(self) -> Path:
        facts = "\n".join((regex.__version__, str(regex.DEFAULT_VERSION), sys.version, str(marshal.version)))
        return cache_dir() / f"compiled-{hashlib.sha256(facts.encode('utf-8')).hexdigest()[:24]}.marshal"

    def compile(self, pattern: str, flags: int = 0) -> regex.Pattern:
        """`regex.compile(pattern, flags)`, from its kept code when there is some."""
        key = _key(pattern, flags)
        code = self._read().get(key) or self._added.get(key)
        if code is not None:
            try:
                rebuilt = _REBUILD(*code)
            except (TypeError, ValueError, OverflowError, regex.error):
                rebuilt = None
            if isinstance(rebuilt, regex.Pattern) and rebuilt.pattern == pattern:
                return rebuilt
        compiled = regex.compile(pattern, flags)
        code = _code_of(compiled)
        if code is not None:
            self._added[key] = code
        return compiled

    def save(self) -> None:
        """Write the file with the patterns compiled since it was read (a failure only means compiling again)."""
        if self._added:
            with contextlib.suppress(OSError, ValueError):  # no home folder, say: the cache is only skipped
                self._merge_into(self.path)

    def _merge_into(self, path: Path) -> None:
        merged = {**_read_compiled(path), **self._read(), **self._added}
        payload = marshal.dumps(merged)
        if write_cache(path, marshal.dumps((hashlib.sha256(payload).hexdigest(), payload))):
            self._known, self._added = merged, {}

    def _read(self) -> dict[str, tuple]:
        if self._known is None:
            try:
                self._known = _read_compiled(self.path)
            except (OSError, ValueError):
                self._known = {}
        return self._known


def _read_compiled(path: Path) -> dict[str, tuple]:
    """The kept code per pattern digest in `path` (empty when it is missing, damaged or not ours)."""
    try:
        digest, payload = marshal.loads(path.read_bytes())
        if hashlib.sha256(payload).hexdigest() != digest:
            return {}
        found = marshal.loads(payload)
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return found if isinstance(found, dict) else {}


def _code_of(compiled: regex.Pattern) -> tuple | None:
    """The arguments `regex`'s unpickling gives `_regex.compile` for this pattern, when `marshal` can hold them."""
    rebuild, code = copyreg.dispatch_table[type(compiled)](compiled)
    if rebuild is not _REBUILD or not isinstance(code, tuple):
        return None
    try:
        marshal.dumps(code)
    except ValueError:
        return None
    return code


_REBUILD = copyreg.dispatch_table[regex.Pattern](regex.compile(""))[0]  # regex's own unpickler: _regex.compile
COMPILED = CompiledPatterns()


def _key(pattern: str, flags: int) -> str:
    text = pattern if not flags else f"{flags}\0{pattern}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
