"""Keep lists for the records of corpus files (JSONL, Parquet): named `FILE#RECORD` in
`[tool.cleaner.keep]`, or in the corpus file's sidecar, honoured by the one record loop (CLI, library,
worker processes), recorded in each record's provenance."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import cleaner
from cleaner.engine.keep import KeepEntry, RecordKeep, line_hash, record_name
from cleaner.engine.provenance import restore
from cleaner.run.corpus import clean_jsonl, clean_parquet

from .conftest import SEEDS
from .test_keep_and_config import cli

SEED1 = "001_22eb14aad1dde7e7"
APPEAL = "Support 110 years of independent journalism."  # seed 001, removed by support-journalism


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A repository holding data/web.jsonl: seed 001 three times (ids a and b, and one without id)."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "data").mkdir()
    text = (SEEDS / f"{SEED1}.txt").read_text("utf-8")
    records = [{"id": "a", "text": text}, {"id": "b", "text": text, "lang": "en"}, {"text": text}]
    (tmp_path / "data" / "web.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_config(project: Path, body: str) -> None:
    (project / "pyproject.toml").write_text(f'[tool.cleaner]\n{body}\n', "utf-8")


def kept_in(out: Path, name: str = "web") -> list[bool]:
    """Per output record: whether the appeal line stayed, checked against the provenance line."""
    texts = [json.loads(x)["text"] for x in (out / f"{name}.jsonl").read_text("utf-8").splitlines()]
    notes = [json.loads(x) for x in (out / f"{name}.provenance.jsonl").read_text("utf-8").splitlines()]
    for text, note in zip(texts, notes, strict=True):
        assert restore(text, note["provenance"]) == (SEEDS / f"{SEED1}.txt").read_text("utf-8")
        assert (APPEAL in text) == any(k["text"].strip() == APPEAL for k in note["provenance"].get("kept", []))
    return [APPEAL in t for t in texts]


def test_record_names_are_ids_or_positions():
    assert record_name({"id": "rec-1"}, 7) == "rec-1"
    assert record_name({"id": 17}, 7) == "17"
    assert record_name({"text": "x"}, 7) == "7"
    keep = RecordKeep((("rec-*", (KeepEntry(text="a"),)), ("7", (KeepEntry(text="b"),))))
    assert [e.text for e in keep.for_record({"id": "rec-2"}, 1)] == ["a"]
    assert [e.text for e in keep.for_record({}, 7)] == ["b"]
    assert keep.for_record({"id": "other"}, 7) == ()


def test_config_keeps_a_line_in_one_record_by_id(project):
    write_config(project, f'[tool.cleaner.keep]\n"data/web.jsonl#b" = [{{ text = "{APPEAL}", '
                          'rule = "support-journalism" }]')
    assert cli("clean", "data/web.jsonl", "-o", "out").exit_code == 0
    assert kept_in(project / "out") == [False, True, False]
    note = json.loads((project / "out" / "web.provenance.jsonl").read_text("utf-8").splitlines()[1])
    (kept,) = note["provenance"]["kept"]
    assert kept["rules"] == ["support-journalism"]
    assert kept["entries"][0]["origin"].endswith("pyproject.toml [tool.cleaner.keep] 'data/web.jsonl#b'")


def test_config_key_without_record_keeps_in_every_record_and_position_names_a_record_without_id(project):
    write_config(project, f'[tool.cleaner.keep]\n"data/*.jsonl" = [{{ hash = "{line_hash(APPEAL)[:10]}" }}]')
    assert cli("clean", "data/web.jsonl", "-o", "out").exit_code == 0
    assert kept_in(project / "out") == [True, True, True]
    write_config(project, f'[tool.cleaner.keep]\n"data/web.jsonl#3" = [{{ text = "{APPEAL}" }}]')
    assert cli("clean", "data/web.jsonl", "-o", "out2", "--jobs", "2").exit_code == 0
    assert kept_in(project / "out2") == [False, False, True]


def test_a_keep_entry_for_another_rule_keeps_nothing(project):
    write_config(project, f'[tool.cleaner.keep]\n"data/web.jsonl#*" = [{{ text = "{APPEAL}", '
                          'rule = "copyright-line" }]')
    assert cli("clean", "data/web.jsonl", "-o", "out").exit_code == 0
    assert kept_in(project / "out") == [False, False, False]


def test_sidecar_keep_file_of_a_corpus_and_the_library(project):
    (project / "data" / "web.keep.toml").write_text(
        f'[records]\n"a" = [{{ text = "{APPEAL}", rule = "support-journalism" }}]\n', "utf-8")
    assert cli("clean", "data/web.jsonl", "-o", "out").exit_code == 0
    assert kept_in(project / "out") == [True, False, False]
    clean_jsonl(project / "data" / "web.jsonl", project / "lib")  # the library reads the sidecar too
    assert kept_in(project / "lib") == [True, False, False]
    clean_jsonl(project / "data" / "web.jsonl", project / "none", keep=RecordKeep())
    assert kept_in(project / "none") == [False, False, False]


def test_bad_corpus_keep_file_fails_that_corpus_naming_the_file(project):
    (project / "data" / "web.keep.toml").write_text('[records]\n"a" = [{ line = 3 }]\n', "utf-8")
    result = cli("clean", "data/web.jsonl", "-o", "out")
    assert result.exit_code == 1 and "web.keep.toml" in result.output and "[records] 'a'" in result.output


def test_parquet_records_by_id_and_by_row(project):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    text = (SEEDS / f"{SEED1}.txt").read_text("utf-8")
    rows = [{"id": f"p{i}", "text": text} for i in range(4)]
    pq.write_table(pa.Table.from_pylist(rows), project / "data" / "web.parquet", row_group_size=2)
    (project / "data" / "web.jsonl").unlink()
    write_config(project, f'[tool.cleaner.keep]\n"data/web.parquet#p2" = [{{ text = "{APPEAL}" }}]')
    assert cli("clean", "data/web.parquet", "-o", "out").exit_code == 0
    out = pq.read_table(project / "out" / "web.parquet").to_pylist()
    notes = [json.loads(x) for x in (project / "out" / "web.provenance.jsonl").read_text("utf-8").splitlines()]
    assert [APPEAL in r["text"] for r in out] == [False, False, True, False]
    assert [bool(n["provenance"].get("kept")) for n in notes] == [False, False, True, False]
    assert all(restore(r["text"], n["provenance"]) == text for r, n in zip(out, notes, strict=True))
    # the library, given entries, with the row position naming a record
    shutil.rmtree(project / "out")
    clean_parquet(project / "data" / "web.parquet", project / "lib", rows=3,
                  keep=RecordKeep((("1", (KeepEntry(text=APPEAL),)),)))
    pq_rows = pq.read_table(project / "lib" / "web.parquet").to_pylist()
    assert [APPEAL in r["text"] for r in pq_rows] == [False, False, False, False]  # every row has an id
    assert cleaner.clean(text).text == pq_rows[0]["text"]
