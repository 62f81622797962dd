"""The library's contract for callers: typed, and wrong arguments say what to pass."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import cleaner


@pytest.mark.parametrize("value", [b"Body.\nView all newsletters\n", bytearray(b"Body.\n")])
def test_clean_given_bytes_says_to_decode_or_use_clean_file(value):
    with pytest.raises(TypeError, match=r"str, not bytes: decode it first .*clean_file\(path\)"):
        cleaner.clean(value)


def test_clean_given_something_else_names_its_type():
    with pytest.raises(TypeError, match="clean\\(\\) takes the document as str, not int"):
        cleaner.clean(42)


def test_package_is_marked_typed():
    assert (Path(cleaner.__file__).parent / "py.typed").is_file()


def test_corpus_functions_are_public_typed_and_take_a_rule_set():
    """`cleaner.corpus` (the issue's name) exports the corpus functions; every parameter and the return
    value is annotated, the annotations resolve, and `rules` names RuleSet."""
    import typing

    from cleaner import corpus

    for function in (corpus.clean_jsonl, corpus.clean_parquet, corpus.clean_record):
        hints = typing.get_type_hints(function)
        params = [p for p in inspect.signature(function).parameters]
        assert set(params) | {"return"} == set(hints), function.__name__
        assert cleaner.RuleSet in typing.get_args(hints["rules"]) or hints["rules"] is cleaner.RuleSet
    assert typing.get_type_hints(corpus.clean_jsonl)["return"] is corpus.Report
