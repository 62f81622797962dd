"""Bounds on what a rule pack or an option can cost (issue 11): timeouts are validated, compiling a
pattern is bounded, a document has a time budget, loading a pack is linear in its size, and a
document that loses most of its text gets a warning."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import cleaner
from cleaner.cli.main import main
from cleaner.errors import DocumentTimeout, RuleError
from cleaner.rules import loader, patterns, toml_lines
from cleaner.rules.ruleset import RuleSet


def pack(tmp_path: Path, pattern: str, name: str = "p.toml", rules: int = 1) -> Path:
    path = tmp_path / name
    body = 'id = "p"\nversion = "1"\n'
    for n in range(rules):
        body += (f'\n[[rules]]\nid = "r{n}"\nkind = "line"\npattern = {json.dumps(pattern)}\n'
                 'rationale = "r"\nexamples.remove = ["x"]\n')
    path.write_text(body, "utf-8")
    return path


# ---- timeouts -------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["-1", "nan", "0", "inf", "-inf", "ten"])
@pytest.mark.parametrize("option", ["--timeout", "--doc-timeout"])
def test_a_timeout_that_is_not_positive_and_finite_is_a_usage_error(tmp_path, option, value):
    doc = tmp_path / "a.txt"
    doc.write_text("Body.\n", "utf-8")
    for args in (["clean", str(doc), "-o", str(tmp_path / "out")], ["explain", str(doc)],
                 ["hook", "check", str(doc)]):
        result = CliRunner().invoke(main, [*args, option, value])
        assert result.exit_code == 2, (args, result.output)
        assert option in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("value", [-1, math.nan, 0, math.inf, True])
def test_the_library_refuses_such_timeouts_too(value):
    for keyword in ("timeout", "doc_timeout"):
        with pytest.raises(ValueError, match=keyword):
            cleaner.load_rules(**{keyword: value})
        with pytest.raises(ValueError, match=keyword):
            RuleSet((), **{keyword: value})


def test_both_timeouts_are_recorded_in_the_provenance():
    rules = cleaner.load_rules(timeout=0.5, doc_timeout=3)
    record = cleaner.clean("Body text.\n", rules=rules).provenance
    assert record["ruleset"]["timeout_seconds"] == 0.5 and record["ruleset"]["doc_timeout_seconds"] == 3.0


# ---- compiling a pattern --------------------------------------------------------------------------

NESTED = "((((a{100}){100}){100}){100})"


def test_nested_counted_repeats_are_refused_with_file_rule_and_line(tmp_path):
    with pytest.raises(RuleError) as caught:
        cleaner.load_rules([pack(tmp_path, NESTED)], defaults=False)
    error = caught.value
    assert (error.rule_id, error.line) == ("r0", 5) and str(tmp_path / "p.toml") in str(error)
    assert "too costly to compile" in str(error) and "100,000,000" in str(error)


@pytest.mark.parametrize("command", [["rules", "lint"], ["rules", "test"], ["clean", "DOC", "-o", "OUT"]])
def test_the_cli_exits_2_on_such_a_pattern(tmp_path, command):
    doc = tmp_path / "a.txt"
    doc.write_text("Body.\n", "utf-8")
    args = [str(doc) if a == "DOC" else str(tmp_path / "out") if a == "OUT" else a for a in command]
    result = CliRunner().invoke(main, [*args, "--rules", str(pack(tmp_path, NESTED))])
    assert result.exit_code == 2, result.output
    assert "p.toml:5: rule 'r0': regex in 'pattern' is too costly to compile" in result.output


def test_a_pattern_the_static_check_cannot_read_compiles_under_limits_in_a_child(tmp_path, monkeypatch):
    monkeypatch.setattr(patterns, "CHILD_SECONDS", 2.0)
    # Verbose mode: the "#" comment hides a ")" from the scan, and regex unrolls 10^8 items.
    hidden = "(?x)(((((a{100} # )\n){100}){100}){100}))"
    assert patterns.unrolled_size(hidden)[0] == math.inf
    start = time.monotonic()
    with pytest.raises(RuleError, match="too costly to compile: compiling it (took over|needs over)"):
        cleaner.load_rules([pack(tmp_path, hidden)], defaults=False)
    assert time.monotonic() - start < 30


@pytest.mark.parametrize("pattern, lower", [
    (NESTED, 10**8), ("a{1000,2000}", 1000), ("(a{0,1000}){0,1000}", 1), (r"\p{L}{3}", 3), (r"[{(]{5}", 5),
    (r"\d{4}-\d{2}", 4), ("(a{50,100}){50,100}", 2500), ("x{a}", 1), ("(?#((()a{3}", 3), ("(a", math.inf),
])
def test_the_static_check_estimates_the_unrolled_size(pattern, lower):
    assert patterns.unrolled_size(pattern)[0] == lower


def test_every_bundled_pattern_takes_the_fast_path():
    for rule in cleaner.default_rules().rules():
        for name, spec in rule.FIELDS.items():
            compiled = getattr(rule, name)
            if spec.pattern and compiled is not None:
                lower, upper = patterns.unrolled_size(compiled.pattern)
                assert lower <= patterns.MAX_UNROLLED and upper <= patterns.SUSPECT_UPPER, (rule.id, name)
                assert not patterns._UNUSUAL.search(compiled.pattern), (rule.id, name)


def test_deep_nesting_is_a_rule_error_not_a_recursion_traceback(tmp_path):
    with pytest.raises(RuleError, match="too costly to compile"):
        cleaner.load_rules([pack(tmp_path, "(" * 5000 + "a" + ")" * 5000)], defaults=False)


# ---- loading is linear ----------------------------------------------------------------------------

def test_locating_rules_reads_each_line_of_the_pack_once(tmp_path, monkeypatch):
    calls = {"n": 0}

    class Counting:
        def __init__(self, compiled):
            self.compiled = compiled

        def match(self, text):
            calls["n"] += 1
            return self.compiled.match(text)

    monkeypatch.setattr(toml_lines, "_ID_LINE", Counting(toml_lines._ID_LINE))
    per_size = {}
    for n in (50, 400):
        calls["n"] = 0
        path = pack(tmp_path, "^x$", f"p{n}.toml", rules=n)
        assert [r.line for r in loader.load_pack(path).rules] == [5 + 7 * i for i in range(n)]
        per_size[n] = calls["n"] / len(path.read_text("utf-8").splitlines())
    assert per_size[50] <= 1 and per_size[400] <= 1


# ---- the document's time budget -------------------------------------------------------------------

SLOW = "^(a|aa)+$"  # backtracks: tens of milliseconds on each line below, far under the call timeout
SLOW_TEXT = "".join("a" * 25 + f"b{i}\n" for i in range(400))


def test_a_document_over_its_time_budget_fails_naming_the_rule(tmp_path):
    rules = cleaner.load_rules([pack(tmp_path, SLOW)], defaults=False, timeout=5, doc_timeout=0.2)
    start = time.monotonic()
    with pytest.raises(DocumentTimeout) as caught:
        cleaner.clean(SLOW_TEXT, rules=rules)
    assert time.monotonic() - start < 10  # unbounded, the 400 searches take a minute or more
    assert "rule 'r0' (pack 'p')" in str(caught.value) and "0.2s" in str(caught.value)


def test_the_cli_reports_it_in_one_line_and_cleans_the_rest(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "slow.txt").write_text(SLOW_TEXT, "utf-8")
    (src / "fine.txt").write_text("Body text.\n", "utf-8")
    result = CliRunner().invoke(main, ["clean", str(src), "-o", str(tmp_path / "out"), "--jobs", "1",
                                       "--rules", str(pack(tmp_path, SLOW)), "--doc-timeout", "0.2"])
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "slow.txt" in errors[0] and "time budget" in errors[0] and "'r0'" in errors[0]
    assert (tmp_path / "out" / "fine.txt").read_text("utf-8") == "Body text.\n"


# ---- removing most of the text ------------------------------------------------------------------

def test_removing_most_of_the_text_is_a_warning(tmp_path):
    everything = cleaner.load_rules([pack(tmp_path, "^")], defaults=False)
    result = cleaner.clean("First line.\nSecond line.\n", rules=everything)
    assert result.text == ""
    assert result.warnings == ["removed all of the text", "rule 'r0' alone removed all of the text"]
    assert cleaner.clean("A body of ordinary text that stays.\n").warnings == []
    mostly = cleaner.load_rules([pack(tmp_path, "^x")], defaults=False)
    assert cleaner.clean("x" * 95 + "\nkeep\n", rules=mostly).warnings[0] == "removed 95% of the text"


def test_the_cli_prints_one_warning_line_per_document(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("Anything at all.\n", "utf-8")
    (src / "b.txt").write_text("More text.\n", "utf-8")
    result = CliRunner().invoke(main, ["clean", str(src), "-o", str(tmp_path / "out"), "--jobs", "1",
                                       "--no-default-rules", "--rules", str(pack(tmp_path, "^"))])
    assert result.exit_code == 0, result.output
    warnings = sorted(line for line in result.output.splitlines() if line.startswith("warning:"))
    assert len(warnings) == 2 and "a.txt: removed all of the text; rule 'r0' alone" in warnings[0]
