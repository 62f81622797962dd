"""The joined-lines search finds exactly the lines a per-line `pattern.search` finds, and times out as it would."""

from __future__ import annotations

import sys

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.lines import split_lines
from cleaner.rules.lazy_patterns import LazyPattern
from cleaner.search import joined as linesearch
from cleaner.search.joined import line_bounded, matching_texts

from .conftest import SEEDS, SHARED

# Characters where line-bounded rewriting could go wrong: whitespace of every kind (Unicode line
# separators that do not end a line here), word and non-word characters, bullets, case pairs.
ALPHABET = "ab AB-•*|:.!?\t\xa0\u2028\u0085\x0b\x0c\u3000İiKk1\u212a"
LINES = st.lists(st.text(alphabet=ALPHABET, max_size=12), max_size=8)

# Pieces of patterns in the subset the rewrite handles, and some it must refuse.
ATOMS = [r"\s", r"\S", r"\w", r"\W", r"\d", r"\D", ".", "a", "A", "-", r"\.", "[^a]", r"[^\s]", r"[\s-]",
         "[a-b]", r"[\W]", r"[\x00-\x7f]", "[[:upper:]]", "[[:^alpha:]]", r"\xa0", "İ", "k"]
ASSERTIONS = ["^", "$", r"\b", r"\B"]
QUANTIFIERS = ["", "*", "+", "?", "{0,2}", "*?", "+?", "*+", "{1,}"]
REFUSED = [r"(?=a)", r"(?!a)", r"(?<=a)", r"\A", r"\Z", r"(?s).", r"(?m)^", r"\p{L}", r"(?>a)", r"a{e<=1}", r"\n"]


@st.composite
def patterns(draw) -> str:
    pieces = []
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.integers(0, 9))
        if kind < 6:
            pieces.append(draw(st.sampled_from(ATOMS)) + draw(st.sampled_from(QUANTIFIERS)))
        elif kind < 8:
            pieces.append(draw(st.sampled_from(ASSERTIONS)))
        elif kind == 8:
            pieces.append("(" + draw(st.sampled_from(ATOMS)) + "|" + draw(st.sampled_from(ASSERTIONS)) + ")?")
        else:
            pieces.append("|")
    source = "".join(pieces)
    return ("(?i)" if draw(st.booleans()) else "") + source


@pytest.fixture(autouse=True, scope="module")
def join_even_two_lines():
    """The tests' few lines take the joined path too (in use it starts at MIN_JOINED lines)."""
    saved, linesearch.MIN_JOINED = linesearch.MIN_JOINED, 2
    yield
    linesearch.MIN_JOINED = saved


def per_line(pattern: regex.Pattern, texts) -> set[str]:
    return {text for text in texts if pattern.search(text) is not None}


@settings(max_examples=400, deadline=None)
@given(patterns(), LINES)
def test_joined_search_finds_the_lines_a_per_line_search_finds(source, texts):
    try:
        pattern = regex.compile(source)
    except regex.error:
        return
    assert matching_texts(pattern, set(texts), 1.0) == per_line(pattern, texts)


@pytest.mark.parametrize("source", REFUSED)
def test_constructs_outside_the_subset_are_searched_line_by_line(source):
    assert line_bounded(source, regex.compile(source).flags) is None
    pattern = regex.compile(source)
    texts = {"a", "ab", "b a", "", "x\u2028a"}
    assert matching_texts(pattern, texts, 1.0) == per_line(pattern, texts)


def test_rewritten_classes_match_what_the_original_matches_except_newline():
    every = "".join(chr(c) for c in range(sys.maxunicode + 1) if c != 10 and not 0xD800 <= c <= 0xDFFF)
    for source in (r"\s", r"\W", r"\D", "[^a]", r"[\s-]", r"(?i)\s", "[[:^alpha:]]"):
        original = regex.compile(source)
        scan = line_bounded(source, original.flags).pattern
        assert scan.findall(every) == original.findall(every), source
        assert not scan.search("\n")


def test_anchored_patterns_scan_for_line_starts():
    scan = line_bounded(r"(?i)^\s*(a|b)$|^c", regex.IGNORECASE | regex.VERSION0 | regex.UNICODE)
    assert scan.anchored
    assert not line_bounded(r"^a|b", regex.VERSION0 | regex.UNICODE).anchored


def corpus_lines() -> set[str]:
    paths = sorted(SEEDS.glob("*.txt"))
    pages = SHARED / "devset"
    if pages.is_dir():
        paths += sorted(pages.glob("*.full.txt"))[:20]
    texts = {line.text for path in paths for line in split_lines(path.read_text("utf-8"))}
    return texts | {text.upper() for text in texts} | {"\u2028" + text + "\x85" for text in list(texts)[:200]}


def test_every_default_rule_pattern_finds_the_same_lines_joined():
    texts = corpus_lines()
    rewritten = 0
    for rule in cleaner.load_rules().rules():
        for name in rule.FIELDS:
            pattern = getattr(rule, name)
            if isinstance(pattern, regex.Pattern | LazyPattern):
                rewritten += line_bounded(pattern.pattern, pattern.flags) is not None
                assert matching_texts(pattern, texts, 1.0) == per_line(pattern, texts), rule.id
    assert rewritten  # the fast path is taken for real rules, not only in this file


def test_a_catastrophic_line_still_times_out():
    pattern = regex.compile(r"^(\w|\w\w)+$")
    with pytest.raises(TimeoutError):
        matching_texts(pattern, {"intro", "a" * 60 + "!", "ab"}, 0.2)


def test_a_joined_scan_that_runs_out_of_time_falls_back_to_one_search_per_line(monkeypatch):
    def out_of_time(*args):
        raise TimeoutError
    monkeypatch.setattr(linesearch, "_scan", out_of_time)
    pattern = regex.compile(r"^\s*a")
    assert matching_texts(pattern, {"  a", "b", "ba", " a b"}, 1.0) == {"  a", " a b"}


def test_texts_holding_a_newline_are_searched_one_by_one():
    pattern = regex.compile(r"^b")
    assert matching_texts(pattern, {"a\nb", "c"}, 1.0) == set()  # "b" starts a line only when joined


def test_long_inputs_are_scanned_in_chunks(monkeypatch):
    monkeypatch.setattr(linesearch, "CHUNK_CHARS", 10)
    pattern = regex.compile(r"(?i)^x|y$")
    texts = {f"{n} y" if n % 3 else f"X{n}" for n in range(50)} | {"z" * 40}
    assert matching_texts(pattern, texts, 1.0) == per_line(pattern, texts)
