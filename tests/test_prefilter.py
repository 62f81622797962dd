"""The keyword prefilter scans a document in chunks of lines; the candidates must not depend on where the
chunks are cut."""

from __future__ import annotations

import sys

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.lines import split_lines
from cleaner.search.candidates import CandidateIndex, KeywordIndex, is_caseless

KEYWORDS = {"a": ["share", "-", "ς"], "b": ["ab", "İ"], "c": ["b"]}
INDEX = KeywordIndex(KEYWORDS.items())


def by_line(text: str) -> dict[str, list[int]]:
    """What the prefilter promises: per rule, the lines whose lower-cased text holds one of its keywords."""
    lines = split_lines(text)
    found = {rule_id: [i for i, line in enumerate(lines) if any(k.lower() in line.text.lower() for k in keywords)]
             for rule_id, keywords in KEYWORDS.items()}
    return {rule_id: indices for rule_id, indices in found.items() if indices}


def test_keywords_at_chunk_boundaries_are_found():
    line = "x" * 20 + "\n"
    text = "".join(("Share" if n % 3 == 0 else "x" * 5) + line + ("ab\n" if n % 4 == 0 else "") for n in range(200))
    lines = split_lines(text)
    whole = INDEX.candidate_lines(text, lines, chunk_chars=len(text))
    assert whole == by_line(text)
    for chunk_chars in (1, 26, 27, 29, 100, 1000):
        assert INDEX.candidate_lines(text, lines, chunk_chars=chunk_chars) == whole


def test_a_line_longer_than_a_chunk_is_scanned_whole():
    text = "intro\n" + "y" * 500 + "share" + "y" * 500 + "\n-\n"
    assert INDEX.candidate_lines(text, split_lines(text), chunk_chars=100) == {"a": [1, 2]}


def test_only_the_chunk_whose_length_changes_on_lowering_goes_line_by_line():
    text = "share\n" * 50 + "İstanbul\nab\n" + "-\n" * 50
    lines = split_lines(text)
    assert INDEX.candidate_lines(text, lines, chunk_chars=40) == by_line(text)
    assert INDEX.candidate_lines(text, lines) == by_line(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="abSHAREshare-Σσς İx\n\r ", max_size=120), st.integers(min_value=1, max_value=60))
def test_chunked_candidates_equal_a_line_by_line_search(text, chunk_chars):
    assert INDEX.candidate_lines(text, split_lines(text), chunk_chars=chunk_chars) == by_line(text)


def test_lower_never_makes_or_unmakes_a_caseless_character():
    """is_caseless lets the pattern prefilter look for such keywords without lower-casing the line:
    exact only if no character lower-cases to (or from) one of them."""
    accepted = {chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF and is_caseless(chr(c))}
    assert {"•", "*", "-", "·", "|", "[", "0"} <= accepted and not {"a", "İ", "\u0307", "Ⓐ", "Ⅻ"} & accepted
    for c in range(sys.maxunicode + 1):
        if 0xD800 <= c <= 0xDFFF:
            continue
        lowered = chr(c).lower()
        if lowered != chr(c):
            assert not accepted & set(lowered), (hex(c), lowered)


def test_caseless_keywords_narrow_as_lower_cased_ones_do():
    texts = ["  • Tech", "  • Cars", "Plain prose with a dash - here", "  * Gaming", "ⓐ no bullet"]
    lines = split_lines("\n".join(texts) + "\n")
    rules = [("bullets", ("•", "*"), regex.compile(r"^\s*[•*]\s+\w+$")),
             ("words", ("TECH",), regex.compile(r"(?i)tech"))]
    index = CandidateIndex(rules)
    assert index._caseless == {"bullets"}
    found = {"bullets": [0, 1, 2, 3, 4], "words": [0, 2]}
    assert index._narrowed(found, "\n".join(texts) + "\n", lines) == {"bullets": [0, 1, 3], "words": [0]}
