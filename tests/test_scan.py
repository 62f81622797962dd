"""`Document.matching`, the batched line search the line and list_run kinds use, finds exactly the
lines a search of each line finds, and still fails a document on a regex timeout."""

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.api import default_rules
from cleaner.errors import RuleTimeout
from cleaner.lines import split_lines
from cleaner.rules.kinds import Document, LineRule
from cleaner.rules.lazy_patterns import LazyPattern

TRICKY = [r"^\s*[-*]\s+[[:upper:]][^.!?;:]*$", r"^$", r"x*", r"\s+", r"^\s*$", r"\bab\b", r"(?i)^A B$", r"[^a-]+$"]
BUNDLED = sorted({p.pattern for r in default_rules().rules() for name in r.FIELDS
                  if isinstance(p := getattr(r, name, None), regex.Pattern | LazyPattern)})


def _rule(pattern: regex.Pattern) -> LineRule:
    return LineRule(id="r", pack_id="p", rationale="-", pattern=pattern)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ab AB-*.\t\u2028\xa01", max_size=12), max_size=40),
       st.sampled_from(TRICKY + BUNDLED), st.sampled_from([None, 0, 3, 80]))
def test_matching_equals_searching_each_line(texts, source, max_chars):
    pattern = regex.compile(source)
    doc = Document(split_lines("\n".join(texts)), {}, timeout=1.0)
    expected = [i for i, line in enumerate(doc.lines)
                if (max_chars is None or len(line.text) <= max_chars) and doc.search(_rule(pattern), pattern, i)]
    assert doc.matching(_rule(pattern), pattern, range(len(doc.lines)), max_chars) == expected


def test_matching_raises_the_rule_timeout():
    pattern = regex.compile(r"^(\w|\w\w)+$")
    doc = Document(split_lines("a" * 60 + "!\n"), {}, timeout=0.1)
    with pytest.raises(RuleTimeout):
        doc.matching(_rule(pattern), pattern, range(len(doc.lines)))
