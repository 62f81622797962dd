"""Differential fuzz target (atheris): the Hyperscan pattern prefilter must change no result.

Run for a bounded time (pytest never collects this file), with Hyperscan installed:

    python tests/fuzz/fuzz_prefilter.py -max_total_time=300

Each input becomes a text of random lines (any code point, surrogates included), the rules' own
example lines re-cased and re-indented, and mixed line endings; it is cleaned once with the pattern
prefilter compiled and once with the keyword prefilter alone. Outputs and every removal must be
identical, or both must fail with a RuleTimeout.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    import cleaner
    from cleaner.errors import RuleTimeout

FAST = cleaner.load_rules()
PLAIN = cleaner.load_rules()
PLAIN.index.compile_after = None  # never compiles: keywords alone
if not FAST.index.prepare():
    sys.exit("Hyperscan is not installed (pip install 'cleaner[fast]'): nothing to compare")
EXAMPLES = sorted({line for rule in FAST.rules() for text, _ in rule.examples_remove for line in text.splitlines()
                   if line.strip()})
ENDINGS = ["\n", "\r\n", "\r", "", "\n\n"]
CASES = [str, str.upper, str.lower, str.title]


def build_text(fdp: atheris.FuzzedDataProvider) -> str:
    parts = []
    for _ in range(fdp.ConsumeIntInRange(0, 30)):
        if fdp.ConsumeBool():
            line = EXAMPLES[fdp.ConsumeIntInRange(0, len(EXAMPLES) - 1)]
            line = " " * fdp.ConsumeIntInRange(0, 12) + CASES[fdp.ConsumeIntInRange(0, len(CASES) - 1)](line)
            cut = fdp.ConsumeIntInRange(0, len(line))
            parts.append(line[:cut] + fdp.ConsumeUnicode(fdp.ConsumeIntInRange(0, 4)) + line[cut:])
        else:
            parts.append(fdp.ConsumeUnicode(fdp.ConsumeIntInRange(0, 60)))
        parts.append(ENDINGS[fdp.ConsumeIntInRange(0, len(ENDINGS) - 1)])
    return "".join(parts)


def outcome(text: str, rules: cleaner.RuleSet) -> tuple | str:
    try:
        result = cleaner.clean(text, rules=rules)
    except RuleTimeout:
        return "timeout"
    return result.text, [(r.rule_id, r.start, r.end) for r in result.removals]


def test_one_input(data: bytes) -> None:
    text = build_text(atheris.FuzzedDataProvider(data))
    fast, plain = outcome(text, FAST), outcome(text, PLAIN)
    if "timeout" not in (fast, plain):
        assert fast == plain, (text, fast, plain)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
