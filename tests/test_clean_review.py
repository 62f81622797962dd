"""Reviewing a `cleaner clean` run: --diff, --dry-run listings, -q/-v, --format json, stdin, plurals,
sidecars, and the corpus functions taking a RuleSet."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest
from click.testing import CliRunner

import cleaner
from cleaner.cli.main import main
from cleaner.run.corpus import clean_jsonl

from .conftest import EXPECTED, SEEDS

DOC = "The article's body, as written.\nView all newsletters\n"


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, list(args), input=stdin)


def file_diffs(patch: str) -> dict[str, str]:
    """Split a multi-file unified diff into {'--- a/... header name': that file's diff}."""
    parts: dict[str, str] = {}
    name = None
    for line in patch.splitlines(keepends=True):
        if line.startswith("--- a/"):
            name = line[len("--- a/"):].rstrip("\n")
            parts[name] = ""
        parts[name] += line
    return parts


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs patch(1)")
@pytest.mark.parametrize("dry_run", [False, True])
def test_diff_is_a_patch_from_each_original_to_its_clean_text(tmp_path, dry_run):
    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    out = tmp_path / "out"
    result = run("clean", str(src), "-o", str(out), "--diff", *(["--dry-run"] if dry_run else []))
    assert result.exit_code == 0, result.output
    assert f"{'would clean' if dry_run else 'cleaned'} 3 documents" in result.stderr  # the patch alone on stdout
    diffs = file_diffs(result.stdout)
    assert sorted(diffs) == [str(src / p.name).lstrip("/") for p in sorted(SEEDS.glob("*.txt"))]
    assert (out.exists()) is not dry_run
    for seed in sorted(SEEDS.glob("*.txt")):
        diff = diffs[str(src / seed.name).lstrip("/")]
        assert diff.splitlines()[1] == f"+++ b/{(out / seed.name).as_posix().lstrip('/')}"
        target = tmp_path / f"patched-{seed.name}"
        proc = subprocess.run(["patch", "-s", "-o", str(target), str(seed)], input=diff.encode("utf-8"),
                              capture_output=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert target.read_bytes() == (EXPECTED / seed.name).read_bytes()


def test_diff_of_an_up_to_date_run_reads_the_outputs(tmp_path):
    out = tmp_path / "out"
    assert run("clean", str(SEEDS), "-o", str(out)).exit_code == 0
    again = run("clean", str(SEEDS), "-o", str(out), "--diff")
    assert "3 up to date" in again.stderr
    assert again.stdout.count("\n--- a/") + again.stdout.startswith("--- a/") == 3
    assert "-View all newsletters\n" in again.stdout


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs patch(1)")
@pytest.mark.parametrize("dry_run", [False, True])
@pytest.mark.parametrize("form", ["jsonl", "parquet"])
def test_diff_of_a_corpus_file_is_a_patch_per_record(tmp_path, dry_run, form):
    """Each record of a JSONL or Parquet corpus gets its own diff, named FILE:N#ID, that turns its text
    into its clean text; a record nothing was removed from gets none, one that failed gets none."""
    texts = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    records = [{"id": f"seed-{i}", "text": t} for i, t in enumerate(texts)]
    records += [{"id": "plain", "text": "Nothing to remove here.\n"}, {"text": texts[1]}, {"id": "bad", "text": 7}]
    if form == "jsonl":
        src = tmp_path / "web.jsonl"
        src.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    else:
        pa, pq = pytest.importorskip("pyarrow"), pytest.importorskip("pyarrow.parquet")
        src = tmp_path / "web.parquet"
        pq.write_table(pa.Table.from_pylist([{**r, "text": r["text"] if isinstance(r["text"], str) else None}
                                             for r in records]), src)
    out = tmp_path / "out"
    result = run("clean", str(src), "-o", str(out), "--diff", *(["--dry-run"] if dry_run else []))
    assert result.exit_code == 1, result.output  # the record without a string text fails
    assert "5 of 6 records cleaned" in result.stderr
    diffs = file_diffs(result.stdout)
    source, output = str(src).lstrip("/"), (out / f"web.{form}").as_posix().lstrip("/")
    names = [f"{source}:{n}#seed-{n - 1}" for n in (1, 2, 3)] + [f"{source}:5"]
    assert sorted(diffs) == sorted(names)
    for name, text in zip(names, [*texts, texts[1]], strict=True):
        diff = diffs[name]
        assert diff.splitlines()[1] == f"+++ b/{output}{name[len(source):]}"
        original, target = tmp_path / "original.txt", tmp_path / "patched.txt"
        original.write_text(text, "utf-8", newline="")
        proc = subprocess.run(["patch", "-s", "-o", str(target), str(original)], input=diff.encode("utf-8"),
                              capture_output=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert target.read_bytes() == cleaner.clean(text).text.encode("utf-8")


def test_dry_run_lists_each_document_with_its_rule_counts(tmp_path):
    result = run("clean", str(SEEDS), "-o", str(tmp_path / "out"), "--dry-run")
    lines = result.stdout.splitlines()
    assert lines[0] == (f"{SEEDS / '000_72166b75f3bee34b.txt'}: would remove 37 of 8,667 characters: "
                        "find-out-more-cta ×1, layout.leading-blank ×1")
    assert lines[2].startswith(f"{SEEDS / '002_5d7dadc0c9256121.txt'}: would remove 1,408 of 2,754 characters: ")
    assert "more-from-tail ×1" in lines[2]
    assert lines[3].startswith("would clean 3 documents")


def test_quiet_prints_nothing_and_verbose_lists_documents(tmp_path):
    quiet = run("clean", str(SEEDS), "-o", str(tmp_path / "q"), "-q")
    assert quiet.exit_code == 0 and quiet.stdout == ""
    verbose = run("clean", str(SEEDS), "-o", str(tmp_path / "v"), "-v")
    assert verbose.stdout.splitlines()[0].startswith(f"{SEEDS / '000_72166b75f3bee34b.txt'}: removed 37 of 8,667")
    again = run("clean", str(SEEDS), "-o", str(tmp_path / "v"), "-v")
    assert again.stdout.splitlines()[0].startswith(f"{SEEDS / '000_72166b75f3bee34b.txt'} (up to date): removed 37")


def test_format_json_summary(tmp_path):
    (tmp_path / "src").mkdir()
    shutil.copy(SEEDS / "002_5d7dadc0c9256121.txt", tmp_path / "src" / "a.txt")
    (tmp_path / "src" / "notes.pdf").write_bytes(b"%PDF")
    result = run("clean", str(tmp_path / "src"), "-o", str(tmp_path / "out"), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["schema"] == "cleaner.summary/1" and data["dry_run"] is False
    assert data["documents"] == {"cleaned": 1, "unchanged": 0, "failed": 0, "skipped": 1}
    assert data["chars_removed"] == 1408 and data["by_rule"]["more-from-tail"] == {"spans": 1, "lines": 4,
                                                                                   "chars": 257}
    assert data["reports"][0]["source"] == str(tmp_path / "src" / "a.txt")
    assert data["skipped"] == [str(tmp_path / "src" / "notes.pdf")]


def test_plurals_and_url_sidecars_are_not_skipped(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "page.txt").write_text(DOC, "utf-8")
    (src / "page.url").write_text("https://example.com/a\n", "utf-8")
    (src / "stray.url").write_text("https://example.com/b\n", "utf-8")  # beside no document: skipped
    result = run("clean", str(src), "-o", str(tmp_path / "out"))
    first = result.stdout.splitlines()[0]
    assert first == "cleaned 1 document, 0 up to date, 0 failed, 1 skipped (not .txt/.md/.html/.htm)"


def test_stdin_to_stdout(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "cleaner", "clean", "-"], input=DOC.encode("utf-8"),
                          capture_output=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == b"The article's body, as written.\n" and proc.stderr == b""
    assert run("clean", "-", "-o", "-", stdin=DOC).stdout == "The article's body, as written.\n"
    assert run("clean", "-", "-o", str(tmp_path / "out"), stdin=DOC).exit_code == 2
    assert run("clean", "-", str(SEEDS), stdin=DOC).exit_code == 2
    empty = run("clean", "-", stdin="")
    assert empty.exit_code == 1 and "error: <stdin>: empty document" in empty.stderr
    assert run("clean", str(SEEDS)).exit_code == 2  # a folder still needs -o


def test_corpus_functions_take_a_rule_set_or_paths(tmp_path):
    src = tmp_path / "web.jsonl"
    src.write_text(json.dumps({"id": "a", "text": DOC + "Tap to listen\n"}) + "\n", "utf-8")
    pack = tmp_path / "p.toml"
    pack.write_text('id = "p"\nversion = "1"\n[[rules]]\nid = "tap"\nkind = "line"\npattern = \'^Tap to\'\n'
                    'rationale = "x"\nexamples.remove = ["Tap to listen"]\n', "utf-8")
    rules = cleaner.load_rules([pack])
    for n, given in enumerate([rules, [pack], [str(pack)]]):
        for workers in (1, 2):
            out = tmp_path / f"out{n}-{workers}"
            report = clean_jsonl(src, out, given, workers=workers)
            assert report.status == "cleaned"
            assert json.loads((out / "web.jsonl").read_text("utf-8"))["text"] == "The article's body, as written.\n"
    default = clean_jsonl(src, tmp_path / "default")
    assert json.loads((tmp_path / "default" / "web.jsonl").read_text("utf-8"))["text"].endswith("Tap to listen\n")
    assert default.status == "cleaned"
    with pytest.raises(TypeError, match="list of rule pack paths"):
        clean_jsonl(src, tmp_path / "bad", str(pack))
