"""`cleaner rules lint` flags patterns prone to catastrophic backtracking before they run."""

from __future__ import annotations

import pytest
import regex
from click.testing import CliRunner

from cleaner.authoring.lint import lint_pattern, probe, static_findings
from cleaner.cli.main import main

# Exponential on a run of matching characters followed by one that breaks the match.
CATASTROPHIC = [r"^(\w|\w\w)+$", r"(a+)+$", r"(\w+\s?)*$", r"(.*)*x", r"(a|a?)+$", r"(x+x+)+y",
                r"(?i)^share:\s(\w|\w\w)+$", r"^(([a-z])+.)+[A-Z]([a-z])+$"]
# Quantified, but every character has one way to be matched.
SOUND = [r"(\s*,\s*\w+)*$", r"(\w+\s)*x", r"^\s*[-•]\s*\w+", r"(?i)^more\s+from\b", r"^(?>a+)+$",
         r"^\d{1,3}(,\d{3})*$", r"^[[:upper:]]+\s+\S", r"(?i)^\s*(sign\s+up|subscribe)\b.{0,60}\bnewsletters?\b"]


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_catastrophic_patterns_are_flagged_statically_and_by_the_probe(pattern):
    assert static_findings(pattern), pattern
    assert probe(regex.compile(pattern)) is not None, pattern


@pytest.mark.parametrize("pattern", SOUND)
def test_sound_patterns_are_not_flagged(pattern):
    assert lint_pattern(regex.compile(pattern)) == []


def test_the_probe_covers_syntax_only_the_regex_module_reads():
    pattern = r"^(\p{L}|\p{L}\p{L})+$"  # Python's re cannot parse \p{L}: no static check
    assert static_findings(pattern) == []
    assert probe(regex.compile(pattern)) is not None


def test_bundled_rules_lint_clean():
    result = CliRunner().invoke(main, ["rules", "lint"])
    assert result.exit_code == 0, result.output
    assert ", 0 findings" in result.output


def test_lint_names_file_line_rule_and_field_and_exits_1(tmp_path):
    pack = tmp_path / "risky.toml"
    pack.write_text('id = "risky"\nversion = "1"\n\n[[rules]]\nid = "fine-rule"\nkind = "line"\n'
                    "pattern = '^x$'\nrationale = \"r\"\nexamples.remove = [\"x\"]\n\n"
                    '[[rules]]\nid = "evil-rule"\nkind = "block"\n'
                    "start = '^start$'\nend = '^(\\w|\\w\\w)+$'\nrationale = \"r\"\n"
                    'examples.remove = ["start\\nab\\n"]\n', "utf-8")
    result = CliRunner().invoke(main, ["rules", "lint", "--no-default-rules", "--rules", str(pack)])
    assert result.exit_code == 1, result.output
    lines = [line for line in result.output.splitlines() if line.startswith(str(pack))]
    assert lines and all(line.startswith(f"{pack}:12 evil-rule: end: ") for line in lines)
    assert any("backtracks catastrophically" in line for line in lines)
    assert "fine-rule" not in result.output
