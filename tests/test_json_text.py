"""`indented_json` writes exactly what `json.dumps(..., ensure_ascii=False, indent=2, sort_keys=True)` writes."""

from __future__ import annotations

import json
from collections import OrderedDict

from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.io.json_text import indented_json, json_document_chunks, utf8

from .conftest import SEEDS


def standard(data):
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)


SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text(
    st.characters(min_codepoint=0, max_codepoint=0x10FFFF))  # surrogates included: records may hold them
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                      | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=30)


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_any_json_value_is_written_as_the_standard_library_writes_it(data):
    assert indented_json(data) == standard(data)


def test_real_records_and_values_outside_the_fast_path():
    rules = cleaner.default_rules()
    for path in sorted(SEEDS.glob("*.txt")):
        record = cleaner.clean_file(path, rules=rules).provenance
        assert indented_json(record) == standard(record)
    for data in ({1: "int key"}, {"a": 1, 2: "b"}, OrderedDict(b=1, a=2), {"k": {True: None}}, [float("nan")]):
        try:
            expected = standard(data)
        except TypeError:
            expected = TypeError
        try:
            assert indented_json(data) == expected
        except TypeError:
            assert expected is TypeError


@settings(max_examples=200, deadline=None)
@given(VALUES)
def test_a_record_written_in_pieces_is_the_standard_text(data):
    assert b"".join(json_document_chunks(data)) == utf8(standard(data) + "\n")


def test_a_large_record_comes_in_pieces_and_values_outside_the_fast_path_keep_their_text():
    record = {"spans": [{"text": "x" * 100_000, "n": i} for i in range(3)] + [{1: "int key"}, [float("nan")]],
              "z": OrderedDict(b=1, a=2)}
    chunks = list(json_document_chunks(record))
    assert len(chunks) > 1
    assert b"".join(chunks) == utf8(standard(record) + "\n")
