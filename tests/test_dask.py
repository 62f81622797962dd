"""The Dask engine on a real LocalCluster (two worker processes on localhost): byte-identical to --jobs 1."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import cleaner
from cleaner.cli.main import main

from .conftest import SEEDS
from .test_jsonl import corpus_records, tree_digest, write_jsonl

distributed = pytest.importorskip("distributed")
cd = pytest.importorskip("cleaner.run.distributed")


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    return write_jsonl(folder / "web.jsonl", corpus_records(40))


def run(*args: str):
    result = CliRunner().invoke(main, ["clean", *args])
    assert result.exit_code == 0, result.output
    return result


def test_scheduler_address_gives_the_bytes_of_jobs_1(client, corpus, tmp_path):
    run(str(corpus), str(SEEDS), "-o", str(tmp_path / "local"), "--jobs", "1")
    run(str(corpus), str(SEEDS), "-o", str(tmp_path / "dask"), "--scheduler", client.scheduler.address)
    local, dask = tree_digest(tmp_path / "local"), tree_digest(tmp_path / "dask")
    assert local == dask and {"web.jsonl", "web.provenance.jsonl", next(SEEDS.glob("*.txt")).name} <= set(dask)


def test_many_partitions_still_write_the_same_bytes(client, corpus, tmp_path):
    rules = cleaner.load_rules()
    cd.clean_jsonl(str(corpus), tmp_path / "dask", client, rules, blocksize=20_000)
    run(str(corpus), "-o", str(tmp_path / "local"), "--jobs", "1")
    assert (tmp_path / "dask" / "web.jsonl").read_bytes() == (tmp_path / "local" / "web.jsonl").read_bytes()
    assert ((tmp_path / "dask" / "web.provenance.jsonl").read_bytes()
            == (tmp_path / "local" / "web.provenance.jsonl").read_bytes())


def test_clean_bag_maps_the_cleaner_over_records(client, corpus):
    records = [json.loads(line) for line in corpus.read_text("utf-8").splitlines()]
    out = cd.clean_bag(cd.read_jsonl(str(corpus), blocksize=30_000)).compute()
    assert [r["id"] for r in out] == [r["id"] for r in records]
    for original, cleaned in zip(records, out, strict=True):
        expected = cleaner.clean(original["text"], url=original["url"])
        assert cleaned["text"] == expected.text and cleaned["meta"] == original["meta"]
        assert cleaned["provenance"]["removals"] == expected.provenance["removals"]


def test_the_rule_set_is_one_task_keyed_by_its_hash(client, corpus):
    rules = cleaner.load_rules()
    graph = dict(cd.clean_bag(cd.read_jsonl(str(corpus), blocksize=30_000), rules).__dask_graph__())
    rule_keys = [k for k in graph if str(k).startswith("cleaner-rules-")]
    assert rule_keys == [f"cleaner-rules-{rules.hash}"]


def test_clean_dataframe(client):
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    records = corpus_records(9)
    frame = pd.DataFrame([{"id": r["id"], "text": r["text"], "n": r["meta"]["n"]} for r in records])
    out = cd.clean_dataframe(dd.from_pandas(frame, npartitions=3)).compute()
    assert out["n"].tolist() == frame["n"].tolist()
    assert out["text"].tolist() == [cleaner.clean(t).text for t in frame["text"]]
    assert all(json.loads(p)["schema"] == "cleaner.provenance/2" for p in out["provenance"])


def test_engine_dask_starts_and_closes_a_local_cluster(corpus, tmp_path):
    run(str(corpus), "-o", str(tmp_path / "dask"), "--engine", "dask", "--jobs", "2")
    run(str(corpus), "-o", str(tmp_path / "local"), "--jobs", "1")
    assert tree_digest(tmp_path / "dask") == tree_digest(tmp_path / "local")


def test_a_line_of_invalid_utf8_is_reported_as_the_local_engine_reports_it(client, corpus, tmp_path):
    lines = corpus.read_bytes().splitlines(keepends=True)
    lines[5] = lines[5].replace(b'"doc-5"', b'"doc-5\xff"')
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(b"".join(lines))
    results = {}
    for name, engine in (("local", ["--jobs", "1"]), ("dask", ["--scheduler", client.scheduler.address])):
        result = CliRunner().invoke(main, ["clean", str(broken), "-o", str(tmp_path / name), *engine])
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert f"error: {broken}: line 6: not JSON: 'utf-8' codec can't decode" in result.output
        assert len(result.output) < 5_000  # one line for the bad record, not the block's text
        results[name] = tree_digest(tmp_path / name)
    assert results["local"] == results["dask"] and "broken.jsonl" in results["dask"]


def test_record_keep_lists_hold_on_the_cluster_as_locally(client, corpus, tmp_path):
    """A corpus file's keep sidecar names record doc-1; doc-10 holds the same text and loses the line."""
    appeal = "Support 110 years of independent journalism."
    src = tmp_path / "src" / "web.jsonl"
    src.parent.mkdir()
    src.write_bytes(corpus.read_bytes())
    (src.parent / "web.keep.toml").write_text(f'[records]\n"doc-1" = [{{ text = "{appeal}" }}]\n', "utf-8")
    run(str(src), "-o", str(tmp_path / "local"), "--jobs", "1")
    run(str(src), "-o", str(tmp_path / "dask"), "--scheduler", client.scheduler.address)
    assert tree_digest(tmp_path / "local") == tree_digest(tmp_path / "dask")
    texts = {r["id"]: r["text"] for r in map(json.loads, (tmp_path / "dask" / "web.jsonl").open("rb"))}
    assert appeal in texts["doc-1"] and appeal not in texts["doc-10"]
