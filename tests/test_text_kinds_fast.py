"""The text kinds' compiled code (cleaner/search/_linefast.c, its text-kinds region) against their Python,
the reference (`CLEANER_PURE_PYTHON=1` runs it): the same claims on generated documents and options."""

from __future__ import annotations

import math

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner.engine import positions
from cleaner.lines import split_lines
from cleaner.rules.kinds.base import Document
from cleaner.rules.kinds.prose_window import ProseWindowRule
from cleaner.search import linefast

needs_compiled = pytest.mark.skipif(not linefast.AVAILABLE, reason="the compiled speed-up is not built")

# lines of each sort a page mixes: prose (long, short, cut off, a teaser shown twice), menus, list items,
# stop lines, Unicode spaces and closers, indentation
LINES = ["The council voted on Tuesday to close the library for good.", "Home", "- Item one", "• Arts and Culture",
         "Comments", "More in Sport", "It was, she said, the best of the year and the worst of it!",
         "  Indented prose that runs on for a while, as a teaser would.", "\tA tabbed line: it ends in a colon:",
         "A much longer sentence of the article, and of its day, ends here.\u201d", "Share", "© 2024 The Paper",
         "Short one.", "Words\u00a0with\u2003odd spaces in them, five or more of them here.", "…", "*", "Read more…",
         "A sentence cut off in its middle, as teasers are cut off on pages [...]", "   ", "",
         "Weight\t\t2.1 lb\t\t1.8 lb", "A table cell that is a whole sentence of its own.\t\tYes, it is."]
line = st.sampled_from(LINES) | st.text(alphabet=" .!?:;a-•\u2026\u201d)A\t", max_size=12)
document = st.lists(st.tuples(line, st.booleans()), max_size=60)
options = st.fixed_dictionaries({
    "min_words": st.integers(0, 9), "min_prose_chars": st.integers(0, 70),
    "penalty": st.sampled_from([0.0, 0.3, 0.5, 2.0]),
    "min_score": st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0]), "head_lines": st.integers(0, 4),
    "tail_lines": st.integers(0, 70), "keep_outside_chars": st.sampled_from([0, 10, 40]),
    "first_within": st.sampled_from([0.0, 0.4, 1.0, 1.5]), "min_outside_lines": st.integers(0, 8),
    "min_outside_share": st.sampled_from([0.0, 0.2, 0.5]), "menu_chars": st.integers(0, 50),
    "min_menu_before": st.integers(0, 3), "min_lead_lines": st.integers(0, 3),
    "stop_penalty": st.sampled_from([math.inf, 3.0, 0.0]), "other_indent_score": st.sampled_from([1.0, 0.25, -1.0]),
    "indent_sample": st.integers(0, 4), "run_on": st.booleans(), "run_back": st.booleans(),
    "tab_rows_neutral": st.booleans(), "skip_teaser_runs": st.booleans()})


def _claims(rule: ProseWindowRule, texts: list[str], removed: list[bool]) -> object:
    lines = split_lines("".join(text + "\n" for text in texts))
    doc = Document(lines, {}, 1.0)
    for i, gone in enumerate(removed):
        if gone:
            doc.claimed[i] = rule
    try:
        return list(rule.find(doc))
    except Exception as exc:  # noqa: BLE001 - the compiled path must fail as the reference fails
        return type(exc)


@needs_compiled
@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])  # patched per example
@given(document, options, st.booleans())
def test_prose_windows_claims_are_the_references(monkeypatch, lines, opts, with_stop):
    rule = ProseWindowRule(id="w", pack_id="p", rationale="", stop=regex.compile(r"^(Comments|More in)") if with_stop
                           else None, **opts)
    texts = [text for text, _ in lines]
    removed = [gone and bool(text.strip()) for text, gone in lines]
    fast = _claims(rule, texts, removed)
    with monkeypatch.context() as patch:
        patch.setattr(linefast, "AVAILABLE", False)
        assert linefast.prose_window([], [], [], set(), {}, (0,) * 10, (0.0,) * 6, (False,) * 4) is None
        reference = _claims(rule, texts, removed)
    assert fast == reference


class _Rule:
    def __init__(self, rule_id: str) -> None:
        self.id = rule_id


@needs_compiled
@settings(max_examples=300, deadline=None)
@given(st.integers(0, 30).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.booleans(), min_size=n, max_size=n),
    st.dictionaries(st.sampled_from("abcdef"), st.lists(st.integers(0, n - 1), max_size=12) if n else st.just([])),
    st.lists(st.sampled_from("abcdefg"), max_size=8))))
def test_the_passs_candidates_are_the_references(case):
    n, is_active, hits, ids = case
    active = [i for i in range(n) if is_active[i]]
    rules = [_Rule(rule_id) for rule_id in ids]
    assert list(positions.active_candidates(n, active, hits, rules).items()) == \
        list(positions.reference_candidates(n, active, hits, rules).items())
    assert linefast.active_candidates(active, n, hits, ids) is not None


@needs_compiled
@given(st.lists(st.sampled_from([None, 0, 1, 2, 3]), max_size=40))
def test_distinct_owners_are_the_references(picks):
    objects = [_Rule(str(k)) for k in range(4)]
    claimed = [None if k is None else objects[k] for k in picks]
    reference = [owner for owner in {id(owner): owner for owner in claimed}.values() if owner is not None]
    assert list(map(id, linefast.distinct_owners(claimed))) == list(map(id, reference))


# lines for the context checks: sentences in and out of headline case, cut off, list items, Unicode
CONTEXT_LINES = [*LINES, "One Two Three Four Five Six Seven Eight.", "one Two three Four five Six seven Eight!",
                 "A teaser of eight words or more ends so...", "A teaser of eight words or more ends so [...]",
                 "A teaser of eight words or more ends so […]", "– a dash then eight more words, all of them here.",
                 "Ünïcode wörds, éight of them at least, in this line?", "1 2 3 4 5 6 7 8;", "\u00a0"]
context_line = st.sampled_from(CONTEXT_LINES) | st.text(alphabet=" .!?:;aA1-–•…[]\u201d\u00a0É", max_size=24)


@needs_compiled
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(context_line, st.booleans()), min_size=1, max_size=30), st.data())
def test_the_context_checks_are_the_references(monkeypatch, lines, data):
    from cleaner.rules.kinds import context

    doc = Document(split_lines("".join(text + "\n" for text, _ in lines)), {}, 1.0)
    for i, (text, gone) in enumerate(lines):
        if gone and text.strip():
            doc.claimed[i] = object()
    index = data.draw(st.integers(0, len(lines) - 1))
    flag = data.draw(st.booleans())

    def checks() -> tuple:
        return (context._prose_near(doc, index, -1, flag), context._prose_near(doc, index, 1, flag),
                context._prose_reached(doc, index, -1, flag), context._prose_reached(doc, index, 1, flag),
                [context.sentence_in(Document(doc.lines, {}, 1.0), key) for key in doc.keys if key])

    fast = checks()
    with monkeypatch.context() as patch:
        patch.setattr(linefast, "AVAILABLE", False)
        assert linefast.context_checks() is None
        reference = checks()
    assert fast == reference
    assert [context.is_sentence(key) for key in doc.keys if key] == reference[4]


def test_the_compiled_text_kinds_know_the_kinds_constants():
    """The compiled code assumes the kinds' characters (bullets, closers, sentence ends, item marks, cut-off
    endings): a change to one of them in Python runs the Python, and fails here until the C follows."""
    from cleaner.rules.kinds import context, prose_window

    assert prose_window.CONSTANTS_COMPILED and context.CONSTANTS_COMPILED
