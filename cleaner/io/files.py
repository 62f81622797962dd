"""Files the tool writes: one atomic writer, one temporary-file scheme, one lock (the JSON encoding
they hold: `cleaner/io/json_text.py`).

- Every file is written under a temporary name in its own folder (`.NAME.cleaner-RUN-XXXXXX.tmp`,
  RUN naming the run), flushed, fsynced and renamed over the target, so a reader sees all or nothing.
  A failed write removes its temporary file.
- Modes: a new file honours the umask (never mkstemp's 0600); a replaced file keeps its mode; a
  caller may give the mode of the file an output is made from (a clean text keeps its source's).
- One lock per output folder (`OUT/.cleaner.lock`, an advisory `flock`), which also marks the
  folder as one cleaner writes: a second run into the same OUT is refused while the first runs, and
  temporary files of other runs are swept only by the run holding the lock (their runs are dead).
"""

from __future__ import annotations

import ctypes
import fcntl
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from cleaner.errors import CleanerError

LOCK_NAME = ".cleaner.lock"
MANIFEST = "manifest.jsonl"
RECORD_SUFFIX = ".provenance.json"
CORPUS_RECORD_SUFFIX = ".provenance.jsonl"
_TEMP = re.compile(r"\..+\.(?:cleaner-(?P<run>[0-9a-f]+)-[0-9a-f]+|[a-z0-9_]{8})\.tmp")  # ours, or mkstemp's
_run_id = os.urandom(4).hex()  # secrets.token_hex(4) is this; `secrets` (random, hmac, base64) cost 3 ms of start-up


def run_id() -> str:
    """This run's id, part of every temporary file name it writes."""
    return _run_id


def set_run_id(value: str) -> None:
    """Adopt the parent's run id (in a worker process), so its temporary files count as the run's."""
    global _run_id
    _run_id = value


def is_tool_file(name: str) -> bool:
    """Whether a file name is one cleaner writes beside others: records, manifests, temporary files, the
    lock. Such files are never inputs (cleaning a record would delete lines of the JSON)."""
    return (name.endswith((RECORD_SUFFIX, CORPUS_RECORD_SUFFIX)) or name in (MANIFEST, LOCK_NAME)
            or _TEMP.fullmatch(name) is not None)


def shown(text: str) -> str:
    """`text` safe to print on one terminal line: control characters (escape sequences, newlines) and
    undecodable file-name bytes (PEP 383 surrogates) are written as backslash escapes."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        else:
            out.append(ch.encode("unicode_escape", "backslashreplace").decode("ascii"))
    return "".join(out)


def temp_path(target: Path) -> Path:
    """A fresh temporary name beside `target`, carrying this run's id."""
    return Path(_temp_name(str(target)))


def _temp_name(target: str) -> str:  # `temp_path` as a string, without pathlib (two per document of a run)
    folder, name = os.path.split(target)
    return os.path.join(folder, f".{name[:120]}.cleaner-{_run_id}-{os.urandom(3).hex()}.tmp")


@contextmanager
def _temp_beside(target: Path, mode: int | None, *, sync: bool) -> Iterator[tuple[int, str]]:
    """A new temporary file beside `target`, its descriptor open for writing. When the block ends it
    is given its mode (`mode`; else `target`'s own if it exists; else the umask's), fsynced if `sync`,
    and closed; if the block fails it is removed."""
    tmp, flags = _temp_name(str(target)), os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        fd = os.open(tmp, flags, 0o666)  # the umask applies
    except OSError:  # a missing folder (else make_dirs and the second open raise what they raised before)
        make_dirs(Path(target).parent)
        fd = os.open(tmp, flags, 0o666)
    try:
        try:
            yield fd, tmp
            keep = mode if mode is not None else mode_of(target)
            if keep is not None:
                os.fchmod(fd, keep & 0o7777)
            if sync:
                os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_file(target: Path, *, mode: int | None = None) -> Iterator[IO[bytes]]:
    """A binary file that replaces `target` when the block ends without an error (and is removed when
    it does not). `mode`: permission bits to give it; default: `target`'s own if it exists, else the
    umask's."""
    with _temp_beside(target, mode, sync=True) as (fd, tmp), os.fdopen(fd, "wb", closefd=False) as f:
        yield f
    try:
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(target: Path, data: bytes, *, mode: int | None = None) -> None:
    """Write `data` to `target` atomically (see `atomic_file`)."""
    with atomic_file(target, mode=mode) as f:
        f.write(data)


def write_unsynced(target: Path, data: bytes | Iterable[bytes], *, mode: int | None = None) -> str:
    """Write `data` (bytes, or pieces of bytes written one by one) under a fresh temporary name beside
    `target` (mode as `atomic_file` sets it) and return that name, without fsync: `sync_files` then
    makes many such files durable at once, and `os.replace` publishes each. A failed write removes its
    temporary file."""
    with _temp_beside(target, mode, sync=False) as (fd, tmp):
        # Straight to the descriptor: a buffered file object costs three more system calls (fstat,
        # ioctl, lseek) and its own setup for each of a folder run's two small files per document.
        for piece in (data,) if isinstance(data, bytes) else data:
            _write_all(fd, piece)
    return tmp


def _write_all(fd: int, data: bytes) -> None:
    """os.write until all of `data` is written (a write may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def sync_files(paths: Iterable[str | Path]) -> None:
    """Make the files at `paths` durable: one syncfs(2) per file system they are on (Linux), else one
    fsync each. As git's core.fsyncMethod=batch does: a run over 1,000 small documents spent most of
    its time in 2,000 fsyncs, one per output and record; a folder run now syncs once per chunk."""
    paths = list(paths)  # read twice without syncfs (a generator was read once, leaving nothing to fsync)
    devices: dict[int, str | Path] = {}
    folders: set[str] = set()
    for path in paths:  # a file is on its folder's file system: one stat per folder, not per file
        folder = os.path.dirname(path)
        if folder not in folders:
            folders.add(folder)
            devices.setdefault(os.stat(folder).st_dev, path)
    for path in devices.values() if _syncfs is not None else paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            if _syncfs is None:
                os.fsync(fd)
            elif _syncfs(fd) != 0:
                code = ctypes.get_errno()
                raise OSError(code, os.strerror(code), str(path))
        finally:
            os.close(fd)


def _load_syncfs() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None, use_errno=True).syncfs
    except (OSError, AttributeError):  # not Linux (or no glibc symbol): fsync each file instead
        return None


_syncfs = _load_syncfs()


def rewrite_in_place(path: Path, data: bytes) -> Path:
    """Replace the contents of a file the user owns (the hook's fix), keeping what makes it theirs:
    through a symlink its target is rewritten (the link stays a link), the mode is kept, and a file
    with several hard links is rewritten in place so every link sees the new text. Returns the path
    written. For a hard-linked file a complete copy of `data` is written first (`.NAME.cleaner-…tmp`
    beside it) and removed after, so an interruption leaves the whole new text on disk."""
    real = Path(os.path.realpath(path))
    info = real.stat()
    if info.st_nlink <= 1:
        write_atomic(real, data, mode=info.st_mode)
        return real
    copy = temp_path(real)
    write_atomic(copy, data)
    with open(real, "r+b") as f:
        f.write(data)
        f.truncate()
        f.flush()
        os.fsync(f.fileno())
    copy.unlink()
    return real


def make_dirs(folder: Path) -> None:
    """`mkdir -p`, iteratively (pathlib's and os.makedirs recurse once per level: a tree 1,100 levels
    deep exhausts the stack)."""
    missing = []
    while not folder.is_dir():
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for path in reversed(missing):
        try:
            os.mkdir(path)
        except FileExistsError:
            if not path.is_dir():
                raise


def mode_of(path: str | Path) -> int | None:
    """The mode bits of `path`, or None when it cannot be read."""
    try:
        return os.stat(path).st_mode
    except OSError:
        return None


class LockedError(CleanerError):
    """Another run holds the output folder's lock."""


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold OUT's lock for the block (creating OUT); raises LockedError when another run holds it."""
    make_dirs(out)
    fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(f"{out}: another cleaner run is writing to this folder; wait for it to "
                              "finish, or choose another -o") from None
        yield
    finally:
        os.close(fd)  # releases the lock; the file stays as the folder's mark


def is_output_folder(folder: Path) -> bool:
    """Whether cleaner has written into `folder` as an OUT (its lock file is there)."""
    return (folder / LOCK_NAME).is_file()


def sweep_temp_files(out: Path) -> list[Path]:
    """Delete temporary files other runs left in OUT; call only while holding OUT's lock, which
    proves those runs are dead. Returns what was deleted."""
    removed = []
    for _, entries in walk(out):
        for entry in entries:
            found = _TEMP.fullmatch(entry.name)
            if found and found["run"] != _run_id:
                Path(entry.path).unlink(missing_ok=True)
                removed.append(Path(entry.path))
    return removed


def walk(root: Path, *, on_error: Callable[[OSError], None] | None = None,
         descend: Callable[[os.DirEntry], bool] | None = None) -> Iterator[tuple[Path, list[os.DirEntry]]]:
    """(folder, its entries other than the subfolders walked) for `root` and every folder below it,
    sorted by name, iteratively (a tree thousands of levels deep cannot exhaust the stack).

    Subfolders are walked when `descend(entry)` says so; by default real folders, never links.
    """
    descend = descend or (lambda entry: entry.is_dir(follow_symlinks=False))
    stack = [Path(root)]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as found:
                entries = sorted(found, key=lambda e: e.name)
        except OSError as exc:
            if on_error is not None:
                on_error(exc)
            continue
        subfolders = [e for e in entries if _safe(descend, e)]
        walked = {e.name for e in subfolders}
        yield folder, [e for e in entries if e.name not in walked]
        stack.extend(Path(e.path) for e in reversed(subfolders))


def _safe(descend: Callable[[os.DirEntry], bool], entry: os.DirEntry) -> bool:
    try:
        return descend(entry)
    except OSError:
        return False


def describe_os_error(exc: OSError) -> str:
    """`strerror` of an OSError with the file it concerns, in one line."""
    where = exc.filename if exc.filename is not None else ""
    reason = exc.strerror or str(exc)
    return f"{where}: {reason}" if where else reason
