"""Property tests: arbitrary Unicode text, random rule packs built from every kind, arbitrary bytes.

Whatever the input and the rules: no crash, `restore` gives the text back exactly, the clean text is
the original minus the recorded spans (each a run of whole lines), cleaning the clean text removes
nothing, and keywords only make rules faster, never change what they remove. tests/test_restore.py
covers the bundled rules on documents of furniture lines; this file covers random rules and raw
bytes.
"""

from __future__ import annotations

import dataclasses
import json

import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.io.decode import decode, encode
from cleaner.lines import split_lines
from cleaner.rules.kinds import KINDS
from cleaner.rules.ruleset import RulePack, RuleSet

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Words rules look for; "İ" lower-cases to two characters, which the keyword index must survive.
WORDS = ["alpha", "Beta", "gamma delta", "\u00c9T\u00c9", "x", "\u2014", "\u2022 item", "\u0130stanbul", "END"]
ENDINGS = ["\n", "\r\n", "\r", "\n\n", "\n \n"]
unicode_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)  # \r, \u2028, \x85 included
line = st.one_of(st.sampled_from(WORDS), unicode_text, st.sampled_from(WORDS).map(lambda w: f"  {w} and more"))
document = st.lists(st.tuples(line, st.sampled_from(ENDINGS)), max_size=25).map(
    lambda parts: "".join(text + end for text, end in parts))


def word_pattern(draw) -> str:
    word = regex.escape(draw(st.sampled_from(WORDS)))
    flags = draw(st.sampled_from(["", "(?i)"]))
    return flags + draw(st.sampled_from([f"^{word}$", f"^\\s*{word}", word, f"{word}\\s*$"]))


@st.composite
def random_rule(draw, n: int):
    kind = draw(st.sampled_from(sorted(KINDS)))
    fields: dict = {}
    if kind == "line":
        fields = {"pattern": word_pattern(draw), "max_chars": draw(st.sampled_from([0, 10, 80]))}
    elif kind == "block":
        fields = {"start": word_pattern(draw), "end": word_pattern(draw), "max_lines": draw(st.integers(1, 6))}
    elif kind == "list_run":
        fields = {"item": word_pattern(draw), "min_items": draw(st.integers(1, 3)),
                  "requires": draw(st.sampled_from(["none", "adjacent_removal"]))}
    elif kind == "tail":
        fields = {"marker": word_pattern(draw), "min_items": draw(st.integers(0, 2)),
                  "max_items": draw(st.integers(2, 6))}
    elif kind == "repeat":
        fields = {"min_lines": draw(st.integers(1, 3)), "min_chars": draw(st.integers(0, 20))}
    else:  # a kind added later: build it from its defaults, with a word for each pattern field
        fields = {name: word_pattern(draw) for name, spec in KINDS[kind].FIELDS.items() if spec.pattern}
    # cache_pattern=False: when its cache is full, regex evicts with the global `random` module, which
    # would make draws depend on state outside hypothesis (and it warns so).
    compiled = {k: regex.compile(v, cache_pattern=False) if isinstance(v, str) and k not in ("requires",) else v
                for k, v in fields.items()}
    keywords = ()
    patterns = [v for k, v in fields.items() if isinstance(v, str) and k != "requires"]
    if patterns and draw(st.booleans()):
        literal = next((w for w in WORDS if regex.escape(w) in patterns[0]), None)
        keywords = (literal,) if literal else ()
    return KINDS[kind](id=f"r{n}-{kind}", pack_id="random", rationale="random", keywords=keywords, **compiled)


@st.composite
def random_ruleset(draw) -> RuleSet:
    rules = tuple(draw(random_rule(n)) for n in range(draw(st.integers(1, 6))))
    return RuleSet((RulePack("random", "1", "", (), "<random>", rules, "0" * 64),))


def check_clean(text: str, rules: RuleSet) -> cleaner.CleanResult:
    result = cleaner.clean(text, rules=rules)
    record = json.loads(json.dumps(result.provenance))
    assert cleaner.restore(result.text, record) == text
    starts = {ln.start for ln in split_lines(text)}
    ends = {ln.end for ln in split_lines(text)}
    kept, position = [], 0
    for removal in result.removals:
        assert position <= removal.start < removal.end and removal.start in starts and removal.end in ends
        assert text[removal.start:removal.end] == removal.text
        kept.append(text[position:removal.start])
        position = removal.end
    body = "".join(kept) + text[position:]
    assert result.text == body + ("\n" if result.provenance["layout"]["final_newline_added"] else "")
    again = cleaner.clean(result.text, rules=rules)
    assert again.text == result.text and again.removals == ()
    return result


@given(document, random_ruleset())
@SETTINGS
def test_random_rule_packs_restore_exactly_and_are_idempotent(text, rules):
    check_clean(text, rules)


@given(document, random_ruleset())
@SETTINGS
def test_keywords_never_change_what_a_rule_removes(text, rules):
    with_keywords = cleaner.clean(text, rules=rules)
    bare = tuple(dataclasses.replace(r, keywords=()) for r in rules.packs[0].rules)
    without = cleaner.clean(text, rules=RuleSet((dataclasses.replace(rules.packs[0], rules=bare),)))
    assert with_keywords.text == without.text
    assert with_keywords.removals == without.removals


@given(st.text(st.characters(exclude_categories=("Cs",))), st.booleans())
@SETTINGS
def test_arbitrary_unicode_with_the_bundled_rules(text, crlf):
    check_clean(text.replace("\n", "\r\n") if crlf else text, cleaner.default_rules())


@given(st.binary(max_size=200))
@SETTINGS
def test_arbitrary_bytes_are_refused_or_decoded_to_give_the_same_bytes_back(data):
    try:
        text, encoding = decode(data, "<bytes>")
    except cleaner.InputError as exc:
        assert str(exc).startswith("<bytes>: ")
        return
    assert encode(text, encoding) == data


@given(st.text(st.characters(exclude_categories=("Cs",))),
       st.sampled_from(["utf-8", "utf-8-sig", "utf-16-le-bom", "utf-16-be-bom", "utf-32-le-bom", "utf-32-be-bom"]))
@SETTINGS
def test_unicode_text_in_any_unicode_encoding_decodes_to_itself(text, encoding):
    data = encode(text, encoding)
    if encoding == "utf-8" and ("\x00" in text or data.startswith(b"\xef\xbb\xbf")):
        return  # NUL is refused as binary; a leading U+FEFF reads as a byte-order mark
    if encoding == "utf-16-le-bom" and text.startswith("\x00"):
        return  # FF FE 00 00 is the UTF-32 LE byte-order mark: an inherent ambiguity of BOMs
    assert decode(data) == (text, encoding)


def test_a_removal_between_a_lone_cr_and_an_empty_line_does_not_join_them():
    """Found by fuzzing: "a\\r" + removed line + "\\n" read as one CRLF line in the clean text, so a
    blank line between two lists vanished on the second cleaning and the lists became one run."""
    item = KINDS["list_run"](id="run", pack_id="p", rationale="r", item=regex.compile(r"^• "), min_items=2)
    drop = KINDS["line"](id="drop", pack_id="p", rationale="r", pattern=regex.compile("^DROP$"))
    rules = RuleSet((RulePack("p", "1", "", (), "<test>", (item, drop), "0" * 64),))
    text = "Body.\n• a\rDROP\n\n• b\nMore body.\n"
    result = check_clean(text, rules)
    assert "\r\n" not in result.text
