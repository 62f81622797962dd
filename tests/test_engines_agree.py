"""Issue 11's acceptance: on the seeds and the dev set, `cleaner clean` writes the same bytes with
`--jobs 1`, `--jobs 2` and the Dask engine (a real LocalCluster), and the seeds' bodies are the
golden ones (tests/data/expected).

The dev pages are a fixed sample, every 40th page in id order (20 pages), each as its three inputs:
`full.txt`, `recall.txt` and the HTML page (through trafilatura). Every file of OUT is compared:
clean texts, provenance records and the manifest.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cleaner.cli.main import main

from .conftest import ROOT, SEEDS, SHARED
from .test_jsonl import tree_digest

DEVSET = SHARED / "devset"
SAMPLE_STEP = 40
ENGINES = {"jobs 1": ["--jobs", "1"], "jobs 2": ["--jobs", "2"], "dask": ["--engine", "dask", "--jobs", "2"]}


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> list[Path]:
    """The seeds, and a folder with the dev-set sample when ../shared/devset is present."""
    if not DEVSET.is_dir():
        return [SEEDS]
    sample = tmp_path_factory.mktemp("devset")
    pages = sorted({p.name.split(".")[0] for p in DEVSET.glob("*.html")})[::SAMPLE_STEP]
    for page in pages:
        for suffix in (".full.txt", ".recall.txt", ".html"):
            shutil.copyfile(DEVSET / f"{page}{suffix}", sample / f"{page}{suffix}")
    assert len(pages) >= 15
    return [SEEDS, sample]


@pytest.fixture(scope="module")
def outputs(sources, tmp_path_factory) -> dict[str, Path]:
    done = {}
    for name, options in ENGINES.items():
        if name == "dask":
            pytest.importorskip("distributed")
        out = tmp_path_factory.mktemp(name.replace(" ", "-"))
        result = CliRunner().invoke(main, ["clean", *map(str, sources), "-o", str(out), *options])
        assert result.exit_code == 0, result.output
        done[name] = out
    return done


def test_seeds_and_dev_pages_give_the_same_bytes_with_one_worker_two_and_dask(outputs, sources):
    trees = {name: tree_digest(out) for name, out in outputs.items()}
    reference = trees["jobs 1"]
    documents = [name for name in reference if name.endswith(".txt")]
    pages = sum(1 for source in sources[1:] for _ in source.glob("*.html"))
    assert len(documents) == sum(1 for _ in SEEDS.glob("*.txt")) + 3 * pages  # full.txt, recall.txt, html
    for name, tree in trees.items():
        differing = sorted(set(tree.items()) ^ set(reference.items()))
        assert tree == reference, f"{name} differs from --jobs 1: {differing[:4]}"


def test_the_seeds_bodies_are_the_golden_ones_on_every_engine(outputs):
    expected = ROOT / "tests" / "data" / "expected"
    for name, out in outputs.items():
        for golden in sorted(expected.glob("*.txt")):
            assert (out / golden.name).read_bytes() == golden.read_bytes(), f"{name}: {golden.name}"
