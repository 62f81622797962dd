"""The line model's compiled speed-up (cleaner/search/_linefast.c) against its pure-Python reference
(cleaner/rules/line_facts.py, features.py, windows.py): the same floats, bit for bit, on generated
lines, documents and models, and the same cleaning on the seeds and dev pages."""

from __future__ import annotations

import gc
import os
import pickle

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.rules import context_features, lexicon, line_facts, line_scores, second_stage, windows
from cleaner.rules.features import FeatureSpec, extract
from cleaner.rules.linear import LinearModel
from cleaner.search import linefast

from .conftest import SEEDS, SHARED

needs_compiled = pytest.mark.skipif(not linefast.AVAILABLE, reason="the compiled speed-up is not built")

# Pieces the features look for, so generated lines hit every branch: bullets, closers, sentence ends,
# stop and furniture words, link tokens, Unicode letters, digits, cases and spaces.
PIECES = ["the", "The", "of", "and", "Share", "subscribe", "sign up", "©", "http", "www.", ".com", "@", "|", "»",
          "›", "→", "•", "-", "–", "*", "...", ".", "!", "?", "…", "\"", "”", "’", ")", "]", ":", ",", "(", "'",
          "İstanbul", "ÉTÉ", "ǅ", "ß", "ﬁ", "١٢", "²", "Ⅻ", "日本", "x", "12", " ", "  ", "\t", "\u00a0", "\u2003",
          "\u3000", "A", "é"]
line_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), min_size=1, max_size=14).map("".join)


def spec(compiled: bool, **kwargs) -> FeatureSpec:
    base = {"stop_words": frozenset({"the", "of", "and", "a", "", "it's"}),
            "furniture_words": ("share", "subscribe", "sign up", "©", "ﬁ", "i̇"),
            "packs": ("social", "prose"), "neighbour_features": ("short", "prose", "removed", "chars_log"),
            "prose_min_words": 3, "prose_min_chars": 12, "short_chars": 20, "density_window": 2,
            "furniture_window": 1}
    return FeatureSpec(**{**base, **kwargs}, use_compiled=compiled)


def bits(values) -> list[str]:
    return [float(v).hex() for v in values]


@needs_compiled
@settings(max_examples=400, deadline=None)
@given(line_text)
def test_a_lines_facts_are_the_references(text):
    key = text.strip()
    if not key:
        return
    fast = linefast.facts(spec(True).compiled, text, key)
    reference = line_facts.reference_facts(text, key, spec(False))
    assert (bits(fast[0]), fast[1:]) == (bits(reference[0]), reference[1:])


@needs_compiled
@settings(max_examples=200, deadline=None)
@given(st.lists(st.booleans(), max_size=60), st.integers(0, 20))
def test_window_shares_are_the_references(flags, radius):
    assert bits(linefast.window_mean(flags, radius)) == bits(windows.reference_window_share(flags, radius))
    assert bits(windows.window_share(flags, radius)) == bits(windows.reference_window_share(flags, radius))
    assert linefast.window_mean([1, 0], 1) is None  # not bools: the reference runs


@needs_compiled
@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6), max_size=60),
       st.integers(0, 20))
@example([-0.0, 1.0], 0)  # accumulate() starts from the first value itself: -0.0 stays -0.0
def test_window_means_are_the_references(values, radius):
    assert bits(linefast.window_mean(values, radius)) == bits(windows.reference_window_mean(values, radius))
    assert linefast.window_mean([1.0, 2], 1) is None  # an int: the reference runs


@needs_compiled
@settings(max_examples=200, deadline=None)
@given(st.lists(st.booleans() | st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6),
                max_size=60), st.integers(0, 20))
def test_window_means_of_bools_and_floats_mixed_are_the_references(values, radius):
    assert bits(linefast.window_mean(values, radius)) == bits(windows.reference_window_mean(values, radius))


# every context feature of the catalogue (context_features.py), which the compiled rows compute themselves
CONTEXT = (*context_features.WINDOWS, *context_features.PLACES, "after_removed_social", "after_removed_prose",
           "before_removed_prose", "before_removed_social")


def test_the_compiled_rows_compute_every_context_feature():
    assert context_features.plan(CONTEXT, ("social", "prose")) is not None
    assert context_features.plan(("prose_near", "a_new_feature"), ()) is None  # unknown: the Python columns run


# whole lines of each sort (prose, short, list items, furniture), so documents mix them as pages do
LINES = ["The council voted on Tuesday to close the library.", "Home", "- Item one", "• Arts and Culture",
         "Share this article", "It was, she said, the best of the year and the worst of it!", "  Indented.",
         "Subscribe to our newsletter", "© 2024 The Paper", "A much longer sentence of the article, and of its day."]
document = st.lists(st.tuples(line_text | st.just("") | st.sampled_from(LINES),
                              st.sampled_from([None, None, "social", "prose", "mine"])), max_size=40)
weight = st.floats(-30, 30, allow_nan=False)


# derived columns (derived.py) of each sort, over line, place, neighbour, hint and context features
DERIVED = ("position<0.2", "position>0.7", "chars_log>3", "stop_share<0.2", "density*prose", "prev_short*short",
           "doc_lead_log>1.5", "removed*furniture_near")
DERIVED_HINTS, DERIVED_CONTEXT = ("tag_p>0.25", "found*in_run"), ("prose_far<0.05", "removed_wide*list_near")


@needs_compiled
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document, st.data(), st.booleans(), st.booleans(), st.booleans())
def test_a_documents_probabilities_are_the_references(lines, data, with_hints, with_context, with_derived):
    texts, owners = [t for t, _ in lines], [o for _, o in lines]
    derived = (*DERIVED, *(DERIVED_HINTS if with_hints else ()), *(DERIVED_CONTEXT if with_context else ()))
    extra = {"hint_features": ("found", "tag_p") if with_hints else (),
             "context_features": CONTEXT if with_context else (), "derived_features": derived if with_derived else (),
             # removals between two kept prose lines no landmarks, or any removed line
             "landmarks_apart": data.draw(st.booleans())}
    fast_spec, slow_spec = spec(True, **extra), spec(False, **extra)
    assert fast_spec.context_plan is not None or not with_context  # the compiled rows compute them
    weights = {name: data.draw(weight) for name in fast_spec.names}
    model = LinearModel.from_mapping(fast_spec.names, data.draw(weight), weights)
    hints = {line_facts_key(t): {"found": 1.0, "tag_p": 0.5} for t in texts[::2]} if with_hints else None
    fast, slow = extract(texts, owners, fast_spec, hints), extract(texts, owners, slow_spec, hints)
    assert fast.lines == slow.lines and fast.doc == slow.doc and fast.page == slow.page
    got = fast.probabilities(model)
    assert bits(got) == bits(slow.probabilities(model)[k] for k in range(len(slow.lines)))
    assert bits(got) == bits(model.probability(row) for row in slow.rows)
    ks, top = list(range(len(slow.lines))), data.draw(st.integers(0, 6) | st.integers(0, 120))
    assert explained(fast.explain(model, ks, top)) == explained(model.explain(row, top) for row in slow.rows)
    assert explained(slow.explain(model, ks, top)) == explained(model.explain(row, top) for row in slow.rows)


# a lexicon (rules/lexicon.py) of terms the generated lines hold: unigrams, bigrams, lead terms, a cased one
LEXICAL = {"lexical_features": ("lex_mean", "lex_max", "lex_min", "lex_sum", "lex_lead", "lex_near", "lex_dense"),
           "lexicon": (("the", 0.5), ("share", -1.25), ("sign up", 2.0), ("^the of", 1.5), ("©", 3.0), ("i̇", 0.75),
                       ("istanbul", -0.5), ("|", 1.0))}
threshold = st.sampled_from([0.0, 0.3, 0.5, 0.9, 1.0, 2.0]) | st.floats(0, 1)


@needs_compiled
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document, st.data(), st.booleans(), st.booleans(), st.booleans(), st.booleans())
def test_a_documents_scores_in_one_call_are_the_references(lines, data, with_hints, with_context, with_second,
                                                          with_lexicon):
    """features.scores compiled (one score_document call, the facts and lexicon values from the compiled facts
    cache) against the reference: the same document values, probabilities (first stage or second), rows removed
    by the thresholds and shields, and explanations."""
    texts, owners = [t for t, _ in lines], [o for _, o in lines]
    extra = {"hint_features": ("found", "tag_p") if with_hints else (),
             "context_features": CONTEXT if with_context else (),
             "derived_features": (*DERIVED, *(DERIVED_CONTEXT if with_context else ())),
             **(LEXICAL if with_lexicon else {})}
    fast_spec, slow_spec = spec(True, **extra), spec(False, **extra)
    model = LinearModel.from_mapping(fast_spec.names, data.draw(weight),
                                     {name: data.draw(weight) for name in fast_spec.names})
    names = data.draw(st.lists(st.sampled_from(second_stage.NAMES), max_size=20, unique=True)) if with_second else []
    second = LinearModel.from_mapping(names, data.draw(weight), {name: data.draw(weight) for name in names}) \
        if with_second else None
    hints = {line_facts_key(t): {"found": 1.0, "tag_p": 0.5} for t in texts[::2]} if with_hints else None
    assert line_scores._compiles(fast_spec, second) and not line_scores._compiles(slow_spec, second)
    fast = line_scores.scores(texts, owners, fast_spec, model, second, hints)
    slow = line_scores.scores(texts, owners, slow_spec, model, second, hints)
    n = len(slow.features.lines)
    assert fast.features.lines == slow.features.lines and fast.features.doc == slow.features.doc
    assert bits(fast.features.page) == bits(slow.features.page)
    assert bits(fast.probabilities) == bits(slow.probabilities[k] for k in range(n))
    assert fast.removed == slow.removed
    for _ in range(3):
        thresholds = (data.draw(threshold), data.draw(threshold), data.draw(threshold), data.draw(threshold))
        assert fast.select(*thresholds) == slow.select(*thresholds)
    ks = data.draw(st.lists(st.integers(0, max(0, n - 1)), max_size=8)) if n else []
    top = data.draw(st.integers(0, 6))
    assert explained(fast.explain(ks, top)) == explained(slow.explain(ks, top))
    assert [fast.features.run_prose(k) for k in range(n)] == [slow.features.run_prose(k) for k in range(n)]
    assert fast.features.prose() == slow.features.prose()


def explained(parts) -> list:
    return [[(name, float(value).hex()) for name, value in row] for row in parts]


@needs_compiled
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document, st.data())
def test_explanations_with_tied_contributions_are_the_references(lines, data):
    """Weights from a few values, so contributions tie often: the order is then by name, descending."""
    texts, owners = [t for t, _ in lines], [o for _, o in lines]
    fast_spec, slow_spec = spec(True), spec(False)
    weights = {name: data.draw(st.sampled_from([0.0, 1.0, -1.0, 0.5, 2.0])) for name in fast_spec.names}
    model = LinearModel.from_mapping(fast_spec.names, 0.0, weights)
    fast, slow = extract(texts, owners, fast_spec), extract(texts, owners, slow_spec)
    ks = data.draw(st.lists(st.integers(0, max(0, len(slow.lines) - 1)), max_size=8)) if slow.lines else []
    top = data.draw(st.integers(0, 90))
    assert explained(fast.explain(model, ks, top)) == explained(model.explain(slow.row(k), top) for k in ks)


probability = st.one_of(st.floats(0, 1), st.sampled_from([0.0, 1.0, 0.5, 1e-300, 1 - 1e-16]))


@needs_compiled
@settings(max_examples=300, deadline=None)
@given(st.lists(probability, max_size=60), st.data())
def test_the_second_stages_probabilities_are_the_references(first, data):
    names = data.draw(st.lists(st.sampled_from(second_stage.NAMES), max_size=20))
    weights = [data.draw(weight | st.just(0.0)) for _ in names]
    bias = data.draw(weight)
    flags = st.none() | st.lists(st.booleans(), min_size=len(first), max_size=len(first))
    removed, prose = data.draw(flags), data.draw(flags)
    assert linefast.second_matches(second_stage.NAMES, second_stage.CLIP, second_stage.DECAY)  # C runs below
    fast = second_stage.probabilities(bias, weights, names, first, removed=removed, prose=prose)
    slow = second_stage.probabilities(bias, weights, names, first, use_compiled=False, removed=removed, prose=prose)
    assert bits(fast) == bits(slow)


def line_facts_key(text: str) -> str:
    from cleaner.rules.features import hint_key

    return hint_key(text.strip())


def test_a_changed_feature_catalogue_runs_the_reference(monkeypatch):
    """Should the features change (another feature, a new separator), the compiled code is not used."""
    monkeypatch.setattr(linefast, "LINE_FEATURES", (*linefast.LINE_FEATURES, "new_feature"))
    assert spec(True).compiled is None
    monkeypatch.undo()
    changed = {**line_facts.CONSTANTS, "link_tokens": (*line_facts.CONSTANTS["link_tokens"], "::")}
    assert not linefast.matches(linefast.LINE_FEATURES, linefast.PLACE_FEATURES, linefast.RULE_FEATURES, changed)


def test_ci_runs_the_compiled_code():
    if os.environ.get("CLEANER_REQUIRE_COMPILED"):
        assert linefast.AVAILABLE


def _documents() -> list[str]:
    texts = [path.read_text("utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    pages = sorted((SHARED / "devset").glob("*.full.txt"))[:40]
    texts += [path.read_text("utf-8") for path in pages]
    texts += [text.replace("\n", "\r\n") for text in texts[:10]] + [text.upper() for text in texts[:10]]
    return texts


@needs_compiled
def test_cleaning_is_the_same_with_and_without_the_compiled_code(monkeypatch):
    texts = _documents()
    fast_rules = cleaner.load_rules()
    assert all(r.spec.compiled is not None for r in fast_rules.rules() if r.kind == "line_model")
    fast = [cleaner.clean(text, rules=fast_rules) for text in texts]
    monkeypatch.setattr(linefast, "AVAILABLE", False)
    slow_rules = cleaner.load_rules()
    assert all(r.spec.compiled is None for r in slow_rules.rules() if r.kind == "line_model")
    slow = [cleaner.clean(text, rules=slow_rules) for text in texts]
    assert [(r.text, r.provenance) for r in fast] == [(r.text, r.provenance) for r in slow]


@needs_compiled
@pytest.mark.parametrize("limit", [3, 8, 10_000])
def test_the_compiled_cache_looks_up_and_sweeps_as_the_python_cache(monkeypatch, limit):
    """The facts cache held in C (linefast.facts_cache) against the reference's dict: the same facts, the same
    entries in the same order after the same lookups and sweeps, batched or one line at a time."""
    monkeypatch.setattr(line_facts, "_CACHE_LIMIT", limit)
    texts = ["Home", "  Home", "News", "Home", "A story of the day.", "News", "Share", "Home", "x", "y", "Home"] * 3
    lines = list(range(len(texts)))
    keys = [t.strip() for t in texts]
    batched, single, pure = spec(True), spec(True), spec(False)
    assert type(batched.cache) is linefast._linefast.FactsCache and type(pure.cache) is dict
    got = line_facts.facts_of_lines(texts, lines, keys, batched)
    batch = line_facts._limit(len(lines))  # a batch's lines may all be held (line_facts._limit)
    want = [line_facts.facts_of(texts[i], keys[i], single, batch) for i in lines]
    reference = [line_facts.facts_of(texts[i], keys[i], pure, batch) for i in lines]
    assert got == want == reference and all(type(f) is line_facts.LineFacts for f in got)
    # tuples of floats and bools hold no cycle: the collector need not track them
    assert not any(gc.is_tracked(f) or gc.is_tracked(f.values) for f in got)
    # 0.0 and 1.0 are shared objects: the values are the same floats all the same (see above)
    zero = [v for f in got for v in f.values if v == 0.0 and str(v) == "0.0"]
    assert len({id(v) for v in zero}) == 1
    assert list(line_facts.cached(batched).items()) == list(line_facts.cached(single).items()) \
        == list(pure.cache.items())
    assert len(batched.cache) == len(pure.cache)


cache_line = st.tuples(st.sampled_from(["", " ", "\t", "\u3000"]), st.sampled_from(["Home", "News", "x", "Share it.",
                                                                                    "İ", "日本", "a b"]))


@needs_compiled
@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.lists(cache_line, max_size=12), st.booleans()), max_size=8), st.integers(-2, 12))
def test_the_compiled_cache_holds_what_the_python_cache_holds(documents, limit):
    """Documents' lines looked up in turn (as facts, or packed for score_document) in the compiled cache and in
    the reference's dict: the same facts (the packed values bit for bit) and the same entries, in order, marked
    alike, after every document; clear() empties it, and a pickled cache comes back empty."""
    fast, slow = spec(True), spec(False)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(line_facts, "_CACHE_LIMIT", limit)
        for lines, packed in documents:
            texts = [indent + key for indent, key in lines]
            keys, rows = [key for _, key in lines], list(range(len(lines)))
            want = line_facts.facts_of_lines(texts, rows, keys, slow)
            if packed:
                got = line_facts.packed_facts(texts, rows, keys, fast)
                assert bits(memoryview(got).cast("d")) == bits(v for f in want for v in f.values)
                assert line_facts.prose_flags(got) == line_facts.prose_flags(want)
            else:
                assert line_facts.facts_of_lines(texts, rows, keys, fast) == want
            assert list(line_facts.cached(fast).items()) == list(slow.cache.items())
    assert pickle.loads(pickle.dumps(fast.cache)).items() == []
    fast.cache.clear()
    assert len(fast.cache) == 0 and fast.cache.items() == []


@needs_compiled
@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.lists(cache_line | st.tuples(st.just(""), line_text.map(str.strip).filter(bool)),
                                   max_size=12), st.sampled_from([0, 1, 2])), max_size=8), st.integers(-2, 12))
def test_the_lexicon_values_held_with_the_facts_are_the_tables(documents, limit):
    """Documents' lines looked up in turn in the compiled facts cache with one of two lexicons, or none
    (line_facts.packed_lexical, packed_facts): the facts as packed_facts gives them and the lexical columns as the
    table's own columns() (compiled) and lexicon.columns (the reference) give them, bit for bit."""
    specs = [spec(True, **LEXICAL), spec(True, lexical_features=("lex_dense", "lex_near", "lex_lead", "lex_sum"),
                                         lexicon=(("the", -2.0), ("of", 0.25), ("^share it", 1.0)))]
    shared = specs[0].cache
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(line_facts, "_CACHE_LIMIT", limit)
        for lines, which in documents:
            texts = [indent + key for indent, key in lines]
            keys, rows = [key for _, key in lines], list(range(len(lines)))
            want = line_facts.packed_facts(texts, rows, keys, spec(True))
            if which == 2:
                assert line_facts.packed_facts(texts, rows, keys, specs[0]) == want
                continue
            object.__setattr__(specs[which], "cache", shared)  # one cache, its lexicon changing
            got, columns = line_facts.packed_lexical(texts, rows, keys, specs[which])
            table = specs[which].lexicon_table
            assert got == want
            assert columns == table.columns(keys, specs[which].lexical_features, packed=True)
            reference = lexicon.columns(keys, table.weights, specs[which].lexical_features)
            assert bits(memoryview(columns).cast("d")) == bits(v for row in reference for v in row)


@needs_compiled
def test_the_compiled_cache_survives_keys_whose_lower_looks_lines_up(monkeypatch):
    """A str subclass's lower() runs Python code while a line's facts are computed; lines looked up in the same
    cache from there (which grow and sweep it) must leave it sound: no line held twice, every line held found
    again, the facts the reference's."""
    monkeypatch.setattr(line_facts, "_CACHE_LIMIT", 50)
    fast, made = spec(True), iter(range(10**6))

    class Key(str):
        def lower(self) -> str:
            fresh = [f"line {next(made)}" for _ in range(60)]
            line_facts.facts_of_lines(fresh, list(range(60)), fresh, fast)
            return str.lower(self)

    keys = [Key(f"Ünïcode line {n} here.") for n in range(40)]
    for key in keys:
        got = line_facts.facts_of_lines([key], [0], [key], fast)
        assert got == [line_facts.LineFacts(*line_facts.reference_facts(str(key), str(key), spec(False)))]
    held = [key for key, _ in line_facts.cached(fast)]
    assert len(held) == len(set(held)) == len(fast.cache) and held[-1] == keys[-1]
    for key in held:  # each found: none computed, none added
        line_facts.facts_of_lines([key], [0], [key], fast)
        assert len(fast.cache) == len(held)
