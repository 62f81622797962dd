"""The README's commands run as written (tests/test_readme.py checks the quick start; this, the
rest): every concrete `cleaner ...` command it shows on the seeds (no SRC/OUT placeholders) is run,
in the README's order, through a shell in a folder holding a copy of the seeds, as a reader would
type it; and every `import` its Python examples make resolves."""

from __future__ import annotations

import gzip
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, SEEDS

README = (ROOT / "README.md").read_text("utf-8")
PLACEHOLDER = re.compile(r"\b[A-Z][A-Z_]{1,}\b|\.\.\.|\[|\|")


def commands() -> list[str]:
    """Concrete `cleaner` commands, from fenced shell blocks (parts of `&&` chains) and inline code."""
    found = []
    for block in re.findall(r"```bash\n(.*?)```", README, re.S):
        for line in block.splitlines():
            found += [part.strip() for part in line.split("#")[0].split("&&") if part.strip().startswith("cleaner ")]
    found += re.findall(r"`(cleaner [^`]+)`", README)
    seen, ordered = set(), []
    for command in found:
        if "seeds" in command and not PLACEHOLDER.search(command) and command not in seen:
            seen.add(command)
            ordered.append(command)
    return ordered


def test_the_readme_shows_the_commands_a_reader_runs_first():
    listed = commands()
    for expected in ("cleaner clean seeds -o out", "cleaner hook fix seeds/*", "cleaner hook check seeds/*.txt"):
        assert expected in listed, listed


def test_every_concrete_command_in_the_readme_runs_as_written(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    bin_dir = Path(sys.executable).parent
    for command in commands() + ["cleaner hook fix seeds/*"]:  # the README's example, run a second time
        proc = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, timeout=600,
                              env={"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path)}, check=False)
        output = proc.stdout + proc.stderr
        assert proc.returncode in (0, 1), f"{command}: exit {proc.returncode}\n{output}"
        assert "Traceback" not in output and "Usage:" not in output, f"{command}\n{output}"
    assert not list((tmp_path / "seeds").glob("*.provenance.provenance.json"))


def test_the_python_examples_import_what_exists():
    for block in re.findall(r"```python\n(.*?)```", README, re.S):
        for line in block.splitlines():
            if re.match(r"(import|from) cleaner\b", line):
                exec(line, {})  # noqa: S102 - the README's own import lines


MY_PACK = '''id = "my-rules"
version = "1"
description = "A reader's own pack, for the README's examples"

[[rules]]
id = "follow-us"
kind = "line"
pattern = '(?i)^follow us\\b'
rationale = "A social prompt"
examples.remove = [{ text = "Body.\\nFollow us on X\\nMore body.", expect = "Body.\\nMore body." }]
'''


def _example_folder(tmp_path: Path) -> tuple[Path, str]:
    """A folder holding what the README's Python examples name (`page.html`, `my_rules/`, a `raw/`
    JSONL folder, a parquet folder), and a prelude giving them `text`: a seed's text."""
    shutil.copyfile(ROOT / "tests" / "data" / "html" / "newsletter_page.html", tmp_path / "page.html")
    (tmp_path / "my_rules").mkdir()
    (tmp_path / "my_rules" / "mine.toml").write_text(MY_PACK, "utf-8")
    seeds = sorted(SEEDS.glob("*.txt"))
    records = [{"id": p.stem, "text": p.read_text("utf-8"), "url": "https://example.com/" + p.stem} for p in seeds]
    for folder in ("raw", "bucket/shards"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "raw" / "web.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    with gzip.open(tmp_path / "bucket" / "shards" / "a.jsonl.gz", "wt", encoding="utf-8") as f:
        f.writelines(json.dumps(r) + "\n" for r in records)
    prelude = f"text = open({str(seeds[0])!r}, encoding='utf-8').read()\n"
    return tmp_path, prelude


def test_the_python_examples_run_as_written(tmp_path):
    """Each Python block of the README runs in a fresh interpreter, in a folder holding the files it
    names; `text` is a seed's text. The Dask block's `s3://bucket/` is a local folder (fsspec's
    `file://`): the only change to what a reader would run. Blocks need their optional extras
    (datatrove, dask), which the dev extras install."""
    folder, prelude = _example_folder(tmp_path)
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    assert len(blocks) >= 4
    for block in blocks:
        if "s3://bucket/parquet/" in block:
            pd = pytest.importorskip("pandas")
            (folder / "bucket" / "parquet").mkdir()
            texts = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
            frame = pd.DataFrame({"id": [f"s{i}" for i in range(len(texts))], "text": texts})
            frame.to_parquet(folder / "bucket" / "parquet" / "0.parquet")
        code = prelude + block.replace("s3://bucket/", (folder / "bucket").as_uri() + "/")
        proc = subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True, text=True, timeout=600,
                              check=False)
        assert proc.returncode == 0, f"{block}\n{proc.stderr[-3000:]}"
    assert list((folder / "clean").glob("*"))  # the datatrove pipeline wrote its output
    assert list((folder / "bucket" / "clean").glob("*.jsonl"))  # and the Dask bag its
