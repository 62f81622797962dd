"""The datatrove pipeline step, run by datatrove's own executor (a dev dependency; skipped without it)."""

from __future__ import annotations

import gzip
import json

import pytest

import cleaner

datatrove = pytest.importorskip("datatrove")

from datatrove.data import Document  # noqa: E402
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402

from cleaner.integrations.datatrove import CleanerStep  # noqa: E402

from .conftest import SEEDS  # noqa: E402

SITE_PACK = '''
id = "example-site"
version = "1"
description = "A site pack"
scope = ["example.com"]

[[rules]]
id = "example-promo"
kind = "line"
pattern = '^Listen to the Example podcast'
rationale = "test"
examples.remove = ["Listen to the Example podcast"]
'''


def documents() -> list[Document]:
    docs = [Document(text=p.read_text("utf-8"), id=p.stem) for p in sorted(SEEDS.glob("*.txt"))]
    podcast = "A body paragraph.\nListen to the Example podcast\n"
    docs.append(Document(text=podcast, id="site", metadata={"url": "https://www.example.com/a"}))
    docs.append(Document(text=podcast, id="elsewhere"))
    docs.append(Document(text="View all newsletters\n", id="only-furniture"))
    return docs


def read_output(folder) -> dict[str, dict]:
    rows = {}
    for path in sorted(folder.glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                row = json.loads(line)
                rows[row["id"]] = row
    return rows


def test_step_cleans_text_and_keeps_provenance_in_metadata_through_the_executor(tmp_path):
    pack = tmp_path / "site.toml"
    pack.write_text(SITE_PACK, "utf-8")
    originals = {d.id: d.text for d in documents()}
    step = CleanerStep(rules=cleaner.load_rules([pack]), drop_empty=True)
    executor = LocalPipelineExecutor(pipeline=[documents(), step, JsonlWriter(str(tmp_path / "out"))],
                                     tasks=2, workers=2, logging_dir=str(tmp_path / "logs"))
    executor.run()
    rows = read_output(tmp_path / "out")
    assert "only-furniture" not in rows  # nothing left: dropped
    for path in sorted(SEEDS.glob("*.txt")):
        row = rows[path.stem]
        expected = (SEEDS.parent / "tests" / "data" / "expected" / path.name).read_text("utf-8")
        assert row["text"] == expected
        record = row["metadata"]["cleaner"]
        assert cleaner.restore(row["text"], record) == originals[path.stem]
    assert rows["site"]["text"] == "A body paragraph.\n"  # the url selected the site pack
    assert rows["elsewhere"]["text"] == originals["elsewhere"]
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text("utf-8"))
    step_stats = next(s for s in stats if s["name"].endswith("cleaner"))["stats"]
    assert step_stats["dropped"] == 2 and step_stats["total"] == 12  # each of the 2 tasks ran the whole list


def test_step_keeps_a_document_it_cannot_clean_and_records_why(tmp_path):
    pack = tmp_path / "slow.toml"
    pack.write_text('id = "slow"\nversion = "1"\n[[rules]]\nid = "slow"\nkind = "line"\n'
                    "pattern = '^(\\w|\\w\\w)+$'\nrationale = \"x\"\nexamples.remove = [\"ab\"]\n", "utf-8")
    step = CleanerStep(rules=[pack], defaults=False, timeout=0.05)
    text = "a" * 60 + "!\n"
    out = list(step.run([Document(text=text, id="d")]))
    assert out[0].text == text
    assert "slow" in out[0].metadata["cleaner"]["error"]
    assert step.stats["failed"].total == 1


def test_step_refuses_a_single_path_string():
    with pytest.raises(TypeError, match="list of rule pack paths"):
        CleanerStep(rules="my_rules/")
