"""`cleaner hook fix` on what a real seed folder holds: its own records, links, modes, odd names, and
a fix interrupted half-way. Each test is a defect of issue 11 the old hook had."""

from __future__ import annotations

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

import cleaner
from cleaner.cli.main import main
from cleaner.run.seeds import plan_seed

from .conftest import EXPECTED, SEEDS


def hook(*args: str | Path):
    result = CliRunner().invoke(main, ["hook", *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def cli(*args: str | bytes, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cleaner", *args], cwd=cwd, capture_output=True, check=False)


@pytest.fixture
def seeds(tmp_path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_fix_on_a_glob_run_twice_leaves_its_records_alone(seeds, tmp_path):
    originals = {p.name: p.read_bytes() for p in seeds.iterdir()}
    assert hook("fix", *sorted(seeds.iterdir())).exit_code == 1
    fixed = digest(seeds)
    again = hook("fix", *sorted(seeds.iterdir()))  # `seeds/*` now includes NAME.provenance.json
    assert again.exit_code == 0 and again.output == ""
    assert digest(seeds) == fixed
    assert not list(seeds.glob("*.provenance.provenance.json"))
    for name, original in originals.items():
        out = tmp_path / f"restored-{name}"
        seed = seeds / name
        restored = CliRunner().invoke(main, ["restore", str(seed), str(seed.with_suffix(".provenance.json")),
                                             "-o", str(out)])
        assert restored.exit_code == 0, restored.output
        assert out.read_bytes() == original


def test_fix_writes_through_symlinks_and_keeps_modes_and_hard_links(seeds, tmp_path):
    names = sorted(p.name for p in seeds.iterdir())
    target = tmp_path / "elsewhere.txt"
    shutil.move(seeds / names[0], target)
    (seeds / names[0]).symlink_to(target)
    os.chmod(seeds / names[1], 0o751)
    os.link(seeds / names[2], tmp_path / "second-link.txt")
    assert hook("fix", *sorted(seeds.iterdir())).exit_code == 1
    assert (seeds / names[0]).is_symlink() and target.read_bytes() == (EXPECTED / names[0]).read_bytes()
    assert stat.S_IMODE((seeds / names[1]).stat().st_mode) == 0o751
    assert (seeds / names[1]).read_bytes() == (EXPECTED / names[1]).read_bytes()
    assert (seeds / names[2]).stat().st_nlink == 2
    assert (tmp_path / "second-link.txt").read_bytes() == (EXPECTED / names[2]).read_bytes()
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_new_records_honour_the_umask(seeds):
    old = os.umask(0o022)
    try:
        hook("fix", *sorted(seeds.iterdir()))
    finally:
        os.umask(old)
    for record in seeds.glob("*.provenance.json"):
        assert stat.S_IMODE(record.stat().st_mode) == 0o644  # not mkstemp's 0600


def test_a_fix_interrupted_after_its_record_recovers_on_the_next_run(seeds, rules):
    seed = sorted(seeds.iterdir())[0]
    original = seed.read_bytes()
    plan = plan_seed(seed, rules)
    record = seed.with_suffix(".provenance.json")
    record.write_bytes(cleaner.run.seeds.json_document(plan.record))  # the record, then the "power cut"
    result = hook("fix", seed)
    assert result.exit_code == 1 and "error" not in result.output, result.output
    assert seed.read_bytes() == (EXPECTED / seed.name).read_bytes()
    restored = cleaner.restore(seed.read_text("utf-8"), json.loads(record.read_text("utf-8")))
    assert restored.encode("utf-8") == original


def test_undecodable_and_escape_laden_file_names_are_printed_escaped(tmp_path):
    folder = tmp_path / "seeds"
    folder.mkdir()
    body = (SEEDS / sorted(p.name for p in SEEDS.iterdir())[0]).read_bytes()
    raw = os.fsencode(folder) + b"/caf\xe9.txt"
    with open(raw, "wb") as f:
        f.write(body)
    evil = "x\x1b]0;owned\x07\nerror: forged.txt"
    (folder / f"{evil}.txt").write_bytes(body)
    proc = cli("hook", "fix", raw, os.fsencode(folder / f"{evil}.txt"), cwd=tmp_path)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1 and b"Traceback" not in out, out.decode("utf-8", "replace")
    assert b"caf\\xe9.txt" in out and b"\x1b" not in out and b"\x07" not in out
    assert not [line for line in out.splitlines() if line.startswith(b"error: forged")]
    assert b"x\\x1b]0;owned\\x07\\nerror: forged.txt" in out
    with open(raw, "rb") as f:
        assert f.read() == (EXPECTED / sorted(p.name for p in SEEDS.iterdir())[0]).read_bytes()


def test_clean_prints_odd_names_escaped_too(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "bad\x1b[31m\nerror: forged.txt").write_bytes(b"")  # an empty document fails, named
    proc = cli("clean", str(src), "-o", str(tmp_path / "out"), cwd=tmp_path)
    assert proc.returncode == 1
    assert b"\x1b" not in proc.stderr and b"bad\\x1b[31m\\nerror: forged.txt: empty document" in proc.stderr
    assert not [line for line in proc.stderr.splitlines() if line.startswith(b"error: forged")]
