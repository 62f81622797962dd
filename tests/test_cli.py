"""The `cleaner clean` command over folders: outputs, manifest, summary, exit codes, HTML input."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from cleaner.cli.main import main

from .conftest import EXPECTED, ROOT, SEEDS

HTML = ROOT / "tests" / "data" / "html" / "newsletter_page.html"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def tree_digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_clean_folder_mirrors_layout_and_writes_manifest(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(SEEDS, src / "a" / "b")
    (src / "notes.pdf").write_bytes(b"%PDF-1.4")
    result = run("clean", str(src), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    for seed in SEEDS.glob("*.txt"):
        out = tmp_path / "out" / "a" / "b" / seed.name
        assert out.read_bytes() == (EXPECTED / seed.name).read_bytes()
        record = json.loads(out.with_suffix(".provenance.json").read_text("utf-8"))
        assert record["source"]["sha256"] == hashlib.sha256(seed.read_bytes()).hexdigest()
    run_line, *rows = [json.loads(line) for line in (tmp_path / "out" / "manifest.jsonl").read_text().splitlines()]
    assert [r["status"] for r in rows] == ["cleaned"] * 3
    # the run's rule set, once: its packs; each record refers to it by hash
    assert run_line["manifest"] == "cleaner.manifest/1" and run_line["ruleset"]["packs"]
    assert record["ruleset"]["hash"] == run_line["ruleset"]["hash"] and "packs" not in record["ruleset"]
    assert "cleaned 3 documents" in result.output and "1 skipped" in result.output
    assert "newsletter-signup-block" in result.output  # top rules in the summary


def test_rerun_skips_up_to_date_documents_and_force_redoes_them(tmp_path):
    out = str(tmp_path / "out")
    assert run("clean", str(SEEDS), "-o", out).exit_code == 0
    again = run("clean", str(SEEDS), "-o", out)
    assert "3 up to date" in again.output
    assert "cleaned 3 documents" in run("clean", str(SEEDS), "-o", out, "--force").output


def test_dry_run_writes_nothing(tmp_path):
    result = run("clean", str(SEEDS), "-o", str(tmp_path / "out"), "--dry-run")
    assert result.exit_code == 0
    assert "would clean 3 documents" in result.output
    assert not (tmp_path / "out").exists()


def test_colliding_outputs_are_refused_before_writing(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "page.txt").write_text("Body.\n")
    shutil.copy(HTML, src / "page.html")  # page.html would also be written as page.txt
    result = run("clean", str(src), "-o", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "page.html" in result.output and "page.txt" in result.output
    assert not (tmp_path / "out").exists()


def test_failures_are_named_and_the_rest_is_cleaned(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(SEEDS, src)
    (src / "empty.txt").write_bytes(b"")
    (src / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    result = run("clean", str(src), "-o", str(tmp_path / "out"))
    assert result.exit_code == 1
    assert "empty.txt: empty document" in result.output
    assert "image.txt: looks binary" in result.output
    for seed in SEEDS.glob("*.txt"):
        assert (tmp_path / "out" / seed.name).read_bytes() == (EXPECTED / seed.name).read_bytes()


def test_jobs_2_gives_the_same_outputs_as_jobs_1(tmp_path):
    src = tmp_path / "src"
    for i in range(12):
        shutil.copytree(SEEDS, src / f"d{i}")
    assert run("clean", str(src), "-o", str(tmp_path / "one"), "--jobs", "1").exit_code == 0
    assert run("clean", str(src), "-o", str(tmp_path / "two"), "--jobs", "2").exit_code == 0
    assert tree_digest(tmp_path / "one") == tree_digest(tmp_path / "two")


def test_html_goes_through_trafilatura_and_records_metadata(tmp_path):
    result = run("clean", str(HTML), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out" / "newsletter_page.txt").read_text("utf-8")
    assert "Campaigners who had collected" in text and "Councillor Dev Mistry" in text
    assert "Sign up to our newsletters" not in text
    assert "DONATE:" not in text and "independent journalism" not in text
    record = json.loads((tmp_path / "out" / "newsletter_page.provenance.json").read_text("utf-8"))
    assert record["source"]["format"] == "html"
    assert record["source"]["sha256"] == hashlib.sha256(HTML.read_bytes()).hexdigest()
    extraction = record["input"]["extraction"]
    assert extraction["tool"] == "trafilatura" and extraction["settings"]["favor_recall"] is True
    assert extraction["metadata"]["title"] == "Council votes to keep the Carnegie library open"
    assert extraction["metadata"]["author"] == "Priya Natarajan"
    rules = {r["rule_id"] for r in record["removals"]}
    assert {"newsletter-signup-line", "support-journalism", "labelled-footer-item"} <= rules


def test_explain_marks_removed_lines_with_their_rule_in_plain_text():
    result = run("explain", str(SEEDS / "002_5d7dadc0c9256121.txt"))
    assert result.exit_code == 0
    assert "\x1b[" not in result.output  # no colour when not on a terminal
    lines = result.output.splitlines()
    assert any("more-from-tail" in line and "More from LabourList" in line for line in lines)
    assert any(line.startswith(" 9   ") and "Josh Simons MP" in line for line in lines)


def test_console_script_runs_and_progress_stays_off_stderr_when_not_a_terminal(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "cleaner", "clean", str(SEEDS), "-o", str(tmp_path / "o")],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0
    assert proc.stderr == ""
    assert "cleaned 3 documents" in proc.stdout


def test_an_output_folder_inside_the_source_is_not_cleaned_again(tmp_path):
    src = tmp_path / "seeds"
    shutil.copytree(SEEDS, src)
    out = src / "clean"
    assert run("clean", str(src), "-o", str(out)).exit_code == 0
    second = run("clean", str(src), "-o", str(out))
    assert second.exit_code == 0
    assert "3 up to date" in second.output and "0 skipped" in second.output
    assert not (out / "clean").exists()
