"""Runs that would overwrite an input, a record or another output are refused before anything is
written (exit 2, both paths named); files cleaner writes are never inputs; odd trees are walked.

Each test is a defect of issue 11 that the old runner had; every run goes through the real CLI.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.cli.main import main

from .conftest import EXPECTED, SEEDS

SEED = sorted(SEEDS.glob("*.txt"))[0]


def run(*args: str | Path):
    result = CliRunner().invoke(main, ["clean", *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def seeded(folder: Path) -> Path:
    shutil.copytree(SEEDS, folder, dirs_exist_ok=True)
    return folder


def records_jsonl(path: Path, n: int = 3) -> Path:
    text = SEED.read_text("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps({"id": i, "text": text}) + "\n" for i in range(n)), "utf-8")
    return path


def assert_refused(result, *paths: Path | str) -> None:
    assert result.exit_code == 2, result.output
    line = next(line for line in result.output.splitlines() if line.startswith("error: "))
    for path in paths:
        assert str(path) in line, (path, line)


def test_cleaning_a_folder_into_itself_is_refused_and_touches_nothing(tmp_path):
    src = seeded(tmp_path / "d")
    before = snapshot(src)
    result = run(src, "-o", src)
    assert_refused(result, src / SEED.name, "would overwrite the input")
    assert snapshot(src) == before
    assert_refused(run(src, "-o", src), src / SEED.name)  # and again: nothing was written to trip over
    assert snapshot(src) == before


def test_a_file_cleaned_into_its_own_folder_is_refused(tmp_path):
    src = seeded(tmp_path / "d")
    before = snapshot(src)
    assert_refused(run(src / SEED.name, "-o", src), src / SEED.name)
    assert snapshot(src) == before


def test_a_source_nested_inside_out_cannot_write_over_or_into_it(tmp_path):
    out = tmp_path / "d"
    (out / "sub" / "sub").mkdir(parents=True)
    shutil.copy(SEED, out / "sub" / "sub" / "x.txt")  # would be written to d/sub/x.txt: inside SRC
    before = snapshot(out)
    assert_refused(run(out / "sub", "-o", out), out / "sub" / "sub" / "x.txt", out / "sub")
    shutil.copy(SEED, out / "sub" / "x.txt")  # now it would overwrite an input
    before = snapshot(out)
    assert_refused(run(out / "sub", "-o", out), out / "sub" / "x.txt", "would overwrite the input")
    assert snapshot(out) == before


def test_out_inside_the_source_holding_inputs_is_refused(tmp_path):
    src = tmp_path / "s"
    (src / "sub").mkdir(parents=True)
    shutil.copy(SEED, src / "a.txt")
    shutil.copy(SEED, src / "sub" / "a.txt")  # the old runner overwrote it with s/a.txt's body
    shutil.copy(SEED, src / "sub" / "b.txt")  # ... and never cleaned this one
    before = snapshot(src)
    assert_refused(run(src, "-o", src / "sub"), src / "sub" / "a.txt", src / "a.txt")
    (src / "sub" / "a.txt").unlink()
    before = snapshot(src)
    assert_refused(run(src, "-o", src / "sub"), src / "sub", src / "sub" / "b.txt")
    assert snapshot(src) == before


def test_an_out_inside_the_source_written_by_cleaner_is_left_out_of_the_walk(tmp_path):
    src = seeded(tmp_path / "s")
    assert run(src, "-o", src / "clean").exit_code == 0
    again = run(src, "-o", src / "clean")
    assert again.exit_code == 0 and "3 up to date" in again.output
    other = run(src, "-o", tmp_path / "other")  # an earlier run's OUT is never an input
    assert other.exit_code == 0 and "cleaned 3 documents" in other.output
    assert not (tmp_path / "other" / "clean").exists()


def test_corpus_outputs_never_replace_their_input_or_each_other(tmp_path):
    corpus = records_jsonl(tmp_path / "dir" / "web.jsonl")
    before = corpus.read_bytes()
    assert_refused(run(corpus, "-o", tmp_path / "dir"), corpus, "would overwrite the input")
    assert corpus.read_bytes() == before
    other = records_jsonl(tmp_path / "b" / "web.jsonl")
    assert_refused(run(corpus, other, "-o", tmp_path / "out"), corpus, other, "web.jsonl")
    assert not (tmp_path / "out").exists()


def test_jsonl_and_parquet_of_one_name_cannot_share_a_provenance_file(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    corpus = records_jsonl(tmp_path / "web.jsonl")
    pq.write_table(pa.Table.from_pylist([{"id": 1, "text": "Body.\n"}]), tmp_path / "web.parquet")
    result = run(corpus, tmp_path / "web.parquet", "-o", tmp_path / "out")
    assert_refused(result, corpus, tmp_path / "web.parquet", "web.provenance.jsonl")


def test_files_cleaner_writes_are_never_inputs(tmp_path):
    out = tmp_path / "out"
    assert run(SEEDS, "-o", out).exit_code == 0
    record = next(out.glob("*.provenance.json"))
    lines = records_jsonl(tmp_path / "web.provenance.jsonl")
    result = run(record, lines, out / "manifest.jsonl", "-o", tmp_path / "again")
    assert result.exit_code == 0, result.output
    for path in (record, lines, out / "manifest.jsonl"):
        assert f"note: {path}: written by cleaner, not an input" in result.output
    assert "cleaned 0 documents" in result.output
    assert sorted(p.name for p in (tmp_path / "again").iterdir()) == [".cleaner.lock", "manifest.jsonl"]


def test_a_file_in_a_folder_cleaner_did_not_write_is_never_replaced(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / SEED.name).write_text("My own notes.\n", "utf-8")
    result = run(SEEDS, "-o", out)
    assert_refused(result, out / SEED.name, "cleaner did not write")
    assert (out / SEED.name).read_text("utf-8") == "My own notes.\n"


def test_a_tree_1100_levels_deep_is_walked_without_recursion_errors(tmp_path):
    limit, original_cwd = sys.getrecursionlimit(), os.getcwd()
    src = tmp_path / "deep"
    os.makedirs(src)
    fd = os.open(src, os.O_RDONLY)
    try:  # build it relative to a folder descriptor: the full path outgrows PATH_MAX
        os.chdir(src)
        for _ in range(1100):
            os.mkdir("d")
            os.chdir("d")
        shutil.copy(SEED, "x.txt")
    finally:
        os.chdir(tmp_path)
        os.close(fd)
    try:
        assert sys.getrecursionlimit() == limit
        result = run(src, "-o", tmp_path / "out")
        # PATH_MAX (4096) caps what any program can open by name at this depth; what matters is that the
        # walk finishes and names what it cannot read, rather than a RecursionError cleaning nothing.
        assert result.exit_code == 0, result.output
        assert "cleaned 1 document," in result.output
    finally:  # also when an assertion fails: pytest's own clean-up of tmp_path would recurse 1,100 deep
        for tree in (src, tmp_path / "out"):  # shutil.rmtree recurses too: take the trees down iteratively
            if tree.is_dir():
                remove_deep(tree)
        os.chdir(original_cwd)  # later tests find the configuration from the working directory


def remove_deep(root: Path) -> None:
    depth = 0
    os.chdir(root)
    while Path("d").is_dir():
        os.chdir("d")
        depth += 1
    for _ in range(depth + 1):
        for name in os.listdir("."):
            if not Path(name).is_dir():
                os.unlink(name)
        os.chdir("..")
        for name in os.listdir("."):
            if Path(name).is_dir() and name in ("d", root.name):
                os.rmdir(name)
    os.chdir(root.parent.parent)


# ---- for any tree and any OUT, no output overwrites an input ----------------------------------------

NAMES = st.sampled_from(["a", "b", "sub", "out", "web"])
FILES = st.sampled_from(["a.txt", "b.md", "c.html", "web.jsonl", "x.pdf", "a.provenance.json", "manifest.jsonl"])
TREES = st.lists(st.tuples(st.lists(NAMES, max_size=3), FILES), min_size=1, max_size=8)


def build(root: Path, tree: list[tuple[list[str], str]]) -> list[Path]:
    made = []
    for folders, name in tree:
        path = root.joinpath(*folders, name)
        if any(p.exists() and not p.is_dir() for p in [*path.parents][: len(folders)]):
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            continue
        if name.endswith(".jsonl"):
            records_jsonl(path, 1)
        elif name.endswith(".html"):
            path.write_text("<html><body><p>" + "A line of body text. " * 20 + "</p></body></html>", "utf-8")
        else:
            path.write_bytes(SEED.read_bytes() + name.encode())
        made.append(path)
    return made


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=TREES, out=st.lists(NAMES, max_size=3), sources=st.lists(st.lists(NAMES, max_size=2), min_size=1,
                                                                         max_size=2))
def test_no_output_ever_overwrites_an_input(tmp_path_factory, tree, out, sources):
    root = tmp_path_factory.mktemp("tree")
    build(root, tree)
    before = snapshot(root)
    args = [root.joinpath(*s) for s in sources if root.joinpath(*s).exists()] or [root]
    files = [p for p in root.rglob("*.jsonl") if p.is_file()][:1]  # a corpus named as an argument too
    target = root.joinpath(*out)
    result = run(*args, *files, "-o", target)
    assert result.exit_code in (0, 1, 2), result.output
    after = snapshot(root)
    for name, digest in before.items():
        assert after.get(name) == digest, f"{name} changed: {result.output}"
    if result.exit_code == 2:
        assert after == before  # refused: nothing written at all


def test_expected_bodies_unchanged_by_the_safety_checks(tmp_path):
    """The seeds still come out byte-exact through the planned, locked run."""
    assert run(SEEDS, "-o", tmp_path / "out").exit_code == 0
    for seed in SEEDS.glob("*.txt"):
        assert (tmp_path / "out" / seed.name).read_bytes() == (EXPECTED / seed.name).read_bytes()


def test_gzip_corpus_names_are_planned_like_plain_ones(tmp_path):
    plain = records_jsonl(tmp_path / "a" / "web.jsonl")
    packed = tmp_path / "b" / "web.jsonl.gz"
    packed.parent.mkdir()
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    assert_refused(run(plain, packed, "-o", tmp_path / "out"), plain, packed)
