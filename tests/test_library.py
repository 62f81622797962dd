"""The library's contract for callers: typed, and wrong arguments say what to pass."""

from __future__ import annotations

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
