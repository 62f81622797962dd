"""Corpus files that are damaged or hold bad records: every input record gets an output line or an
error line naming it, a damaged file is one error line and the run goes on to the next corpus, and
folders of CRLF documents are recognised as up to date. Each test is a defect of issue 11."""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import SEEDS

TEXT = sorted(SEEDS.glob("*.txt"))[0].read_text("utf-8")


def clean(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cleaner", "clean", *map(str, args)],
                          capture_output=True, text=True, timeout=300, check=False)


def jsonl(path: Path, n: int) -> bytes:
    data = "".join(json.dumps({"id": f"r{i}", "text": TEXT}) + "\n" for i in range(n)).encode("utf-8")
    path.write_bytes(data)
    return data


def test_a_truncated_or_corrupt_gzip_is_one_error_and_the_next_corpus_is_cleaned(tmp_path):
    whole = gzip.compress(jsonl(tmp_path / "plain.jsonl", 30))
    (tmp_path / "a_truncated.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    corrupt = bytearray(whole)
    corrupt[len(corrupt) // 2: len(corrupt) // 2 + 64] = b"\xff" * 64
    (tmp_path / "b_corrupt.jsonl.gz").write_bytes(bytes(corrupt))
    out = tmp_path / "out"
    proc = clean(tmp_path / "a_truncated.jsonl.gz", tmp_path / "b_corrupt.jsonl.gz", tmp_path / "plain.jsonl",
                 "-o", out, "--jobs", "2")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "Aborted" not in proc.stderr, proc.stderr
    errors = proc.stderr.splitlines()
    assert [line for line in errors if "a_truncated.jsonl.gz" in line] == [
        f"error: {tmp_path / 'a_truncated.jsonl.gz'}: cannot read: the compressed file is truncated (it ends "
        "before its end-of-stream marker)"]
    assert len([line for line in errors if "b_corrupt.jsonl.gz" in line]) == 1
    assert sorted(p.name for p in out.iterdir()) == [".cleaner.lock", "manifest.jsonl", "plain.jsonl",
                                                     "plain.provenance.jsonl"]  # nothing half-written
    assert len((out / "plain.jsonl").read_text("utf-8").splitlines()) == 30


def test_every_bad_line_is_named_on_its_own_error_line(tmp_path):
    src = tmp_path / "web.jsonl"
    good = json.dumps({"id": "ok", "text": TEXT})
    bad = ["[1, 2]", '"a string"', "not json", "42", json.dumps({"id": "no-text"}), "null"]
    src.write_text("\n".join([good, *bad, good]) + "\n", "utf-8")
    proc = clean(src, "-o", tmp_path / "out")
    assert proc.returncode == 1
    for number in range(2, 2 + len(bad)):
        assert f"error: {src}: line {number}: " in proc.stderr, number
    assert f"{src}: {len(bad)} of {len(bad) + 2} records failed" in proc.stderr
    kept = (tmp_path / "out" / "web.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["id"] for line in kept] == ["ok", "no-text", "ok"]


def test_parquet_errors_count_rows_over_the_whole_file(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rows = [{"id": f"r{i}", "text": "Body line.\n" if i != 599 else None} for i in range(700)]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "web.parquet")
    proc = clean(tmp_path / "web.parquet", "-o", tmp_path / "out")
    assert proc.returncode == 1
    assert f"error: {tmp_path / 'web.parquet'}: row 600: record 'r599' has no string 'text' field" in proc.stderr


def test_crlf_documents_are_up_to_date_on_the_next_run(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "crlf.txt").write_bytes(TEXT.replace("\n", "\r\n").encode("utf-8"))
    assert clean(src, "-o", tmp_path / "out").returncode == 0
    again = clean(src, "-o", tmp_path / "out")
    assert "cleaned 0 documents, 1 up to date" in again.stdout


def test_invalid_utf8_in_a_line_is_one_error_with_every_engine(tmp_path):
    src = tmp_path / "web.jsonl"
    data = jsonl(src, 4)
    lines = data.splitlines(keepends=True)
    lines[2] = lines[2].replace(b"r2", b"r2\xff\xfe")
    src.write_bytes(b"".join(lines))
    outs = []
    for engine in (["--jobs", "1"], ["--jobs", "2"]):
        out = tmp_path / f"out{len(outs)}"
        proc = clean(src, "-o", out, *engine)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr
        assert f"error: {src}: line 3: not JSON: 'utf-8' codec can't decode" in proc.stderr
        outs.append((out / "web.jsonl").read_bytes())
    assert outs[0] == outs[1] and len(outs[0].splitlines()) == 3


def test_a_dataset_of_symlinks_never_leaks_a_file_outside_src(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", "utf-8")
    (src / "x.txt").symlink_to(secret)  # as `x.txt -> /etc/passwd` would
    proc = clean(src, "-o", tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    assert not (tmp_path / "out" / "x.txt").exists() and "not followed" in proc.stderr
