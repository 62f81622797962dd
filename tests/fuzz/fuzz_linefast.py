"""Differential fuzz target (atheris): the line model's compiled code must change no result.

Run for a bounded time (pytest never collects this file):

    python tests/fuzz/fuzz_linefast.py -max_total_time=120

Each input becomes a text as `fuzz_prefilter.py` builds it (random lines, the rules' example lines
re-cased and re-indented, mixed line endings); it is cleaned with the bundled rules as loaded with the
compiled line model (its facts held in C, `_linefast.FactsCache`, scored by `score_document`) and as
loaded with its pure-Python reference (`line_facts.reference_facts`, `line_scores.reference_scores`).
Outputs and every removal, reasons included, must be identical, or both must fail with a RuleTimeout.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).parent))
with atheris.instrument_imports():
    from fuzz_prefilter import build_text

    import cleaner
    from cleaner.errors import RuleTimeout
    from cleaner.search import linefast

COMPILED = cleaner.load_rules()
linefast.AVAILABLE = False  # while loading: the line model's specs take the pure-Python reference
REFERENCE = cleaner.load_rules()
linefast.AVAILABLE = True
if not all(r.spec.compiled is not None for r in COMPILED.rules() if r.kind == "line_model"):
    sys.exit("the compiled speed-up is not built: nothing to compare")


def cleaned(text: str, rules: cleaner.RuleSet) -> tuple | str:
    """The clean text and provenance record, or "timeout"."""
    try:
        result = cleaner.clean(text, rules=rules)
    except RuleTimeout:
        return "timeout"
    return result.text, result.provenance


def test_one_input(data: bytes) -> None:
    text = build_text(atheris.FuzzedDataProvider(data))
    both = [cleaned(text, rules) for rules in (COMPILED, REFERENCE)]
    assert "timeout" in both or both[0] == both[1], (text, *both)


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
