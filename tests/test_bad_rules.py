"""Bad rule files fail fast: exit 2, and a message naming the file, the rule and the line."""

from __future__ import annotations

import textwrap

import pytest
from click.testing import CliRunner

import cleaner
from cleaner.cli.main import main

GOOD_RULE = """
[[rules]]
id = "ok-rule"
kind = "line"
pattern = '^x$'
rationale = "r"
examples.remove = ["x"]
"""

CASES = {
    "invalid-toml": ('id = "p"\nversion = "1"\n[[rules]\n', ["invalid TOML", "line 3"]),
    "unknown-kind": ('id = "p"\nversion = "1"\n' + GOOD_RULE.replace('"line"', '"paragraph"'),
                     ["unknown kind 'paragraph'", "ok-rule", "p.toml:5"]),
    "invalid-regex": ('id = "p"\nversion = "1"\n' + GOOD_RULE.replace("'^x$'", "'^(x$'"),
                      ["invalid regex in 'pattern'", "ok-rule"]),
    "missing-field": ('id = "p"\nversion = "1"\n' + GOOD_RULE.replace("pattern = '^x$'\n", ""),
                      ["missing field(s) ['pattern']", "ok-rule"]),
    "unknown-field": ('id = "p"\nversion = "1"\n' + GOOD_RULE.replace("kind =", "patern = 'y'\nkind ="),
                      ["unknown field(s) ['patern']", "ok-rule"]),
    "wrong-type": ('id = "p"\nversion = "1"\n' + GOOD_RULE + "max_chars = 'ten'\n",
                   ["field 'max_chars' must be int", "ok-rule"]),
    "repeat-of-no-lines": ('id = "p"\nversion = "1"\n[[rules]]\nid = "rep"\nkind = "repeat"\nmin_lines = 0\n'
                           'rationale = "r"\nexamples.remove = ["a\\na\\n"]\n',
                           ["field 'min_lines' must be at least 1, got 0", "rep", "p.toml:4"]),
    "no-examples": ('id = "p"\nversion = "1"\n' + GOOD_RULE.replace('examples.remove = ["x"]\n', ""),
                    ["examples.remove", "ok-rule"]),
    "unknown-piece": ('id = "p"\nversion = "1"\n[patterns]\nthing = \'x\'\n'
                      + GOOD_RULE.replace("'^x$'", "'^{{thin}}$'"),
                      ["unknown pattern piece {{thin}}", "holds: thing", "ok-rule", "p.toml:7"]),
    "piece-used-above-its-name": ('id = "p"\nversion = "1"\n[patterns]\nb = \'{{a}}y\'\na = \'x\'\n' + GOOD_RULE,
                                  ["patterns.b: {{a}} is not a piece named above it"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_rule_file_exits_2_naming_file_and_rule(tmp_path, case):
    text, expected = CASES[case]
    path = tmp_path / "p.toml"
    path.write_text(text, "utf-8")
    (tmp_path / "doc.txt").write_text("x\n", "utf-8")
    result = CliRunner().invoke(main, ["clean", str(tmp_path / "doc.txt"), "-o", str(tmp_path / "out"),
                                       "--rules", str(path)])
    assert result.exit_code == 2, result.output
    assert str(path) in result.output
    for fragment in expected:
        assert fragment in result.output
    assert not (tmp_path / "out").exists()


def test_duplicate_rule_id_across_packs_names_both_files(tmp_path):
    first, second = tmp_path / "a.toml", tmp_path / "b.toml"
    first.write_text('id = "a"\nversion = "1"\n' + GOOD_RULE, "utf-8")
    second.write_text('id = "b"\nversion = "1"\n' + GOOD_RULE, "utf-8")
    with pytest.raises(cleaner.RuleError) as info:
        cleaner.load_rules([first, second], defaults=False)
    message = str(info.value)
    assert "duplicate rule id" in message and "ok-rule" in message
    assert str(first) in message and str(second) in message


def test_duplicate_of_a_default_rule_id_is_refused(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(textwrap.dedent('id = "mine"\nversion = "1"\n' + GOOD_RULE.replace("ok-rule", "lone-separator")),
                    "utf-8")
    result = CliRunner().invoke(main, ["rules", "list", "--rules", str(path)])
    assert result.exit_code == 2
    assert "lone-separator" in result.output and "duplicate" in result.output


def test_float_fields_take_toml_integers_but_not_booleans(tmp_path):
    base = 'id = "p"\nversion = "1"\n[[rules]]\nid = "w"\nkind = "prose_window"\nrationale = "r"\n' \
           'examples.remove = ["x"]\n'
    path = tmp_path / "p.toml"
    path.write_text(base + "penalty = 1\n", "utf-8")
    (rule,) = cleaner.load_rules([path], defaults=False).rules()
    assert rule.penalty == 1.0 and isinstance(rule.penalty, float)
    path.write_text(base + "penalty = true\n", "utf-8")
    with pytest.raises(cleaner.RuleError, match="field 'penalty' must be float"):
        cleaner.load_rules([path], defaults=False)


def test_a_named_piece_is_put_in_place_as_a_group(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('id = "p"\nversion = "1"\n[patterns]\nword = \'cat|dog\'\n'
                    + GOOD_RULE.replace("'^x$'", "'^a {{word}}$'").replace('["x"]', '["a dog"]'), "utf-8")
    rules = cleaner.load_rules([path], defaults=False)
    (rule,) = rules.rules()
    assert rule.pattern.pattern == "^a (?:cat|dog)$"  # the group keeps the alternation inside it
    assert cleaner.clean("a cat\na cow\nb dog\n", rules=rules).text == "a cow\nb dog\n"


def test_a_piece_may_use_a_piece_named_above_it(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('id = "p"\nversion = "1"\n[patterns]\nword = \'cat|dog\'\nphrase = \'a {{word}}\'\n'
                    + GOOD_RULE.replace("'^x$'", "'^{{phrase}}$'").replace('["x"]', '["a dog"]'), "utf-8")
    (rule,) = cleaner.load_rules([path], defaults=False).rules()
    assert rule.pattern.pattern == "^(?:a (?:cat|dog))$"
