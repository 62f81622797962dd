"""File-system faults while writing: a full disk and a read-only OUT give one-line errors, never a
traceback, never a document without its record or a temporary file left behind; the manifest is
written for what completed (or its failure named), and the rerun completes.

Disk full is tested twice: with an injected ENOSPC (always), and on a real 256 KB tmpfs (when this
process may mount one, i.e. as root; skipped otherwise). Read-only OUT needs the tmpfs too.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import cleaner.io.files as files
from cleaner.cli.main import main

from .conftest import SEEDS

DOCS = 40


@pytest.fixture
def src(tmp_path) -> Path:
    folder = tmp_path / "src"
    folder.mkdir()
    texts = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    for i in range(DOCS):
        (folder / f"doc{i:02d}.txt").write_text(f"Document {i}.\n" + texts[i % 3], "utf-8")
    return folder


def clean(src: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cleaner", "clean", str(src), "-o", str(out), "--jobs", "1",
                           *extra], capture_output=True, text=True, timeout=300, check=False)


def assert_consistent(out: Path) -> int:
    """No temporary file; every clean text has its record, which describes it. Returns the texts."""
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]
    texts = [p for p in out.rglob("*.txt")]
    for text in texts:
        record = json.loads(text.with_suffix(".provenance.json").read_text("utf-8"))
        assert record["output"]["sha256"] == hashlib.sha256(text.read_bytes()).hexdigest()
    return len(texts)


def assert_one_line_errors(stderr: str) -> None:
    assert "Traceback" not in stderr
    assert all(line.startswith("error: ") for line in stderr.splitlines() if line.strip()), stderr


def test_an_injected_full_disk_fails_documents_one_line_each_and_the_rerun_completes(src, tmp_path, monkeypatch):
    out = tmp_path / "out"
    real_write, real_fsync, calls = files.write_unsynced, os.fsync, []

    def full_after_ten(call, *args, **kwargs):  # every file written counts, whichever way it is written
        calls.append(call)
        if len(calls) > 10:
            raise OSError(errno.ENOSPC, "No space left on device")
        return call(*args, **kwargs)

    monkeypatch.setattr(files, "write_unsynced", lambda *a, **k: full_after_ten(real_write, *a, **k))
    monkeypatch.setattr(files.os, "fsync", lambda fd: full_after_ten(real_fsync, fd))
    result = CliRunner().invoke(main, ["clean", str(src), "-o", str(out), "--jobs", "1"])
    assert result.exit_code == 1 and result.exception is None or isinstance(result.exception, SystemExit)
    assert "No space left on device" in result.output and "Traceback" not in result.output
    assert f"error: cannot write {out / 'manifest.jsonl'}: No space left on device" in result.output
    assert assert_consistent(out) == 5  # ten writes: five texts and their records, nothing half-done
    monkeypatch.setattr(files, "write_unsynced", real_write)
    monkeypatch.setattr(files.os, "fsync", real_fsync)
    again = CliRunner().invoke(main, ["clean", str(src), "-o", str(out), "--jobs", "1"])
    assert again.exit_code == 0, again.output
    assert "5 up to date" in again.output and assert_consistent(out) == DOCS


@pytest.fixture
def small_fs(tmp_path):
    mount = tmp_path / "mnt"
    mount.mkdir()
    if shutil.which("mount") is None or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def remount(mount: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(mount)], check=True)


def test_a_really_full_disk_leaves_whole_outputs_and_the_rerun_completes(src, small_fs, tmp_path):
    out = small_fs / "out"
    proc = clean(src, out)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert_one_line_errors(proc.stderr)
    assert "No space left on device" in proc.stderr
    done = assert_consistent(out)
    assert 0 < done < DOCS
    manifest = out / "manifest.jsonl"
    assert manifest.exists() or f"cannot write {manifest}" in proc.stderr
    remount(small_fs, "size=16m")
    again = clean(src, out)
    assert again.returncode == 0, again.stderr
    assert assert_consistent(out) == DOCS
    reference = tmp_path / "reference"
    assert clean(src, reference).returncode == 0
    for text in reference.glob("*.txt"):
        assert (out / text.name).read_bytes() == text.read_bytes()


def test_a_read_only_out_is_one_line_and_nothing_is_lost(src, small_fs):
    out = small_fs / "out"
    assert clean(src, out).returncode == 1  # fills the 256 KB part-way
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    remount(small_fs, "ro")
    proc = clean(src, out, "--force")
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == f"error: cannot write to {out}: {out / '.cleaner.lock'}: Read-only file system"
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    remount(small_fs, "rw,size=16m")
    assert clean(src, out).returncode == 0
    assert assert_consistent(out) == DOCS


def test_outputs_keep_the_source_mode_and_new_files_honour_the_umask(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    names = sorted(p.name for p in src.iterdir())
    os.chmod(src / names[0], 0o755)
    os.chmod(src / names[1], 0o640)
    old = os.umask(0o027)
    try:
        proc = clean(src, tmp_path / "out")
    finally:
        os.umask(old)
    assert proc.returncode == 0, proc.stderr
    mode = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "out").iterdir()}
    assert mode[names[0]] == 0o755 and mode[names[1]] == 0o640 and mode[names[2]] == 0o644
    assert mode[names[0].replace(".txt", ".provenance.json")] == 0o640  # 0666 under the umask 027
    assert mode["manifest.jsonl"] == 0o640


def test_a_record_that_cannot_be_written_fails_its_document_and_the_manifest_lists_the_run(src, tmp_path,
                                                                                          monkeypatch):
    """Issue 11: a full disk left documents written without their record, and no manifest at all. Here
    only the records of every other document fail (the disk has room again for the manifest): those
    documents are failed, with no clean text published, and the manifest names every document."""
    out = tmp_path / "out"
    real_write = files.write_unsynced

    def records_of_odd_documents_fail(target, *args, **kwargs):
        if target.name.endswith(".provenance.json") and int(target.name[3:5]) % 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(target, *args, **kwargs)

    monkeypatch.setattr(files, "write_unsynced", records_of_odd_documents_fail)
    result = CliRunner().invoke(main, ["clean", str(src), "-o", str(out), "--jobs", "1"])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == DOCS // 2 and all("No space left on device" in line for line in errors), errors
    assert assert_consistent(out) == DOCS // 2
    assert sorted(p.name for p in out.glob("*.txt")) == [f"doc{i:02d}.txt" for i in range(0, DOCS, 2)]
    lines = [json.loads(line) for line in (out / "manifest.jsonl").read_text("utf-8").splitlines()]
    status = {Path(line["source"]).name: line["status"] for line in lines if "source" in line}
    assert status == {f"doc{i:02d}.txt": "failed" if i % 2 else "cleaned" for i in range(DOCS)}
    monkeypatch.setattr(files, "write_unsynced", real_write)
    again = CliRunner().invoke(main, ["clean", str(src), "-o", str(out), "--jobs", "1"])
    assert again.exit_code == 0 and f"{DOCS // 2} up to date" in again.output, again.output
    assert assert_consistent(out) == DOCS


def test_worker_outputs_are_published_by_the_parent_a_rename_that_fails_fails_its_document(src, tmp_path,
                                                                                         monkeypatch):
    """With worker processes, each batch's outputs come back under temporary names and this process
    syncs and renames them (the workers go on cleaning meanwhile). A record whose rename fails here
    takes its text with it: that document is failed, named once, and the rerun completes it."""
    out = tmp_path / "out"
    real_replace, renamed = os.replace, []

    def replace(source, target):
        name = os.path.basename(target)
        renamed.append(name)
        if name.endswith(".provenance.json") and int(name[3:5]) % 4 == 1:
            raise OSError(errno.EIO, "Input/output error", target)
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)  # this process only: the workers are not asked to rename
    result = CliRunner().invoke(main, ["clean", str(src), "-o", str(out), "--jobs", "2"])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert sum(name.endswith(".provenance.json") for name in renamed) == DOCS  # every record renamed here
    failed = [i for i in range(DOCS) if i % 4 == 1]
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert sorted(errors) == sorted(f"error: {src / f'doc{i:02d}.txt'}: cannot write output: "
                                    f"{out / f'doc{i:02d}.provenance.json'}: Input/output error" for i in failed)
    assert assert_consistent(out) == DOCS - len(failed)
    monkeypatch.setattr(os, "replace", real_replace)
    again = CliRunner().invoke(main, ["clean", str(src), "-o", str(out), "--jobs", "2"])
    assert again.exit_code == 0 and f"{DOCS - len(failed)} up to date" in again.output, again.output
    assert assert_consistent(out) == DOCS
