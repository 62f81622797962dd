"""One executor interface: map a function over batches, in order, on this process, on worker processes
(`Local`), or on a Dask cluster (`cleaner.run.distributed.DaskExecutor`), and one chunker.

`map(fn, batches)` calls `fn(batch, rules)` for each batch and yields the results in input order,
with a bounded number of batches in flight, so memory stays flat whatever the input's size. The
rule set is loaded once per worker process, from its spec (a compiled RuleSet is never pickled per
batch).

Worker processes die with their parent: each asks Linux to kill it when the parent dies
(PR_SET_PDEATHSIG) and also polls its parent's pid, so a SIGKILLed run leaves no orphans.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from cleaner.io.files import run_id, set_run_id
from cleaner.rules.ruleset import RuleSet
from cleaner.run.options import RuleSpec
from cleaner.search.compiled_patterns import COMPILED

if TYPE_CHECKING:
    from concurrent.futures import Future

T = TypeVar("T")
PARENT_POLL_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1


class Executor(Protocol):
    workers: int
    same_machine: bool  # its workers write to this machine's files (the caller may publish their outputs)

    def map(self, fn: Callable[[Any, RuleSet], T], batches: Iterable[Any]) -> Iterator[T]:
        """fn(batch, rules) for each batch, yielded in input order."""

    def close(self) -> None:
        """Release the workers once every batch is done."""

    def stop(self) -> None:
        """Stop at once: drop queued batches, end the workers."""


def chunked(items: Iterable[T], *, max_items: int | None = None, max_bytes: int | None = None,
            size: Callable[[T], int] = len) -> Iterator[list[T]]:
    """Consecutive lists of `items`: each ends once it holds `max_items` items or `max_bytes` of
    `size(item)` (the item that reaches the bound is included)."""
    if max_bytes is None:
        iterator = iter(items)
        while chunk := list(islice(iterator, max_items or 1)):
            yield chunk
        return
    chunk: list[T] = []
    total = 0
    for item in items:
        chunk.append(item)
        total += size(item)
        if total >= max_bytes or (max_items is not None and len(chunk) >= max_items):
            yield chunk
            chunk, total = [], 0
    if chunk:
        yield chunk


class Inline:
    """Batches cleaned in this process, one after another."""

    workers = 1
    same_machine = True

    def __init__(self, spec: RuleSpec) -> None:
        self._spec = spec
        self._rules: RuleSet | None = None

    def map(self, fn: Callable[[Any, RuleSet], T], batches: Iterable[Any]) -> Iterator[T]:
        if self._rules is None:
            self._rules = self._spec.load()
        for batch in batches:
            result = fn(batch, self._rules)
            COMPILED.save()  # the patterns this batch compiled, for the next process (search/compiled_patterns.py)
            yield result

    def close(self) -> None:
        pass

    def stop(self) -> None:
        pass


class Processes:
    """Batches cleaned by `workers` worker processes, at most two per worker in flight."""

    same_machine = True

    def __init__(self, spec: RuleSpec, workers: int) -> None:
        # Here, not at the top: a run in this process (--jobs 1, a small folder) starts without the
        # process pool's modules (multiprocessing, tempfile, shutil, subprocess, pickle, socket).
        from concurrent.futures import ProcessPoolExecutor

        self.workers = workers
        self._pool = ProcessPoolExecutor(workers, initializer=init_worker, initargs=(spec, run_id(), os.getpid()))
        self._started = False

    def map(self, fn: Callable[[Any, RuleSet], T], batches: Iterable[Any]) -> Iterator[T]:
        pending: deque[Future] = deque()
        try:
            for batch in batches:
                pending.append(self._submit(fn, batch))
                if len(pending) >= 2 * self.workers:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except Exception:  # e.g. a fault reading the input: drop this map's batches, keep the workers
            from concurrent.futures import wait

            for future in pending:
                future.cancel()
            wait(pending)
            raise
        except BaseException:  # Ctrl-C, SIGTERM: stop now
            self.stop()
            raise

    def _submit(self, fn: Callable[[Any, RuleSet], T], batch: Any) -> Future:
        if self._started:
            return self._pool.submit(_in_worker, fn, batch)
        # The first submit forks the workers. Every object the parent holds then (modules, the loaded
        # rule set) is frozen for the fork: a worker's garbage collections skip them instead of walking
        # them and writing to their headers, which copied the pages under them into each worker
        # (copy-on-write). The parent's own objects are unfrozen again right after.
        gc.freeze()
        try:
            return self._pool.submit(_in_worker, fn, batch)
        finally:
            gc.unfreeze()
            self._started = True

    def close(self) -> None:
        self._pool.shutdown(wait=True)

    def stop(self) -> None:
        workers = dict(getattr(self._pool, "_processes", None) or {})  # no public way to reach them
        self._pool.shutdown(wait=False, cancel_futures=True)
        for process in workers.values():
            process.terminate()


def local_executor(spec: RuleSpec, workers: int) -> Inline | Processes:
    return Processes(spec, workers) if workers > 1 else Inline(spec)


_worker_rules: RuleSet | None = None


def init_worker(spec: RuleSpec, parent_run: str, parent: int) -> None:
    """Process-pool initializer: die with the parent, leave signals to it, load the rule set once."""
    die_with_parent(parent)
    # The parent handles Ctrl-C and SIGTERM and stops the workers itself; a worker that caught them
    # would report them as the result of a document and carry on.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    set_run_id(parent_run)
    global _worker_rules
    _worker_rules = spec.load()


def worker_rules() -> RuleSet:
    assert _worker_rules is not None, "init_worker did not run in this process"
    return _worker_rules


def _in_worker(fn: Callable[[Any, RuleSet], T], batch: Any) -> T:
    result = fn(batch, worker_rules())
    COMPILED.save()  # the patterns this batch compiled, for later workers and runs (search/compiled_patterns.py)
    return result


def die_with_parent(parent: int) -> None:
    """End this process when `parent` dies: the kernel's parent-death signal on Linux, and a thread
    polling the parent's pid everywhere (also covering a parent that died before this ran)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="cleaner-parent-watch").start()


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)
