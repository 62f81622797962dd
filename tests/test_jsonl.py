"""Corpus files: JSONL (and .jsonl.gz, Parquet) cleaned record by record, other fields kept, every
engine and worker count writing the same bytes."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import cleaner
from cleaner.cli.main import main
from cleaner.engine.provenance import restore
from cleaner.run.corpus import clean_jsonl, clean_parquet, corpus_name, is_corpus
from cleaner.run.options import RuleSpec

from .conftest import SEEDS


def corpus_records(n: int = 24) -> list[dict]:
    """Records cut from the seeds (whole documents and their halves), each with extra fields."""
    texts = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    texts += [t[: len(t) // 2] for t in texts] + [t[len(t) // 2 :] for t in texts]
    return [{"id": f"doc-{i}", "text": texts[i % len(texts)], "url": "https://example.org/a",
             "lang": "en", "meta": {"n": i, "tags": ["é", None, True], "score": 0.25}} for i in range(n)]


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_round_trip_keeps_other_fields_and_restores_each_text(tmp_path):
    records = corpus_records()
    report = clean_jsonl(write_jsonl(tmp_path / "web.jsonl", records), tmp_path / "out", RuleSpec())
    assert (report.output, report.provenance) == ("web.jsonl", "web.provenance.jsonl")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["web.jsonl", "web.provenance.jsonl"]  # no temp
    cleaned, notes = read_jsonl(tmp_path / "out" / "web.jsonl"), read_jsonl(tmp_path / "out" / "web.provenance.jsonl")
    assert [r["id"] for r in cleaned] == [r["id"] for r in records] == [n["id"] for n in notes]
    assert report.tally.records == len(records) and report.tally.failed == 0
    assert any(c["text"] != r["text"] for c, r in zip(cleaned, records, strict=True))
    for original, out, note in zip(records, cleaned, notes, strict=True):
        assert {k: v for k, v in out.items() if k != "text"} == {k: v for k, v in original.items() if k != "text"}
        assert out["text"] == cleaner.clean(original["text"], url=original["url"]).text
        assert restore(out["text"], note["provenance"]) == original["text"]


def test_provenance_as_a_field(tmp_path):
    records = corpus_records(6)
    report = clean_jsonl(write_jsonl(tmp_path / "web.jsonl", records), tmp_path / "out", RuleSpec(),
                         provenance="field")
    assert report.provenance == "" and not (tmp_path / "out" / "web.provenance.jsonl").exists()
    for original, out in zip(records, read_jsonl(tmp_path / "out" / "web.jsonl"), strict=True):
        assert restore(out["text"], out["provenance"]) == original["text"]
        assert out["meta"] == original["meta"]


def test_bad_records_are_counted_kept_or_dropped(tmp_path):
    src = tmp_path / "mixed.jsonl"
    good = corpus_records(1)[0]
    src.write_text(json.dumps(good) + "\n\nnot json\n" + json.dumps({"id": 7, "body": "x"}) + "\n[1]\n", "utf-8")
    report = clean_jsonl(src, tmp_path / "out", RuleSpec())
    assert (report.tally.records, report.tally.failed) == (4, 3)
    assert [r["id"] for r in read_jsonl(tmp_path / "out" / "mixed.jsonl")] == ["doc-0", 7]
    assert read_jsonl(tmp_path / "out" / "mixed.jsonl")[1] == {"id": 7, "body": "x"}  # kept as it was
    notes = read_jsonl(tmp_path / "out" / "mixed.provenance.jsonl")
    assert "provenance" in notes[0] and "text" in notes[1]["error"]
    assert [e.split(":")[0] for e in report.errors] == ["line 3", "line 4", "line 5"]  # every one, by line


def test_workers_and_batches_write_identical_bytes(tmp_path):
    src = write_jsonl(tmp_path / "web.jsonl", corpus_records(40))
    clean_jsonl(src, tmp_path / "one", RuleSpec())
    clean_jsonl(src, tmp_path / "two", RuleSpec(), workers=2, batch_bytes=20_000)  # several batches
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_gzipped_input_gives_the_same_output(tmp_path):
    records = corpus_records(5)
    plain = write_jsonl(tmp_path / "web.jsonl", records)
    packed = tmp_path / "gz" / "web.jsonl.gz"
    packed.parent.mkdir()
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    clean_jsonl(plain, tmp_path / "a", RuleSpec())
    clean_jsonl(packed, tmp_path / "b", RuleSpec())
    assert tree_digest(tmp_path / "a") == tree_digest(tmp_path / "b")


def test_cli_jobs_2_equals_jobs_1_on_files_and_a_corpus(tmp_path):
    src = write_jsonl(tmp_path / "web.jsonl", corpus_records(30))
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        result = CliRunner().invoke(main, ["clean", str(src), str(SEEDS), "-o", str(out), "--jobs", jobs])
        assert result.exit_code == 0, result.output
        outs.append(tree_digest(out))
    assert outs[0] == outs[1]
    assert {"web.jsonl", "web.provenance.jsonl", "manifest.jsonl"} <= set(outs[0])
    manifest = read_jsonl(tmp_path / "out1" / "manifest.jsonl")
    assert any(r.get("source") == str(src) and r["output"] == "web.jsonl" for r in manifest)


def test_corpus_names():
    assert is_corpus("a/web.JSONL.gz") and is_corpus("x.parquet") and not is_corpus("x.json")
    assert corpus_name("data/web.jsonl.gz") == "web" and corpus_name("w.parquet") == "w"


def test_parquet_round_trip(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    records = corpus_records(12)
    rows = [{"id": r["id"], "text": r["text"], "url": r["url"], "n": r["meta"]["n"]} for r in records]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "web.parquet", row_group_size=5)
    report = clean_parquet(tmp_path / "web.parquet", tmp_path / "out", RuleSpec(), rows=4)
    table = pq.read_table(tmp_path / "out" / "web.parquet")
    assert table.schema == pq.read_schema(tmp_path / "web.parquet")
    out = table.to_pylist()
    notes = read_jsonl(tmp_path / "out" / "web.provenance.jsonl")
    assert [r["n"] for r in out] == [r["n"] for r in rows] and report.tally.records == len(rows)
    for row, cleaned, note in zip(rows, out, notes, strict=True):
        assert cleaned["text"] == cleaner.clean(row["text"], url=row["url"]).text
        assert restore(cleaned["text"], note["provenance"]) == row["text"]


def test_cli_summary_and_manifest_count_a_corpus_by_its_records(tmp_path):
    src = write_jsonl(tmp_path / "web.jsonl", corpus_records(5))
    with src.open("a", encoding="utf-8") as f:
        f.write("not json\n")
    result = CliRunner().invoke(main, ["clean", str(src), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "corpus files: 1, 5 of 6 records cleaned, 1 failed" in result.output
    _, row = [json.loads(line) for line in (tmp_path / "out" / "manifest.jsonl").read_text().splitlines()]
    assert (row["records"], row["records_failed"], row["status"]) == (6, 1, "failed")
