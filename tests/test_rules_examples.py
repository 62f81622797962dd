"""Every example of every bundled rule behaves as its rule file says; a broken example is caught."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner

import cleaner
from cleaner.authoring.check import check_examples, example_rules
from cleaner.cli.main import main
from cleaner.rules.loader import default_rules_dir

# The body profile loads every default pack plus the profile-gated ones (body.toml), so its examples
# are checked too.
RULES = cleaner.load_rules(profile="body")
CASES = [(r.pack_id, r.id) for r in RULES.rules()]


@pytest.mark.parametrize(("pack_id", "rule_id"), CASES, ids=[f"{p}/{r}" for p, r in CASES])
def test_rule_examples(pack_id, rule_id):
    rule = RULES.rule(rule_id)
    checked, failures = check_examples(example_rules(RULES, rule), select=lambda r: r.id == rule_id)
    own = [f for f in failures if f.rule_id == rule_id]
    assert checked >= 1
    assert not own, "\n".join(map(str, own))


def test_every_rule_has_remove_and_keep_examples():
    for rule in RULES.rules():
        assert rule.examples_remove and rule.examples_keep, rule.id


def test_rules_test_command_passes_on_defaults():
    result = CliRunner().invoke(main, ["rules", "test"])
    assert result.exit_code == 0, result.output
    assert " 0 failed" in result.output


def test_rules_test_command_fails_on_a_broken_example(tmp_path):
    for path in default_rules_dir().glob("*.toml"):
        shutil.copy(path, tmp_path)
    pack = tmp_path / "appeals.toml"
    text = pack.read_text("utf-8")
    # a keep example that the rule does remove
    pack.write_text(text.replace('examples.keep = ["Share prices', 'examples.keep = ["Share your views', 1),
                    "utf-8")
    result = CliRunner().invoke(main, ["rules", "test", "--no-default-rules", "--rules", str(tmp_path)])
    assert result.exit_code == 1
    assert "appeals/reader-letters-call: examples.keep[1]" in result.output


def test_rules_list_shows_every_rule():
    result = CliRunner().invoke(main, ["rules", "list", "--profile", "body"])
    assert result.exit_code == 0
    for _, rule_id in CASES:
        assert rule_id in result.output
