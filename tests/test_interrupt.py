"""Interrupted runs leave only whole files, and running again completes them.

A real `cleaner clean --jobs 2` subprocess is killed part-way (SIGKILL of the whole process group,
as an OOM killer or a power cut would; SIGINT and SIGTERM as a user or a scheduler would). Every
output present must then be exactly what an uninterrupted run writes, and a second run must finish
the rest and leave the same tree as an uninterrupted run. Manifest lines of documents the first run
had finished say "unchanged" instead of "cleaned"; every other field is the same.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import SEEDS

DOCS = 400
STARTED = 20  # provenance records written before the run is interrupted


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """DOCS documents made from the seeds, each with its own first line, in ten folders."""
    src = tmp_path_factory.mktemp("corpus")
    texts = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    for i in range(DOCS):
        folder = src / f"g{i % 10}"
        folder.mkdir(exist_ok=True)
        (folder / f"doc {i:04d}.txt").write_text(f"Document {i}.\n" + texts[i % len(texts)], "utf-8")
    return src


@pytest.fixture(scope="module")
def reference(corpus, tmp_path_factory) -> dict[str, bytes]:
    """The OUT tree of an uninterrupted run."""
    out = tmp_path_factory.mktemp("reference")
    assert start(corpus, out).wait(timeout=300) == 0
    return tree(out)


def start(src: Path, out: Path) -> subprocess.Popen:
    # A shell's background jobs inherit SIGINT ignored; a user's Ctrl-C reaches a foreground run.
    return subprocess.Popen([sys.executable, "-m", "cleaner", "clean", str(src), "-o", str(out), "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def wait_for_outputs(proc: subprocess.Popen, out: Path, count: int) -> None:
    deadline = time.monotonic() + 120  # a guard against a hang, not a timing assertion
    while sum(1 for _ in out.rglob("*.provenance.json")) < count:
        assert proc.poll() is None, "the run ended before it could be interrupted"
        assert time.monotonic() < deadline, "no outputs appeared"
        time.sleep(0.01)


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def manifest(data: bytes) -> list[dict]:
    return [row for line in data.decode("utf-8").splitlines() if "source" in (row := json.loads(line))]


def assert_only_whole_outputs(out: Path, reference: dict[str, bytes]) -> dict[str, bytes]:
    """Every output present equals the reference; return the temporary files left behind."""
    present = tree(out)
    temporary = {name: data for name, data in present.items() if name.endswith(".tmp")}
    for name, data in present.items():
        if name not in temporary:
            assert data == reference[name], name
    assert "manifest.jsonl" not in present  # written only by a run that finished
    return temporary


def test_sigkill_leaves_whole_files_and_a_rerun_completes_them(corpus, reference, tmp_path):
    out = tmp_path / "out"
    proc = start(corpus, out)
    wait_for_outputs(proc, out, STARTED)
    os.killpg(proc.pid, signal.SIGKILL)  # the parent and its workers, mid-write
    proc.wait(timeout=60)
    assert_only_whole_outputs(out, reference)
    done_before = {p.relative_to(out).as_posix() for p in out.rglob("*.provenance.json")}
    assert STARTED <= len(done_before) < DOCS

    (out / "g0" / ".doc 0000.txt.k3j_x9q2.tmp").write_bytes(b"half a docu")  # as a kill mid-write leaves
    second = start(corpus, out)
    stdout, stderr = second.communicate(timeout=300)
    assert second.returncode == 0, stderr.decode()
    assert f"{len(done_before)} up to date" in stdout.decode()
    resumed = tree(out)
    assert not [name for name in resumed if name.endswith(".tmp")]  # stale temporary files removed
    assert resumed.keys() == reference.keys()
    for name in reference:
        if name != "manifest.jsonl":
            assert resumed[name] == reference[name], name
    rows, expected = manifest(resumed["manifest.jsonl"]), manifest(reference["manifest.jsonl"])
    for row, want in zip(rows, expected, strict=True):
        assert row["status"] == ("unchanged" if row["provenance"] in done_before else "cleaned")
        assert {**row, "status": "cleaned"} == want


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_sigint_and_sigterm_stop_the_run_promptly_leaving_whole_files(corpus, reference, tmp_path, signum):
    out = tmp_path / "out"
    proc = start(corpus, out)
    wait_for_outputs(proc, out, STARTED)
    os.kill(proc.pid, signum)  # the parent only: it stops its workers itself
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 130, stderr.decode()
    assert "interrupted" in stderr.decode() and "Traceback" not in stderr.decode()
    assert_only_whole_outputs(out, reference)
    assert sum(1 for _ in out.rglob("*.provenance.json")) < DOCS  # it stopped, it did not finish
    time.sleep(0.2)
    after = tree(out)
    time.sleep(0.5)
    assert tree(out) == after  # no worker is still writing


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (the run's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has exited; only its parent (here: init) can reap it


def descendants(pid: int) -> list[int]:
    """`pid`'s children, their children and so on (a Dask run's workers and their helpers)."""
    found, frontier = [], [pid]
    while frontier:
        frontier = [child for parent in frontier for child in children(parent)]
        found += frontier
    return found


def start_jobs(src: Path, out: Path, jobs: str, *options: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cleaner", "clean", str(src), "-o", str(out), "--jobs", jobs,
                             *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)


def rerun_completes(corpus: Path, out: Path, reference: dict[str, bytes]) -> None:
    second = start(corpus, out)
    _, stderr = second.communicate(timeout=300)
    assert second.returncode == 0, stderr.decode()
    resumed = tree(out)
    assert resumed.keys() == reference.keys()
    assert all(resumed[name] == reference[name] for name in reference if name != "manifest.jsonl")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the workers")
@pytest.mark.parametrize(("jobs", "options"), [("1", ()), ("2", ()), ("2", ("--engine", "dask"))],
                         ids=["no workers", "two workers", "dask LocalCluster"])
def test_sigkill_of_the_parent_alone_takes_its_workers_with_it(corpus, reference, tmp_path, jobs, options):
    if options:
        pytest.importorskip("distributed")
    out = tmp_path / "out"
    proc = start_jobs(corpus, out, jobs, *options)
    wait_for_outputs(proc, out, STARTED)
    workers = descendants(proc.pid)  # Dask: the worker processes (their nannies live in the parent)
    assert len(workers) >= (2 if jobs == "2" else 0), workers
    os.kill(proc.pid, signal.SIGKILL)  # the parent only, as the OOM killer would
    proc.wait(timeout=60)
    deadline = time.monotonic() + 20  # the parent-death signal is immediate; the poll takes 0.5 s
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if alive(pid)], "workers outlived their parent"
    assert_only_whole_outputs(out, reference)
    rerun_completes(corpus, out, reference)


def test_a_second_run_into_the_same_out_is_refused_while_the_first_runs(corpus, reference, tmp_path):
    out = tmp_path / "out"
    first = start_jobs(corpus, out, "1")
    wait_for_outputs(first, out, STARTED)
    second = subprocess.run([sys.executable, "-m", "cleaner", "clean", str(corpus), "-o", str(out)],
                            capture_output=True, text=True, timeout=120, check=False)
    assert second.returncode == 2, second.stderr
    assert f"error: {out}: another cleaner run is writing to this folder" in second.stderr
    _, stderr = first.communicate(timeout=300)
    assert first.returncode == 0, stderr.decode()  # its temporary files were not swept from under it
    assert tree(out) == reference
