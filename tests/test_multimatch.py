"""The Hyperscan pattern prefilter (cleaner/multimatch.py) must never miss a line a pattern matches:
every line `pattern.search` matches is among the lines it reports, for the bundled patterns and for
patterns built to hit the places where Hyperscan and `regex` disagree (case folding, `\\s`, `\\w`,
`\\b`, anchors). And cleaning with it gives exactly what cleaning without it gives."""

from __future__ import annotations

import json
import pickle
import threading

import pytest
import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.lines import split_lines
from cleaner.search import hyperscan_atoms, linefast
from cleaner.search import hyperscan_prefilter as multimatch
from cleaner.search.candidates import CandidateIndex
from cleaner.search.hyperscan_prefilter import LinePrefilter, ascii_case_variants, superset_expression

from .conftest import EXPECTED, SEEDS, SHARED

pytest.importorskip("hyperscan")

BUNDLED = sorted({getattr(r, r.CANDIDATE_PATTERN).pattern for r in cleaner.default_rules().rules()
                  if r.CANDIDATE_PATTERN and getattr(r, r.CANDIDATE_PATTERN) is not None})
# Where the two engines' semantics part: case variants of ASCII letters (İ ı ſ K), non-ASCII case pairs,
# Unicode spaces and word characters, assertions, `$` inside a pattern, backreferences, repeats.
TRICKY = [
    r"(?i)^kelvin$", r"(?i)\bsiri\b", r"(?i)^İ", r"(?i)ſ+", r"[^i]x", r"(?i)[a-z]{2,3}$", r"(?i)é\w",
    r"^\s*[•·-]\s+\S", r"\bab\b", r"\Bb", r"a$|b", r"^(a|b$)c?", r"(?<=a)b", r"(?!a)[ab]{2}", r"(a)\1",
    r"(x|)y", r"^$", r"x*", r"\s+$", r"[[:upper:]][[:lower:]]+", r"[^\W\d]{3}", r"\d{1,3}\s*/\s*\d",
    r"(?i)ab{0,20}c", r"a.{0,30}z$", r"(?P<q>[\"'])x", r"(?i)[^a-z ]", r"(?i)\xe9|\u00c9", r"a*?b+?c??",
    r"(?>a+)b", r"a++b", r"\t|\x0b", r"a.b", r"a\sb", r"a\Wb", r"a[^x]b", r"a\w{2}b",
    "[\ud800x]y", "[^a]\\d",
    # a quantifier on a non-ASCII character or set applies to all its bytes, not its last one
    r"^aé?b$", r"^x[。]?$", r"a…+b$", r"^aé{0,3}b$", r"^週\S{0,40}届[。]?$",
]
ALPHABET = "abcxyzABC İıiIſsSKk\u212aéÉ•·-*/\t\u2028\xa0\u3000 019\"'$.…’"
PREFILTER = LinePrefilter((p, regex.compile(p)) for p in BUNDLED + TRICKY)


def _assert_superset(texts: list[str]) -> None:
    found = PREFILTER.lines_matching(texts)
    for source in BUNDLED + TRICKY:
        pattern = regex.compile(source)
        missed = [texts[i] for i in range(len(texts)) if pattern.search(texts[i]) and i not in set(found[source])]
        assert not missed, (source, missed[:3])


def test_a_quantifier_after_a_non_ascii_character_is_the_characters():
    """"[。]?" was rewritten "[\\x80-\\xff]+?" and "é?" "\\xc3\\xa9?": both demanded bytes the line need not
    hold, and a Japanese sign-up line of a bundled rule's own examples went unreported."""
    _assert_superset(["ab", "aéb", "x", "x。", "a……b", "aéééb", "週金曜日に届", "週届。"])


def test_every_pattern_here_is_covered():
    assert PREFILTER.available
    assert set(PREFILTER.lines_matching(["x"])) == set(BUNDLED + TRICKY)


def test_every_bundled_pattern_compiles_exactly_not_as_an_approximation():
    """A pattern Hyperscan finds too large compiles only in its prefilter mode, whose approximation may match
    every line: the prefilter then narrows nothing for that rule (three rules of a multilingual pack did so,
    and cost a third of the text path's time before they were split)."""
    import hyperscan

    too_large = []
    for source in BUNDLED:
        expression = superset_expression(source, regex.compile(source).flags)
        try:
            multimatch._database([("k", expression.encode("ascii"), hyperscan.HS_FLAG_MULTILINE)])
        except hyperscan.error as exc:
            too_large.append((source[:60], str(exc)))
    assert too_large == []


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET, max_size=30), min_size=1, max_size=30))
@example(["a•b", "a\u2028b", "a\xa0b", "aİb", "\u212aelvin", "ſiri", "\u3000• Home", "xé\u0301", "İ", "ab$",
          "\ud800y", "\ud8001"])
def test_no_line_a_pattern_matches_is_missed(texts):
    _assert_superset(texts)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([e for r in cleaner.default_rules().rules() for e, _ in r.examples_remove]
                                + [e for r in cleaner.default_rules().rules() for e in r.examples_keep]),
                min_size=1, max_size=8),
       st.sampled_from([str, str.upper, str.lower, lambda t: t.replace("i", "İ").replace("s", "ſ")]),
       st.sampled_from(["", "  ", "\t", "\xa0", "• "]))
def test_no_example_line_is_missed(examples, case, indent):
    """Lines of the rules' own examples (which they match), re-cased and indented."""
    _assert_superset([indent + case(line) for text in examples for line in text.splitlines()])


def test_no_dev_corpus_line_is_missed():
    pages = sorted((SHARED / "devset").glob("*.full.txt"))[:40]
    if not pages:
        pytest.skip("the shared dev corpus is not available")
    for page in pages:
        _assert_superset([line.text for line in split_lines(page.read_text("utf-8"))])


def test_chunked_scans_report_the_same_lines(monkeypatch):
    texts = ["Share this", "x" * 50, "Advertisement", "", "  • Home", "Published: 3 May 2024"] * 20
    whole = PREFILTER.lines_matching(texts)
    monkeypatch.setattr(multimatch, "CHUNK_CHARS", 40)
    assert PREFILTER.lines_matching(texts) == whole


def _python_handler_lines(texts: list[str], monkeypatch) -> dict[str, list[int]]:
    with monkeypatch.context() as patched:
        patched.setattr(linefast, "match_ends", lambda n_patterns: None)
        return PREFILTER.lines_matching(texts)


@pytest.mark.skipif(linefast.match_ends(1) is None, reason="the compiled core is not built")
@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET + "\u00e9\U0001f600", max_size=30), min_size=1, max_size=40))
@example(["", "", "• Home"])
def test_the_compiled_match_handler_reports_what_the_python_one_does(texts):
    """linefast.match_ends notes matches and maps them to lines in C; the Python handler is the reference."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert PREFILTER.lines_matching(texts) == _python_handler_lines(texts, monkeypatch)


@pytest.mark.skipif(linefast.match_ends(1) is None, reason="the compiled core is not built")
def test_the_compiled_match_handler_agrees_on_dev_pages_and_chunks(monkeypatch):
    pages = sorted((SHARED / "devset").glob("*.full.txt"))[:40]
    if not pages:
        pytest.skip("the shared dev corpus is not available")
    for page in pages:
        texts = [line.text for line in split_lines(page.read_text("utf-8"))]
        assert PREFILTER.lines_matching(texts) == _python_handler_lines(texts, monkeypatch)
    monkeypatch.setattr(multimatch, "CHUNK_CHARS", 500)  # several scans, each mapped from its first line
    assert PREFILTER.lines_matching(texts) == _python_handler_lines(texts, monkeypatch)


def test_case_variants_are_every_non_ascii_character_an_ascii_one_matches():
    variants = ascii_case_variants()
    assert {"\u212a", "\u0130", "\u017f"} <= set(variants)  # KELVIN SIGN, I with dot above, long s
    every = multimatch._every_non_ascii()
    for code in range(0x80):
        pattern = regex.compile("(?i)" + regex.escape(chr(code)))
        assert set(pattern.findall(every)) <= set(variants), chr(code)
        assert all(regex.fullmatch("(?i)" + regex.escape(variants[x]), x) for x in pattern.findall(every))


def test_case_variants_are_kept_in_the_cache_folder_and_searched_again_when_damaged(tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path))
    searched = hyperscan_atoms._find_case_variants()
    assert hyperscan_atoms.ascii_case_variants.__wrapped__() == searched
    [path] = tmp_path.glob("case-variants-*.json")
    searches = []
    monkeypatch.setattr(hyperscan_atoms, "_find_case_variants", lambda: searches.append(1) or searched)
    assert hyperscan_atoms.ascii_case_variants.__wrapped__() == searched and searches == []
    for damaged in (b"{", b"{}", b'{"\\u212a": "KK"}', b'{"a": "b"}', b'["K"]'):
        path.write_bytes(damaged)
        assert hyperscan_atoms.ascii_case_variants.__wrapped__() == searched
    assert len(searches) == 5


@pytest.mark.parametrize("source", [r"(?s)a.b", r"(?x)a b", r"\p{L}x", r"(?i:a)b", r"(?:ab){e<=1}", r"a\Z",
                                    r"(?V1)a", r"x{,}", r"(?#c)a", r"[[a]b]"])
def test_what_the_rewrite_does_not_handle_gets_no_expression(source):
    pattern = regex.compile(source)
    assert superset_expression(pattern.pattern, pattern.flags) is None


def test_candidates_narrow_the_keyword_candidates_and_keep_every_match():
    ruleset = cleaner.default_rules()
    rules = [(r.id, r.keywords, getattr(r, r.CANDIDATE_PATTERN) if r.CANDIDATE_PATTERN else None)
             for r in ruleset.rules()]
    plain, fast = CandidateIndex(rules, compile_after=None), CandidateIndex(rules)
    assert fast.prepare()
    text = "".join(path.read_text("utf-8") for path in sorted(SEEDS.glob("*.txt")))
    lines = split_lines(text)
    before, after = plain.candidate_lines(text, lines), fast.candidate_lines(text, lines)
    for rule_id, keywords, pattern in rules:
        if pattern is None:
            continue
        everything = range(len(lines))
        wide = before.get(rule_id, []) if keywords else everything
        narrow = after.get(rule_id, [] if keywords else everything)
        assert set(narrow) <= set(wide), rule_id
        assert {i for i in wide if pattern.search(lines[i].text)} <= set(narrow), rule_id


def _documents() -> list[str]:
    docs = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    docs += [d.upper() for d in docs] + [d.replace("\n", "\r\n") for d in docs]
    pages = sorted((SHARED / "devset").glob("*.full.txt"))[:30]
    return docs + [p.read_text("utf-8") for p in pages]


def test_cleaning_with_the_pattern_prefilter_gives_the_same_result():
    plain, fast = cleaner.load_rules(), cleaner.load_rules()
    plain.index.compile_after = None
    assert fast.index.prepare()
    for doc in _documents():
        a, b = cleaner.clean(doc, rules=plain), cleaner.clean(doc, rules=fast)
        assert a.text == b.text
        assert [(r.rule_id, r.first_line, r.last_line) for r in a.removals] == \
            [(r.rule_id, r.first_line, r.last_line) for r in b.removals]


def test_threads_can_scan_at_once():
    """Each thread scans with its own Hyperscan scratch space (a shared one fails with 'scratch in use')."""
    texts = [line for text in _documents()[:6] for line in text.splitlines()]
    expected = PREFILTER.lines_matching(texts)
    results: list = []

    def scan() -> None:
        results.extend(PREFILTER.lines_matching(texts) == expected for _ in range(5))

    threads = [threading.Thread(target=scan) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [True] * 20


def test_a_rule_set_pickles_with_its_pattern_prefilter():
    """Rule sets travel to worker processes (batch, Dask); the database is compiled again there."""
    rules = cleaner.load_rules()
    assert rules.index.prepare()
    copy = pickle.loads(pickle.dumps(rules))
    texts = [line for text in _documents()[:3] for line in text.splitlines()]
    assert copy.index._patterns.lines_matching(texts) == rules.index._patterns.lines_matching(texts)


CACHE_PATTERNS = [(p, regex.compile(p)) for p in BUNDLED[:12] + TRICKY[:8]]


def _lines() -> list[str]:
    return [line for text in _documents()[:4] for line in text.splitlines()]


def test_a_compiled_database_is_cached_and_loaded_without_compiling(tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path))
    first = LinePrefilter(CACHE_PATTERNS)
    assert not first.cached
    assert first.available and first.cached and first.cache_path.parent == tmp_path
    second = LinePrefilter(CACHE_PATTERNS)
    assert second.cached

    def no_compiling(self) -> None:
        raise AssertionError("compiled although a cached database was there")

    monkeypatch.setattr(LinePrefilter, "_compile_expressions", no_compiling)
    assert second.available
    assert second.lines_matching(_lines()) == first.lines_matching(_lines())


def test_the_cache_key_follows_the_patterns_and_their_flags(tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path))
    paths = {LinePrefilter(CACHE_PATTERNS).cache_path, LinePrefilter(CACHE_PATTERNS[1:]).cache_path,
             LinePrefilter([(k, regex.compile(p.pattern, regex.I)) for k, p in CACHE_PATTERNS]).cache_path,
             LinePrefilter([("other key", p) for _, p in CACHE_PATTERNS]).cache_path}
    assert len(paths) == 4


def test_a_damaged_or_unwritable_cache_means_compiling_again(tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path / "a"))
    expected = LinePrefilter(CACHE_PATTERNS)
    assert expected.available
    expected.cache_path.write_bytes(b'["x"]\ndamaged')
    damaged = LinePrefilter(CACHE_PATTERNS)
    assert damaged.available and damaged.lines_matching(_lines()) == expected.lines_matching(_lines())
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path / "file" / "cache"))
    unwritable = LinePrefilter(CACHE_PATTERNS)
    assert unwritable.available and not unwritable.cache_path.exists()
    assert unwritable.lines_matching(_lines()) == expected.lines_matching(_lines())


def test_with_a_cached_database_the_pattern_prefilter_runs_from_the_first_document(tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path))
    assert cleaner.load_rules().index.prepare()  # compiles, and caches
    rules = cleaner.load_rules()
    assert rules.index.lines_seen == 0 and rules.index.compile_after > 0
    seed = (SEEDS / sorted(p.name for p in SEEDS.glob("*.txt"))[0]).read_text("utf-8")
    cleaner.clean(seed, rules=rules)
    assert rules.index._patterns._database is not None


@pytest.mark.parametrize("change", ["keys reordered", "keys as a bare list", "a key renamed", "digest edited"])
def test_a_changed_cache_header_is_detected_and_the_database_compiled_again(tmp_path, monkeypatch, change):
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path))
    expected = LinePrefilter(CACHE_PATTERNS)
    assert expected.available
    header, _, blob = expected.cache_path.read_bytes().partition(b"\n")
    data = json.loads(header)
    keys = data["keys"] if isinstance(data, dict) else data
    assert len(keys) >= 2
    edited = {"keys reordered": keys[::-1], "keys as a bare list": keys,
              "a key renamed": ["renamed", *keys[1:]], "digest edited": keys}[change]
    if change == "keys as a bare list" or not isinstance(data, dict):
        data = edited
    else:
        data = {**data, "keys": edited}
        if change == "digest edited":
            data["sha256"] = "0" * 64
    expected.cache_path.write_bytes(json.dumps(data).encode("utf-8") + b"\n" + blob)  # still valid JSON
    compiled = []
    original = LinePrefilter._compile_expressions
    monkeypatch.setattr(LinePrefilter, "_compile_expressions", lambda self: compiled.append(1) or original(self))
    again = LinePrefilter(CACHE_PATTERNS)
    assert again.lines_matching(_lines()) == expected.lines_matching(_lines())
    assert compiled == [1]


def test_a_cache_header_with_its_keys_reordered_never_changes_what_clean_removes(tmp_path, monkeypatch):
    """Issue 11: a cache header edited into other valid JSON (the keys in another order) made the
    bundled rules credit matches to the wrong patterns, so the seeds came out wrong and nothing said so."""
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path))
    assert cleaner.load_rules().index.prepare()  # compiles, and caches
    caches = list(tmp_path.glob("hyperscan-*.db"))
    assert caches
    for cache in caches:
        header, _, blob = cache.read_bytes().partition(b"\n")
        data = json.loads(header)
        cache.write_bytes(json.dumps({**data, "keys": data["keys"][::-1]}).encode("utf-8") + b"\n" + blob)
    rules = cleaner.load_rules()
    for seed in sorted(SEEDS.glob("*.txt")):
        text = cleaner.clean(seed.read_text("utf-8"), rules=rules).text
        assert text.encode("utf-8") == (EXPECTED / seed.name).read_bytes(), seed.name
