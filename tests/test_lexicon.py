"""The line model's learned lexical features: the terms a line gives, its values from a table, where
they sit in a row (compiled and reference alike), and how the table is learned."""

from __future__ import annotations

import dataclasses
import pickle
import re
import struct
import sys

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleaner.authoring.line_lexicon import LexiconParams, learn
from cleaner.rules import lexicon
from cleaner.rules.features import FeatureSpec, extract
from cleaner.search import linefast

TABLE = {"posted": 1.0, "^posted in": 2.0, "news": 0.5, "council": -1.5, "the council": -2.0}
PROSE = "The council approved the budget after a long and heated debate."


def test_a_line_gives_its_tokens_word_bigrams_and_lead():
    found, lead = lexicon.terms("Posted in News | © 2020")
    assert found == ["posted", "in", "news", "|", "©", "2020", "posted in", "in news", "news 2020"]
    assert lead == "^posted in"
    assert lexicon.terms("Home") == (["home"], None)


def test_values_are_the_mean_max_min_sum_and_lead_of_the_terms_found():
    assert lexicon.line_values("Posted in News", TABLE) == (0.75, 1.0, 0.5, 1.5, 2.0)
    assert lexicon.line_values("The council met", TABLE) == (-1.75, -1.5, -2.0, -3.5, 0.0)
    assert lexicon.line_values("Nothing known here", TABLE) == (0.0, 0.0, 0.0, 0.0, 0.0)
    many = {"x": 3.0}
    assert lexicon.line_values("x x x x", many)[3] == lexicon.SUM_CAP  # the sum is clipped


def test_lex_near_is_the_mean_lex_mean_around_the_line():
    rows = lexicon.columns(["Posted in News", "Nothing", "The council met"], TABLE, ("lex_near", "lex_mean"))
    assert rows[0] == (pytest.approx((0.75 + 0 - 1.75) / 3), 0.75)
    assert [len(r) for r in rows] == [2, 2, 2]


def test_lex_dense_is_the_mean_positive_lex_max_around_the_line():
    keys = ["Posted in News", "The council met", *["Nothing"] * 5, "The council met"]
    rows = lexicon.columns(keys, TABLE, ("lex_dense", "lex_max"))
    assert rows[0] == (pytest.approx(1.0 / 6), 1.0)  # lines 0-5: line 0's strongest term, 1.0
    assert rows[1] == (pytest.approx(1.0 / 7), -1.5)  # a body term counts 0, not its weight
    assert rows[5] == (pytest.approx(1.0 / 8), 0.0)  # line 0 is 5 lines away: still in the window
    assert rows[6] == (0.0, 0.0)  # 6 lines away: out


def test_unknown_lexical_features_are_refused():
    with pytest.raises(ValueError, match="lexical_features"):
        FeatureSpec(lexical_features=("lex_median",))


@pytest.mark.parametrize("hints", [False, True])
def test_lexical_features_sit_after_the_hints_alike_in_the_compiled_and_the_reference_rows(hints):
    spec = FeatureSpec(stop_words=frozenset({"the", "a"}), furniture_words=("share",), packs=("social",),
                       neighbour_features=("short",), hint_features=("in_default",) if hints else (),
                       lexical_features=("lex_mean", "lex_lead", "lex_near"), lexicon=tuple(TABLE.items()),
                       context_features=("prose_near",))
    texts = ["Posted in News", "", PROSE, "Share this", PROSE]
    removed = [None, None, None, "social", None]
    page_hints = {"Sharethis": {"in_default": 1.0}} if hints else None
    compiled = extract(texts, removed, spec, page_hints)
    reference = extract(texts, removed, dataclasses.replace(spec, use_compiled=False), page_hints)
    rows = [dict(zip(spec.names, row, strict=True)) for row in reference.rows]
    assert rows[0]["lex_mean"] == 0.75 and rows[0]["lex_lead"] == 2.0
    assert rows[1]["lex_mean"] == -1.75  # "council" and "the council" of the prose line
    assert spec.names.index("lex_mean") == spec.names.index("prose_near") - 3  # before the context features
    from cleaner.rules.linear import LinearModel

    model = LinearModel.from_mapping(spec.names, -0.5, {"lex_mean": 1.3, "lex_near": -0.7, "prose_near": 0.4})
    assert list(compiled.probabilities(model)) == [reference.probabilities(model)[k] for k in range(4)]


def test_the_table_keeps_terms_seen_on_enough_sites_weighted_by_their_log_odds():
    docs = [(f"site{k}.com", ["Subscribe to our newsletter", PROSE, f"Only on site{k} a sentence"], [1, 0, 1])
            for k in range(6)]
    docs.append(("one.com", ["Zebra menu"], [1]))
    table = learn(docs, LexiconParams(min_sites=3, smoothing=1.0, cap=2.5, top=100))
    assert table["subscribe"] > 0 and table["^subscribe to"] > 0
    assert table["council"] < 0 and table["the council"] < 0
    assert "zebra" not in table  # one site only
    assert all(abs(w) <= 2.5 for w in table.values())
    assert len(learn(docs, LexiconParams(min_sites=3, top=5))) == 5
    assert learn([("a.com", ["Only furniture"], [1])], LexiconParams(min_sites=1)) == {}  # no body to weigh against


def test_the_trainer_cross_fits_the_training_rows_lexical_values():
    """A training page's lexical values come from a table learned without its fold; the rule gets the
    table learned on every page."""
    import sys
    from types import SimpleNamespace

    from cleaner.authoring.line_model_data import Example
    from cleaner.rules.loader import load_pack

    from .conftest import ROOT

    sys.path.insert(0, str(ROOT / "tests" / "bench"))
    import train_line_model

    rule = next(r for r in load_pack(ROOT / "rules" / "line_model.toml").rules if r.input == "text")
    rule = dataclasses.replace(rule, lexical_features=lexicon.LEXICAL_FEATURES, lexicon=())
    width = len(rule.spec.names) - len(rule.lexical_features)
    texts = {0: ["Zebra corner", "Subscribe now", PROSE], 1: ["Subscribe today", PROSE]}
    labels = {0: [1, 1, 0], 1: [1, 0]}
    docs = []
    for fold in (0, 1):
        page = SimpleNamespace(fold=fold, domain=f"site{fold}.example")
        ex = Example([[0.0] * width for _ in texts[fold]], labels[fold], [None] * len(texts[fold]), texts[fold])
        docs.append((page, "full.txt", ex, ex))
    trained, out = train_line_model.with_lexicon(rule, docs, LexiconParams(min_sites=1, smoothing=1.0))
    at = trained.spec.names.index("lex_max")
    assert dict(trained.lexicon)["zebra"] > 0 and dict(trained.lexicon)["subscribe"] > 0
    zebra, subscribe = out[0][2].rows[0], out[0][2].rows[1]
    assert zebra[at] == 0.0  # fold 1 never saw it
    assert subscribe[at] > 0  # fold 1 did
    assert all(len(row) == len(trained.spec.names) for _, _, ex, _ in out for row in ex.rows)


def test_the_one_call_scores_read_the_lexical_features_as_the_reference_does():
    from cleaner.rules import line_scores
    from cleaner.rules.linear import LinearModel

    spec = FeatureSpec(stop_words=frozenset({"the", "a"}), packs=("social",), neighbour_features=("short",),
                       lexical_features=lexicon.LEXICAL_FEATURES, lexicon=tuple(TABLE.items()),
                       context_features=("prose_near",))
    texts = ["Posted in News", "", PROSE, "Share this", PROSE, "The council"]
    removed = [None, None, None, "social", None, None]
    model = LinearModel.from_mapping(spec.names, -0.5, {"lex_mean": 1.3, "lex_near": -0.7, "lex_lead": 0.2})
    fast = line_scores.scores(texts, removed, spec, model)
    slow = line_scores.scores(texts, removed, dataclasses.replace(spec, use_compiled=False), model)
    assert [fast.probabilities[k] for k in range(5)] == [slow.probabilities[k] for k in range(5)]
    plain = line_scores.scores(texts, removed, dataclasses.replace(spec, lexicon=()), model)
    assert [fast.probabilities[k] for k in range(5)] != [plain.probabilities[k] for k in range(5)]


# ---- the compiled lexicon (`_linefast.Lexicon`) against the reference, bit for bit ----------------

needs_compiled = pytest.mark.skipif(not linefast.AVAILABLE or not hasattr(linefast._linefast, "Lexicon"),
                                    reason="the compiled lexicon is not built")
# Pieces that lower, tokenize or compare unlike ASCII: full case mapping (İ to i + U+0307, ẞ, final
# sigma), ß, combining marks, NBSP and other spaces, tabs, CJK, emoji, `_`, digits of other scripts.
PIECES = ["Posted", "in", "News", "THE", "Council", "İstanbul", "İ", "ß", "ẞ", "ΣΟΦΟΣ", "Σ", "e\u0301", "\u0301",
          "ǅ", "ﬁ", "\u00a0", "\t", " ", "  ", "\u2003", "\u3000", "日本語", "😀", "👍🏽", "_", "__init__", "12",
          "١٢", "²", "Ⅻ", "©", "|", "-", ".", ",", "^", "a", "b"]
line = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=12).map("".join)
weight = st.floats(allow_nan=True, allow_infinity=True) | st.sampled_from([0.0, -0.0, 1.5, -3.0, 8.0, 1e308])


def bits(rows):
    return [[float(v).hex() for v in row] for row in rows]


@needs_compiled
def test_the_unicode_predicates_the_c_code_uses_are_sres_and_lowers():
    """On every code point: `_TERM`'s \\w is str.isalnum() (Py_UNICODE_ISALNUM) or '_', its \\s
    str.isspace() (Py_UNICODE_ISSPACE), and str.lower() changes a character beyond ASCII only when it
    is upper or title case (Py_UNICODE_ISUPPER, _ISTITLE: the C code lowers other lines itself)."""
    word, space = re.compile(r"\w"), re.compile(r"\s")
    for code in range(sys.maxunicode + 1):
        c = chr(code)
        assert bool(word.match(c)) == (c.isalnum() or c == "_"), hex(code)
        assert bool(space.match(c)) == c.isspace(), hex(code)
        assert code < 128 or c.lower() == c or c.isupper() or c.istitle(), hex(code)


@needs_compiled
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line, min_size=1, max_size=12), st.data())
@example(["İstanbul'da Posted in", "ΣΟΦΟΣ news", "x x x x x", "", "\u00a0\t"], None)
def test_the_compiled_columns_are_the_references(keys, data):
    terms = sorted({t for key in keys for found, lead in [lexicon.terms(key)] for t in [*found, lead] if t})
    if data is None:  # the explicit example: every term known, the sum clipped
        table = {t: 3.0 - 0.25 * k for k, t in enumerate(terms)}
    else:
        known = data.draw(st.lists(st.sampled_from(terms), unique=True) if terms else st.just([]))
        table = {t: data.draw(weight) for t in [*known, *data.draw(st.lists(line, max_size=3))]}
    names = lexicon.LEXICAL_FEATURES if data is None else tuple(data.draw(st.permutations(lexicon.LEXICAL_FEATURES)))[
        :data.draw(st.integers(0, 6))]
    fast = lexicon.Table(tuple(table.items()))
    assert fast.compiled is not None
    reference = lexicon.columns(keys, table, names)
    assert bits(fast.columns(keys, names)) == bits(reference)
    before = [(float(k), -0.0) for k in range(len(keys))]
    after = [(*b, *r) for b, r in zip(before, reference, strict=True)]
    assert bits(fast.columns(keys, names, before)) == bits(after)
    assert fast.columns(keys, names, before, packed=True) == b"".join(struct.pack(f"{len(r)}d", *r) for r in after)
    assert bits(pickle.loads(pickle.dumps(fast)).columns(keys, names)) == bits(reference)


def test_a_table_the_compiled_code_cannot_take_runs_the_reference():
    keys = ["Posted in News", "posted"]
    for table in (lexicon.Table((("posted", 1),)), lexicon.Table(tuple(TABLE.items()), compiled=False)):
        assert table.compiled is None  # an int weight (sum() of ints is no float sum), or asked for the reference
        expected = lexicon.columns(keys, table.weights, ("lex_sum",))
        assert table.columns(keys, ("lex_sum",), [(0.5,), (1.5,)]) == [(0.5, *expected[0]), (1.5, *expected[1])]


@pytest.mark.parametrize("compiled", [True, False])
def test_a_document_of_more_lines_than_the_cache_limit_keeps_its_values_for_its_later_passes(monkeypatch, compiled):
    monkeypatch.setattr(lexicon, "_CACHE_LIMIT", 20)
    table = lexicon.Table(tuple(TABLE.items()), compiled=compiled)
    keys = [f"Posted in news, line {n} of a long page" for n in range(50)]
    first = table.columns(keys, ("lex_sum",))
    held = dict(table.cache)
    assert set(held) == set(keys)
    assert table.columns(keys, ("lex_sum",)) == first  # its second pass ...
    assert all(table.cache[key] is held[key] for key in keys)  # ... reads the values the first computed
    table.columns(["Home"], ("lex_sum",))  # the next document: the limit is back, the cache emptied first
    assert set(table.cache) == {"Home"}
