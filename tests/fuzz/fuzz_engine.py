"""Fuzz target for the engine (atheris): decode, clean, restore and re-clean arbitrary input.

Run for a bounded time (pytest never collects this file: it matches no test_*.py pattern):

    python tests/fuzz/fuzz_engine.py -max_total_time=60

Each input is used two ways: as raw file bytes (through `decode`, which must either refuse with an
InputError or return text that re-encodes to exactly those bytes) and as Unicode text with the
furniture lines the bundled rules remove spliced in. For the text, cleaning must not crash (a
RuleTimeout is allowed: it is a reported failure, not a crash), `restore` must give the text back
exactly, the clean text must be the original minus the recorded spans, and cleaning the clean text
must remove nothing (idempotence).
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    import cleaner
    from cleaner.errors import InputError, RuleTimeout
    from cleaner.io.decode import decode, encode
    from cleaner.lines import split_lines

RULES = cleaner.load_rules()
FURNITURE = [
    "View all newsletters", "Sign up to our newsletters", "Support 110 years of independent journalism.",
    "-", "- SHARE: If you have anything to share, contact us at [email protected].", "More from LabourList",
    "Content from our partners", "Select and enter your email address to get our briefing", "  • Marketing",
    "THANK YOU", "Want to find out more? Get in touch.",
]
ENDINGS = ["\n", "\r\n", "\r", "", "\n\n", "\u2028"]


def check_decode(data: bytes) -> None:
    try:
        text, encoding = decode(data, "<fuzz>")
    except InputError:
        return
    assert encode(text, encoding) == data, encoding


def build_text(fdp: atheris.FuzzedDataProvider) -> str:
    parts = []
    for _ in range(fdp.ConsumeIntInRange(0, 30)):
        if fdp.ConsumeBool():
            parts.append(FURNITURE[fdp.ConsumeIntInRange(0, len(FURNITURE) - 1)])
        else:
            parts.append(fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 60)))
        parts.append(ENDINGS[fdp.ConsumeIntInRange(0, len(ENDINGS) - 1)])
    return "".join(parts)


def check_clean(text: str) -> None:
    try:
        result = cleaner.clean(text, rules=RULES)
    except RuleTimeout:
        return
    assert cleaner.restore(result.text, result.provenance) == text
    kept, position = [], 0
    for removal in result.removals:
        assert text[removal.start:removal.end] == removal.text
        kept.append(text[position:removal.start])
        position = removal.end
    kept.append(text[position:])
    body = "".join(kept)
    assert result.text == body + ("\n" if result.provenance["layout"]["final_newline_added"] else "")
    assert "".join(line.text + line.end_of_line for line in split_lines(text)) == text
    again = cleaner.clean(result.text, rules=RULES)
    assert again.text == result.text and not again.removals, (text, result.text, again.removals)


def test_one_input(data: bytes) -> None:
    check_decode(data)
    check_clean(build_text(atheris.FuzzedDataProvider(data)))


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
