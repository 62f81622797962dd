"""The program's entry (`python -m cleaner`, the `cleaner` script): it leaves with `os._exit` after the
command, so what it printed must be flushed first, and its exit status must be the command's."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cleaner.cli import entry

from .conftest import SEEDS


def cleaner(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cleaner", *args], capture_output=True, text=True, check=False)


def test_a_run_prints_everything_and_exits_0_with_whole_outputs(tmp_path):
    out = tmp_path / "out"
    done = cleaner("clean", str(SEEDS), "-o", str(out), "--format", "json", "--jobs", "2")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)  # the whole summary reached the pipe before the quick exit
    texts = sorted(SEEDS.glob("*.txt"))
    assert summary["documents"]["cleaned"] == len(texts) > 0
    assert len((out / "manifest.jsonl").read_text("utf-8").splitlines()) == len(texts) + 1
    assert all((out / t.with_suffix(".provenance.json").name).is_file() for t in texts)


def test_failures_keep_their_exit_status_and_message(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("not [ toml", "utf-8")
    done = cleaner("clean", str(SEEDS), "-o", str(tmp_path / "out"), "--rules", str(bad))
    assert done.returncode == 2 and "error" in done.stderr.lower(), done.stderr
    assert cleaner("clean", str(tmp_path / "missing"), "-o", str(tmp_path / "o")).returncode == 2


@pytest.mark.parametrize(("code", "status"), [(None, 0), (0, 0), (1, 1), (130, 130), (256 + 2, 2), (True, 1)])
def test_exit_codes_are_those_sys_exit_gives(code, status):
    assert entry._status(code) == status


def test_a_message_as_exit_code_is_printed_and_exits_1(capsys):
    assert entry._status("stopped") == 1
    assert capsys.readouterr().err == "stopped\n"


def test_the_normal_exit_is_kept_while_another_thread_runs(monkeypatch):
    monkeypatch.setattr(entry.threading, "active_count", lambda: 2)
    assert not entry.quick_exit_safe()
