"""`cleaner rules test` diffs, `rules lint`'s prose check and `rules impact`, for rule authors."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import regex
from click.testing import CliRunner

import cleaner
from cleaner.authoring.prose import prose_findings, prose_sample
from cleaner.cli.main import main

from .conftest import ROOT, SEEDS

BROKEN_PACK = '''
id = "mine"
version = "1"
description = "A pack whose examples do not hold"

[[rules]]
id = "follow-line"
kind = "line"
pattern = '(?i)^follow us\\b'
rationale = "test"
examples.remove = [{ text = "Body one.\\nFollow us on X\\nBody two.\\nShare this", expect = "Body one.\\nBody two." }]
examples.keep = ["Follow us: a reader's guide to the new rules"]

[[rules]]
id = "short-tail"
kind = "tail"
marker = '^More stories$'
max_items = 2
rationale = "test"
examples.remove = ["More stories\\nOne\\nTwo\\nThree"]
'''


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def write(tmp_path, text: str, name: str = "mine.toml"):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_rules_test_shows_a_diff_of_expected_against_got(tmp_path):
    pack = write(tmp_path, BROKEN_PACK)
    result = run("rules", "test", str(pack))
    assert result.exit_code == 1
    out = result.output
    assert "FAIL mine/follow-line: examples.remove[1]" in out
    diff = out[out.index("FAIL mine/follow-line: examples.remove[1]"):].splitlines()[1:6]
    assert [d.strip() for d in diff] == ["--- expected", "+++ got", "@@ -1,2 +1,3 @@", "Body one.", "Body two."]
    assert "     +Share this" in out  # what remained that should not have
    assert "FAIL mine/follow-line: examples.keep[1]" in out
    assert "     -Follow us: a reader's guide to the new rules" in out
    assert re.search(r"^\d+ passed, 3 failed$", out, re.M)
    assert "ok   " not in out  # passing rules are listed with -v only


def test_rules_test_limits_to_a_rule_and_says_why_a_tail_declined_with_v(tmp_path):
    pack = write(tmp_path, BROKEN_PACK)
    result = run("rules", "test", str(pack), "--rule", "short-tail", "-v")
    assert result.exit_code == 1
    assert "follow-line" not in result.output
    assert "line 1: short-tail (mine) declined: marker matched, but 3 items > max_items 2" in result.output
    assert "0 passed, 1 failed" in result.output
    assert run("rules", "test", str(pack), "--rule", "nope").exit_code == 2


def test_rules_test_path_limits_to_its_packs(tmp_path):
    # In a fresh process from the repository's root, as a user runs it: in the full suite's shared
    # process this test once found no "ok" lines (some earlier test's state; not yet identified).
    def cli(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "cleaner", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=300, check=False)

    result = cli("rules", "test", str(ROOT / "rules" / "social.toml"), "-v")
    assert result.returncode == 0, result.stdout + result.stderr
    listed = {line.split()[1].split("/")[0] for line in result.stdout.splitlines() if line.startswith("ok ")}
    assert listed == {"social"}
    everything = cli("rules", "test")
    assert int(everything.stdout.split()[-4]) > int(result.stdout.split()[-4])


def test_lint_flags_a_line_pattern_that_matches_ordinary_prose(tmp_path):
    pack = write(tmp_path, BROKEN_PACK.replace("'(?i)^follow us\\b'", "'(?i)\\bshare'"))
    result = run("rules", "lint", "--rules", str(pack), "--no-default-rules")
    assert result.exit_code == 1
    assert re.search(rf"^{re.escape(str(pack))}:\d+ follow-line: pattern: matches ordinary prose \(\d+ of "
                     rf"{len(prose_sample())} sample sentences\), e.g. 'Shares in the company", result.output, re.M)


def test_prose_check_respects_max_chars_and_ignores_structural_openers():
    sample = ("Shares in the company fell 4% in early trading after it cut its forecast.",)
    ruleset = cleaner.load_rules(defaults=False)
    assert prose_findings(ruleset, sample) == []
    rules = cleaner.default_rules()
    assert prose_findings(rules) == []  # the bundled packs pass
    # The built-in sample is real prose: ~50 sentences, each a sentence, none repeated.
    assert len(prose_sample()) >= 50 and len(set(prose_sample())) == len(prose_sample())
    assert all(regex.match(r'^["A-Z]', s) and s.rstrip('"').endswith((".", "!", "?")) for s in prose_sample())


IMPACT_PACK = '''
id = "extra"
version = "1"
description = "Candidate"

[[rules]]
id = "body-two-line"
kind = "line"
pattern = '^Tap here to'
rationale = "test"
examples.remove = ["Tap here to listen"]
'''


def test_rules_impact_reports_lines_newly_removed_and_no_longer_removed(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    (corpus / "a.txt").write_text("Body of a.\nTap here to listen\nMore body.\n", "utf-8")
    (corpus / "b.txt").write_text("Body of b.\nTap here to listen\n", "utf-8")
    added = run("rules", "impact", str(write(tmp_path, IMPACT_PACK, "extra.toml")), str(corpus))
    assert added.exit_code == 0, added.output
    assert "(added) on 5 documents: 2 lines newly removed, 0 lines no longer removed" in added.output
    assert "  body-two-line (extra): 2 lines in 2 documents" in added.output
    assert f"    +    2  'Tap here to listen'  e.g. {corpus / 'a.txt'}:2, {corpus / 'b.txt'}:2" in added.output
    # Changing a bundled pack: the more-from-tail rule allowed fewer items stops removing seed 002's tail.
    related = (ROOT / "rules" / "related.toml").read_text("utf-8")
    changed = write(tmp_path, related.replace("max_items = 15", "max_items = 2", 1), "related.toml")
    result = run("rules", "impact", str(changed), str(SEEDS))
    assert result.exit_code == 0, result.output
    assert "(replacing pack 'related'" in result.output
    # The seed is extractor-like text (few short lines): with the tail cut short, which of its lines stay and
    # which another rule takes (the furniture-line classifiers read its headlines since session 45), and
    # whether the line model's veto gives back the labelled footer items above it, move with every retrained
    # model; so the test reads the counts the report gives and checks that they add up.
    summary = re.search(r"0 lines newly removed, (\d+) lines? no longer removed, (\d+) re-attributed, in 1 document",
                        result.output)
    assert summary, result.output
    no_longer, reattributed = map(int, summary.groups())
    listed = re.findall(r"^  [\w-]+ \(\w+\): (\d+) lines? in 1 document$", result.output, re.M)
    assert sum(map(int, listed)) == no_longer
    assert no_longer + reattributed >= 2  # the change is seen
