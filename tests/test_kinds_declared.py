"""Each kind declares its fields once: the loader validates from the declarations, and the README's
kind table is generated from them (`python -m cleaner.authoring.kinddocs`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cleaner.authoring import kinddocs
from cleaner.errors import RuleError
from cleaner.rules import kinds
from cleaner.rules.kinds import Claim, Document, Rule, option, required
from cleaner.rules.loader import load_pack

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_kind_table_is_the_generated_one():
    readme = README.read_text("utf-8")
    assert kinddocs.with_table(readme) == readme, "run: python -m cleaner.authoring.kinddocs"


def test_every_declared_field_is_in_the_readme_table():
    table = kinddocs.kind_table()
    for kind, cls in kinds.KINDS.items():
        assert f"| `{kind}` |" in table
        for name in cls.FIELDS:
            assert f"| `{kind}` | `{name}` |" in table
    assert "`indent_sample`" in table and "`structure_copies`" in table and "`structure_share`" in table


def test_check_mode_fails_on_a_stale_table(tmp_path):
    stale = tmp_path / "README.md"
    stale.write_text(f"# x\n{kinddocs.BEGIN}\n| kind | removes |\n{kinddocs.END}\nafter\n", "utf-8")
    assert kinddocs.main(["--readme", str(stale), "--check"]) == 1
    assert kinddocs.main(["--readme", str(stale)]) == 0
    assert kinddocs.main(["--readme", str(stale), "--check"]) == 0
    assert stale.read_text("utf-8").endswith(f"{kinddocs.END}\nafter\n")


@dataclass(frozen=True, kw_only=True)
class EveryNthRule(Rule):
    """A kind written as a new module would be: fields declared once, nothing else to touch."""

    kind = "every_nth"
    REMOVES = "every `n`-th line matching `pattern`"
    pattern: object = required(str, "what a line matches", pattern=True)
    n: int = option(int, 2, "the step", minimum=2)
    mode: str = option(str, "a", "a or b", choices=("a", "b"))

    def find(self, doc: Document) -> Iterator[Claim]:
        for i in range(self.n - 1, len(doc.lines), self.n):
            if doc.search(self, self.pattern, i):
                yield (i, i)


@pytest.fixture
def every_nth(monkeypatch):
    monkeypatch.setitem(kinds.KINDS, "every_nth", kinds.register(EveryNthRule))


def _pack(tmp_path: Path, fields: str) -> Path:
    path = tmp_path / "p.toml"
    path.write_text('id = "p"\nversion = "1"\n\n[[rules]]\nid = "r"\nkind = "every_nth"\n' + fields
                    + 'rationale = "r"\nexamples.remove = ["x"]\n', "utf-8")
    return path


def test_a_new_kind_is_loaded_from_its_declarations(tmp_path, every_nth):
    rule = load_pack(_pack(tmp_path, "pattern = '^x'\nn = 3\n")).rules[0]
    assert isinstance(rule, EveryNthRule) and rule.n == 3 and rule.mode == "a"
    assert rule.pattern.pattern == "^x"
    assert "| `every_nth` | `n` | integer ≥ 2 | `2` | the step |" in kinddocs.kind_table()


@pytest.mark.parametrize("fields, message", [
    ("", "missing field(s) ['pattern']"),
    ("pattern = '^x'\nn = 1\n", "field 'n' must be at least 2, got 1"),
    ("pattern = '^x'\nn = 'two'\n", "field 'n' must be int, got str"),
    ("pattern = '^x'\nmode = 'c'\n", "mode must be one of ('a', 'b')"),
    ("pattern = '(x'\n", "invalid regex in 'pattern'"),
    ("pattern = 'x'\nm = 1\n", "unknown field(s) ['m']"),
])
def test_a_new_kind_is_validated_from_its_declarations(tmp_path, every_nth, fields, message):
    with pytest.raises(RuleError) as caught:
        load_pack(_pack(tmp_path, fields))
    assert message in str(caught.value)
    assert caught.value.rule_id == "r" and caught.value.line == 5


def test_after_rules_must_be_rule_ids(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('id = "p"\nversion = "1"\n[[rules]]\nid = "r"\nkind = "list_run"\nitem = "x"\n'
                    'after_rules = [1]\nrationale = "r"\nexamples.remove = ["x\\nx\\nx"]\n', "utf-8")
    with pytest.raises(RuleError, match="must be a list of strings"):
        load_pack(path)
