"""Loading a new pack without compiling its patterns: the plain-syntax check must never pass a pattern
`regex` refuses, and sizes counted repeats as the bound does; large packs' parses are cached."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.errors import RuleError
from cleaner.rules import lazy_patterns, pack_cache, patterns
from cleaner.rules.pattern_syntax import plain_size, surely_compiles
from cleaner.search import compiled_patterns


def compiles(pattern: str) -> bool:
    try:
        regex.compile(pattern)
    except regex.error:
        return False
    return True


def bundled_patterns() -> list[str]:
    found = []
    for rule in cleaner.load_rules(profile="body").rules() + cleaner.load_rules().rules():
        for name, spec in rule.FIELDS.items():
            value = getattr(rule, name)
            if spec.pattern and value is not None:
                found.append(value.pattern)
    return sorted(set(found))


def test_nearly_every_bundled_pattern_is_plain_and_sized_as_the_bound_sizes_it():
    found = bundled_patterns()
    plain = [p for p in found if surely_compiles(p)]
    assert len(plain) >= 0.9 * len(found)
    for pattern in plain:
        assert compiles(pattern)
        assert plain_size(pattern) == patterns.unrolled_size(pattern), pattern


NEAR_MISSES = [
    "a)", "(a", "[a", "a{2,1}", "*a", "a**", r"\1", "(?x)a", "[z-a]", "a|", "(|a)", "()", "[]]", r"\q", "a{,3}",
    "(?<n>a)", r"\p{Foo}", "(?i)", "x(?i)y", r"[\w-a]", "^*", r"\b+", "(?=a)*", "a{", "}", "[[:alpha:]]",
    "(?P<a>x)(?P<a>y)", "[a-c-e]", "(?#x)*", r"\x4", r"\u12", r"[\x4]", "[a-]b-a]", "a{10001}", "(?P<1a>x)",
    "[--a]", "[a&&b]", r"\N{DASH}", r"\G", r"\K", "(?:)", "a||b", "(?i:)", r"[\d-z]", "\x00a", "[\ud800]",
    r"\ud800", r"[\ud800-\udfff]", "(" * 50 + "a" + ")" * 50, r"\p{Latin}", "$+", r"\A?", "(?!a)+",
    "[[:upper:]-a]", "[[:^upper:]]", "[[:Upper:]]", "[[:upper]]",
]


@pytest.mark.parametrize("pattern", NEAR_MISSES)
def test_near_misses_are_left_to_the_compiler(pattern):
    """Each is either refused by `regex` or outside the subset: never passed without compiling."""
    assert not surely_compiles(pattern) or compiles(pattern)


PIECES = ["a", "b", "é", " ", "-", ".", "^", "$", "|", "(", ")", "(?:", "(?i:", "(?=", "(?!", "(?<=", "(?<!",
          "(?P<g>", "(?P<h>", "(?#c)", "[", "]", "[^", "a-z", "z-a", "\\", r"\s", r"\w", r"\d", r"\b", r"\B",
          r"\A", r"\Z", r"\.", r"\-", r"\]", r"\x41", r"\u00e9", r"\p{L}", r"\p{Lu}", r"\P{N}",
          "[:upper:]", "[:alpha:]", "[:^alpha:]", "[:foo:]", "*", "+", "?",
          "*?", "+?", "??", "*+", "{2}", "{1,3}", "{3,1}", "{2,}", "{,2}", "{", "}", "&&", "--", "#", "\n"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14), st.booleans())
@example(["[", "[:upper:]", "{2}", "]"], False)  # a POSIX class's "]" does not close the set: one item
def test_a_pattern_the_check_passes_always_compiles(pieces, flag):
    pattern = ("(?i)" if flag else "") + "".join(pieces)
    size = plain_size(pattern)
    if size is not None:
        assert compiles(pattern), pattern
        assert size == patterns.unrolled_size(pattern), pattern


def pack(tmp_path, pattern: str, name: str = "p.toml", rules: int = 1) -> os.PathLike:
    body = "".join(f'\n[[rules]]\nid = "r{i}"\nkind = "line"\nrationale = "r"\npattern = \'{pattern}\'\n'
                   f'examples.remove = ["x"]\n' for i in range(rules))
    path = tmp_path / name
    path.write_text(f'id = "p"\nversion = "1"\n{body}', "utf-8")
    return path


def test_a_plain_pattern_is_not_compiled_at_load_and_compiles_on_first_use(tmp_path, monkeypatch):
    compiled = []
    monkeypatch.setattr(lazy_patterns, "VALIDATED", lazy_patterns.ValidatedPatterns())
    monkeypatch.setattr(patterns, "compile_bounded", lambda p: compiled.append(p))
    rule = cleaner.load_rules([pack(tmp_path, r"(?i)^\s*x{1,3}[-.]?$")], defaults=False).rules()[0]
    assert compiled == [] and rule.pattern._compiled is None
    assert rule.pattern.search("XX.") is not None


def test_a_bad_pattern_outside_the_subset_still_fails_at_load_with_file_rule_and_line(tmp_path, monkeypatch):
    monkeypatch.setattr(lazy_patterns, "VALIDATED", lazy_patterns.ValidatedPatterns())
    with pytest.raises(RuleError) as caught:
        cleaner.load_rules([pack(tmp_path, "^x(?P<a>y)(?P=b)$")], defaults=False)
    assert (caught.value.rule_id, caught.value.line) == ("r0", 5) and "invalid regex" in str(caught.value)


def test_patterns_that_need_a_trial_compile_share_one_child(tmp_path, monkeypatch):
    monkeypatch.setattr(lazy_patterns, "VALIDATED", lazy_patterns.ValidatedPatterns())
    monkeypatch.setattr(patterns, "_passed_trial", set())
    started = []
    real_run = subprocess.run
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: started.append(a) or real_run(*a, **k))
    body = "".join(f'\n[[rules]]\nid = "r{i}"\nkind = "line"\nrationale = "r"\n'
                   f'pattern = """(?x) ^ a{{{i + 1}}} # n"""\nexamples.remove = ["a"]\n' for i in range(6))
    path = tmp_path / "verbose.toml"
    path.write_text(f'id = "v"\nversion = "1"\n{body}', "utf-8")
    ruleset = cleaner.load_rules([path], defaults=False)
    assert len(started) == 1 and len(ruleset.rules()) == 6


def test_a_large_pack_parses_once_and_an_edit_or_a_damaged_cache_parses_again(tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path / "cache"))
    path = pack(tmp_path, "^x$", rules=pack_cache.MIN_CACHED_BYTES // 60)
    first = cleaner.load_rules([path], defaults=False)
    parses = []
    real = pack_cache.tomllib.loads
    monkeypatch.setattr(pack_cache.tomllib, "loads", lambda text: parses.append(1) or real(text))
    again = cleaner.load_rules([path], defaults=False)
    assert parses == [] and again.hash == first.hash
    assert [r.line for r in again.rules()] == [r.line for r in first.rules()]
    path.write_text(path.read_text("utf-8").replace('id = "r0"', 'id = "r-zero"'), "utf-8")
    edited = cleaner.load_rules([path], defaults=False)
    assert parses == [1] and edited.hash != first.hash and edited.rules()[0].id == "r-zero"
    for cached in (tmp_path / "cache").glob("pack-*.marshal"):
        cached.write_bytes(cached.read_bytes()[:100])
    assert cleaner.load_rules([path], defaults=False).hash == edited.hash and parses == [1, 1]


def test_a_compiled_pattern_is_rebuilt_from_its_kept_code_and_compiled_again_when_the_file_is_damaged(
        tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path))
    sources = [(r"(?i)\bread (?P<what>more|on)\b", 0), (r"^\s*[-•]\s*\w+$", 0), (r"^\s*[-•]\s*\w+$", regex.M),
               ("x{2,5}y", 0)]
    first = compiled_patterns.CompiledPatterns()
    compiled = [first.compile(source, flags) for source, flags in sources]
    first.save()
    compiles = []
    real = regex.compile
    monkeypatch.setattr(regex, "compile", lambda *a, **k: compiles.append(a) or real(*a, **k))
    rebuilt = [compiled_patterns.CompiledPatterns().compile(source, flags) for source, flags in sources]
    assert compiles == []
    assert [(p.pattern, p.flags, p.groupindex) for p in rebuilt] == [(p.pattern, p.flags, p.groupindex)
                                                                     for p in compiled]
    text = "x\n - Item\nRead More\nxxxy\n• b"
    assert [[m.span() for m in p.finditer(text)] for p in rebuilt] == [[m.span() for m in p.finditer(text)]
                                                                      for p in compiled]
    assert rebuilt[1].search(text) is None and rebuilt[2].search(text) is not None  # flags are part of the key
    [path] = tmp_path.glob("compiled-*.marshal")
    path.write_bytes(path.read_bytes()[:-10])
    assert compiled_patterns.CompiledPatterns().compile(sources[0][0]).pattern == sources[0][0]
    assert len(compiles) == 1


def test_a_lazy_pattern_compiles_once_across_processes_when_a_runner_saved_it(tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(compiled_patterns, "COMPILED", compiled_patterns.CompiledPatterns())
    monkeypatch.setattr(lazy_patterns, "COMPILED", compiled_patterns.COMPILED)
    assert lazy_patterns.LazyPattern(r"\bmenu\b").search("the menu") is not None
    compiled_patterns.COMPILED.save()
    later = subprocess.run([sys.executable, "-c", "import regex\n"
                            "from cleaner.rules.lazy_patterns import LazyPattern\n"
                            "regex.compile = None  # any compile now fails\n"
                            "print(LazyPattern(r'\\bmenu\\b').search('the menu').span())"],
                           capture_output=True, text=True, env={**os.environ, "CLEANER_CACHE_DIR": str(tmp_path)})
    assert later.stdout.strip() == "(4, 8)", later.stderr
