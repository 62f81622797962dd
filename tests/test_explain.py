"""`cleaner explain` over many files, folders and stdin, and why a tail or list_run declined (-v)."""

from __future__ import annotations

import shutil

from click.testing import CliRunner

import cleaner
from cleaner.authoring.declines import find_declines
from cleaner.cli.main import main

from .conftest import SEEDS

TAIL_PACK = '''
id = "tails"
version = "1"
description = "test"

[[rules]]
id = "more-tail"
kind = "tail"
marker = '^More stories$'
max_items = 3
rationale = "test"
examples.remove = ["More stories\\nA\\nB"]

[[rules]]
id = "bullets"
kind = "list_run"
item = '^- '
min_items = 3
requires = "adjacent_removal"
after_rules = ["more-tail"]
rationale = "test"
examples.remove = ["More stories\\nA\\n\\n- a\\n- b\\n- c"]
examples.keep = ["- a\\n- b\\n- c"]
'''


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, list(args), input=stdin)


def rules_for(tmp_path):
    pack = tmp_path / "tails.toml"
    pack.write_text(TAIL_PACK, "utf-8")
    return pack


def test_explain_takes_many_files_and_folders(tmp_path):
    folder = tmp_path / "docs"
    shutil.copytree(SEEDS, folder)
    (folder / "skip.pdf").write_bytes(b"%PDF")
    one = SEEDS / "002_5d7dadc0c9256121.txt"
    result = run("explain", str(folder), str(one))
    assert result.exit_code == 0, result.output
    headers = [line for line in result.output.splitlines() if line.startswith("==> ")]
    assert headers == [f"==> {folder / p.name} <==" for p in sorted(SEEDS.glob("*.txt"))] + [f"==> {one} <=="]
    assert result.output.count("more-from-tail: 1 span, 4 lines, 257 chars") == 2


def test_explain_reads_one_document_from_stdin():
    result = run("explain", "-", stdin="The article body, long enough to be prose.\nView all newsletters\n")
    assert result.exit_code == 0, result.output
    assert "==>" not in result.output  # one document: no header
    assert "2 - listing-link │ View all newsletters" in result.output
    assert "1 removal, 1 line, 21 characters:" in result.output


def test_explain_names_a_bad_file_and_goes_on(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    result = run("explain", str(bad), str(SEEDS / "000_72166b75f3bee34b.txt"))
    assert result.exit_code == 1
    assert f"error: {bad}: empty document" in result.output
    assert "find-out-more-cta" in result.output


def test_tail_says_why_it_declined(tmp_path):
    rules = cleaner.load_rules([rules_for(tmp_path)], defaults=False)
    text = "Body paragraph.\nMore stories\nOne\nTwo\nThree\nFour\n"
    declines = find_declines(text, rules)
    assert [(d.rule_id, d.line, d.reason) for d in declines] == [
        ("more-tail", 2, "marker matched, but 4 items > max_items 3")]
    short = find_declines("Body.\nMore stories\n" + "x" * 130 + "\n", rules)
    assert [d.reason for d in short] == ["marker matched, but line 3 is 130 chars > max_item_chars 120"]
    assert find_declines("Body.\nMore stories\nOne\nTwo\n", rules) == []  # removed: nothing declined


def test_list_run_says_why_it_declined(tmp_path):
    rules = cleaner.load_rules([rules_for(tmp_path)], defaults=False)
    declines = find_declines("Body.\n- a\n- b\n\nMore text.\n- c\n- d\n- e\n\nEnd.\n", rules)
    assert [(d.rule_id, d.line, d.reason) for d in declines] == [
        ("bullets", 2, "2 items < min_items 3"),
        ("bullets", 6, '3 items, but no adjacent removal by more-tail (requires = "adjacent_removal")')]
    assert [d.untouched for d in declines] == [False, True]  # the run touched no removal it counts


def test_explain_counts_untouched_box_runs_and_lists_them_with_vv(tmp_path):
    # every short line of a page is a run some box rule found no removal beside: -v counts them, -vv lists them
    pack = rules_for(tmp_path)
    doc = tmp_path / "doc.txt"
    doc.write_text("Body.\n- a\n- b\n\nMore text.\n- c\n- d\n- e\n\nEnd.\n", "utf-8")
    verbose = run("explain", str(doc), "--rules", str(pack), "--no-default-rules", "-v")
    assert verbose.exit_code == 0, verbose.output
    assert "2 declines:\n  line 2: bullets (tails) declined: 2 items < min_items 3\n" in verbose.output
    assert "line 6: bullets" not in verbose.output
    assert "(and 1 of box rules whose runs touched no removal they count: -vv lists them)" in verbose.output
    listed = run("explain", str(doc), "--rules", str(pack), "--no-default-rules", "-vv")
    assert "line 6: bullets (tails) declined: 3 items, but no adjacent removal by more-tail" in listed.output
    assert "-vv lists them" not in listed.output


def test_explain_verbose_prints_declines(tmp_path):
    pack = rules_for(tmp_path)
    doc = tmp_path / "doc.txt"
    doc.write_text("Body paragraph.\nMore stories\nOne\nTwo\nThree\nFour\n", "utf-8")
    quiet = run("explain", str(doc), "--rules", str(pack), "--no-default-rules")
    assert "declined" not in quiet.output
    verbose = run("explain", str(doc), "--rules", str(pack), "--no-default-rules", "-v")
    assert verbose.exit_code == 0, verbose.output
    assert "1 decline:" in verbose.output
    assert "  line 2: more-tail (tails) declined: marker matched, but 4 items > max_items 3" in verbose.output
