"""`reads = "raw"`: a rule whose patterns are written for a line as the file has it (Markdown's syntax, an
e-mail's quote marks, one physical line of a hard-wrapped text) meets that line, while the other rules go
on reading words (`cleaner.engine.decide._RawReading`)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

import cleaner
from cleaner.authoring.check import check_examples
from cleaner.engine.decide import apply_rules
from cleaner.errors import RuleError
from cleaner.rules.loader import load_rules

PACK = """
id = "mine"
version = "1"

[[rules]]
id = "markdown-subscribe-link"
kind = "line"
pattern = '^\\[Subscribe\\]\\('
reads = "{reads}"
rationale = "A Markdown sign-up link, matched by its syntax"
examples.remove = ["[Subscribe](https://example.com/s)"]
examples.keep = ["Subscribe to the idea that gardens need time."]

[[rules]]
id = "quoted-reply"
kind = "line"
pattern = '^>'
reads = "{reads}"
rationale = "The lines of an e-mail's quoted reply"
examples.remove = ["> On Monday, Ann wrote:"]

[[rules]]
id = "signature-separator"
kind = "line"
pattern = '^-- $'
reads = "{reads}"
rationale = "An e-mail's signature separator, the same as written and as words"
examples.remove = ["-- "]
"""

BODY = ("# Growing tomatoes\n\nTomatoes need sun and water, and they grow best when the soil is warm, so plant "
        "them out in late spring.\n\n")


def pack(tmp_path: Path, reads: str) -> Path:
    path = tmp_path / f"{reads}.toml"
    path.write_text(PACK.format(reads=reads), encoding="utf-8")
    return path


def test_a_raw_rule_meets_markdown_syntax_and_a_words_rule_does_not(tmp_path: Path) -> None:
    text = BODY + "[Subscribe](https://example.com/s)\n> On Monday, Ann wrote:\n"
    raw = apply_rules(text, load_rules([pack(tmp_path, "raw")], defaults=False))
    assert raw.text == BODY[:-1]  # the blank line left last goes as layout
    assert [(r.rule_id, r.first_line) for r in raw.removals if r.pack_id == "mine"] == [
        ("markdown-subscribe-link", 5), ("quoted-reply", 6)]  # 1-based
    words = apply_rules(text, load_rules([pack(tmp_path, "words")], defaults=False))
    assert words.text == text  # "Subscribe" and "On Monday, Ann wrote:" are what the words rules read


def test_rules_test_says_why_a_words_rule_misses_its_markdown_example(tmp_path: Path) -> None:
    checked, failures = check_examples(load_rules([pack(tmp_path, "words")], defaults=False))
    assert checked == 4 and [f.rule_id for f in failures] == ["markdown-subscribe-link", "quoted-reply"]
    assert all('reads = "raw"' in f.got for f in failures)
    assert check_examples(load_rules([pack(tmp_path, "raw")], defaults=False)) == (4, [])


def test_a_raw_rule_reads_one_physical_line_of_a_wrapped_text(tmp_path: Path) -> None:
    prose = ("Tomatoes need sun and water, and they grow best when the soil is warm; plant them out in late "
             "spring, once the nights stay mild, and water them deeply twice a week rather than a little daily.")
    after = ("Pinch out the side shoots every week, feed the plants once the first flowers have set, and pick "
             "the fruit as soon as it colours, which keeps the plant producing until the first frosts.")
    quoted = textwrap.wrap("On Monday, Ann wrote: they also need support as they grow, so stake them early, "
                           "before the stems get heavy with fruit, and tie each stem loosely.", 70)
    text = "\n".join(textwrap.wrap(prose, 72) + [""] + ["> " + line for line in quoted]
                     + [""] + textwrap.wrap(after, 72)) + "\n"
    result = cleaner.clean(text, rules=load_rules([pack(tmp_path, "raw")]))
    assert result.text == "\n".join(textwrap.wrap(prose, 72) + [""] + textwrap.wrap(after, 72)) + "\n"
    assert cleaner.restore(result.text, result.provenance) == text
    assert cleaner.clean(result.text, rules=load_rules([pack(tmp_path, "raw")])).text == result.text


def test_with_the_bundled_packs_words_rules_own_a_line_first_and_cleaning_is_exact(tmp_path: Path) -> None:
    text = BODY + "[Subscribe](https://example.com/s)\n\n> On Monday, Ann wrote:\n\nMore prose follows here.\n"
    rules = load_rules([pack(tmp_path, "raw")])
    result = cleaner.clean(text, rules=rules)
    removals = {r["rule_id"] for r in result.provenance["removals"]}
    assert "subscribe-call" in removals and "quoted-reply" in removals
    assert "markdown-subscribe-link" not in removals  # a rule reading words claimed the line first
    assert cleaner.restore(result.text, result.provenance) == text
    assert cleaner.clean(result.text, rules=rules).text == result.text


def test_on_plain_text_a_raw_rule_runs_in_its_kinds_order_as_any_other(tmp_path: Path) -> None:
    text = "Plain prose without any markup, long enough to be read as a sentence.\n-- \nAnn\n"
    raw, words = (apply_rules(text, load_rules([pack(tmp_path, r)], defaults=False)) for r in ("raw", "words"))
    assert raw.text == words.text == text.replace("-- \n", "")
    assert [r.rule_id for r in raw.removals] == [r.rule_id for r in words.removals] == ["signature-separator"]


def test_an_unknown_reads_value_names_the_file_rule_and_line(tmp_path: Path) -> None:
    with pytest.raises(RuleError) as error:
        load_rules([pack(tmp_path, "markdown")], defaults=False)
    message = str(error.value)
    assert "markdown.toml:6" in message and "markdown-subscribe-link" in message and "'reads'" in message
