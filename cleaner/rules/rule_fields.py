"""Validating the fields of one rule table (and of a pack's header): types, least values, choices,
lists of strings, examples, evidence, and regex fields (validated and wrapped by
`rules/lazy_patterns.py`). Each failure is a RuleError naming the file, the rule id and the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import regex

from cleaner.errors import RuleError
from cleaner.rules.kinds import Field
from cleaner.rules.lazy_patterns import LazyPattern, load_pattern
from cleaner.rules.patterns import PatternTooCostly
from cleaner.rules.select import CATEGORIES

# `evidence = { pages = 37, seen = 100 }`, any kind: a mined rule's lines were on `pages` of the `seen`
# pages of its site; the optional counts say where else (cleaner/authoring/mine.py, MinedLine.evidence).
EVIDENCE_FIELDS = ("pages", "seen", "layout_pages", "layout_seen", "prose_pages")
EVIDENCE_REQUIRED = ("pages", "seen")


def category(path: Path, data: dict, default: str, rule_id: str | None, line: int | None) -> str:
    category = typed(path, data, "category", str, rule_id, line, default)
    if category not in CATEGORIES:
        raise RuleError(path, f"unknown category {category!r}; known: {', '.join(CATEGORIES)}", rule_id, line)
    return category


READS = ("words", "raw")  # what a rule's patterns meet: see `Rule.reads`


def reads(path: Path, data: dict, rule_id: str, line: int | None) -> str:
    """The optional `reads` field: "words" (the default) or "raw"."""
    value = typed(path, data, "reads", str, rule_id, line, READS[0])
    if value not in READS:
        raise RuleError(path, f"field 'reads' must be one of {', '.join(map(repr, READS))}, got {value!r}",
                        rule_id, line)
    return value


def evidence(path: Path, data: dict, rule_id: str, line: int | None) -> tuple[tuple[str, int], ...] | None:
    """The optional `evidence` table: counts (non-negative integers), `pages` of `seen` required."""
    evidence = typed(path, data, "evidence", dict, rule_id, line, None)
    if evidence is None:
        return None
    unknown = sorted(set(evidence) - set(EVIDENCE_FIELDS))
    missing = [k for k in EVIDENCE_REQUIRED if k not in evidence]
    if unknown or missing:
        raise RuleError(path, f"evidence: unknown {unknown} / missing {missing}; allowed: {list(EVIDENCE_FIELDS)}",
                        rule_id, line)
    for name in evidence:
        typed(path, evidence, name, int, rule_id, line)
    if evidence["pages"] > evidence["seen"]:
        raise RuleError(path, "evidence: pages must not exceed seen", rule_id, line)
    return tuple(sorted(evidence.items()))


def field_value(path: Path, spec: Field, data: dict, rule_id: str, line: int | None) -> Any:
    """The value of one declared field, checked against its declaration (and compiled, for a regex)."""
    name = spec.name
    value = typed(path, data, name, spec.type, rule_id, line)
    if spec.type in (int, float) and value < spec.minimum:
        if spec.minimum == 0:
            raise RuleError(path, f"field '{name}' must not be negative", rule_id, line)
        raise RuleError(path, f"field '{name}' must be at least {spec.minimum}, got {value}", rule_id, line)
    if spec.choices and spec.type is not list and value not in spec.choices:
        raise RuleError(path, f"{name} must be one of {spec.choices}", rule_id, line)
    if spec.type is list:
        if not all(isinstance(item, str) for item in value):
            raise RuleError(path, f"field '{name}' must be a list of strings", rule_id, line)
        unknown = [item for item in value if spec.choices and item not in spec.choices]
        if unknown:
            raise RuleError(path, f"{name}: {', '.join(map(repr, unknown))} not one of {spec.choices}", rule_id, line)
        return tuple(value)
    return pattern_value(path, value, name, rule_id, line) if spec.pattern else value


def pattern_value(path: Path, pattern: str, name: str, rule_id: str | None, line: int | None) -> LazyPattern:
    """The pattern, validated within the memory and time bound of `compile_bounded` (compiled now, unless
    it was validated before: `rules/lazy_patterns.py`)."""
    try:
        return load_pattern(pattern)
    except regex.error as exc:
        raise RuleError(path, f"invalid regex in '{name}': {exc}", rule_id, line) from exc
    except PatternTooCostly as exc:
        raise RuleError(path, f"regex in '{name}' is too costly to compile: {exc}", rule_id, line) from None


def keywords(path: Path, data: dict, rule_id: str, line: int | None) -> tuple[str, ...]:
    words = typed(path, data, "keywords", list, rule_id, line, [])
    if not all(isinstance(w, str) and w.strip() and "\n" not in w and "\r" not in w for w in words):
        raise RuleError(path, "keywords must be non-empty one-line strings", rule_id, line)
    return tuple(words)


def examples(path: Path, data: dict, rule_id: str, line: int | None) -> tuple[tuple, tuple]:
    """examples.remove: snippets the rule removes entirely, or {text, expect} tables giving what
    remains; examples.keep: snippets the rule leaves whole."""
    examples = typed(path, data, "examples", dict, rule_id, line, {})
    unknown = set(examples) - {"remove", "keep"}
    if unknown:
        raise RuleError(path, f"examples has unknown keys {sorted(unknown)}", rule_id, line)
    remove, keep = examples.get("remove", []), examples.get("keep", [])
    if not isinstance(remove, list) or not remove:
        raise RuleError(path, "needs at least one example under examples.remove", rule_id, line)
    if not isinstance(keep, list) or not all(isinstance(x, str) and x.strip() for x in keep):
        raise RuleError(path, "examples.keep must be a list of non-empty strings", rule_id, line)
    pairs = []
    for item in remove:
        if isinstance(item, str) and item.strip():
            pairs.append((item, ""))
        elif isinstance(item, dict) and set(item) == {"text", "expect"} and all(
            isinstance(v, str) for v in item.values()
        ):
            pairs.append((item["text"], item["expect"]))
        else:
            raise RuleError(path, "each examples.remove item is a non-empty string or a "
                            "{ text = ..., expect = ... } table", rule_id, line)
    return tuple(pairs), tuple(keep)


def expect_keys(path, data: dict, allowed: set, required: set, rule_id, line) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise RuleError(path, f"unknown field(s) {unknown}; allowed: {sorted(allowed)}", rule_id, line)
    missing = sorted(required - set(data))
    if missing:
        raise RuleError(path, f"missing field(s) {missing}", rule_id, line)


_MISSING = object()


def typed(path, data: dict, name: str, typ: type, rule_id, line, default: Any = _MISSING) -> Any:
    if name not in data:
        if default is _MISSING:
            raise RuleError(path, f"missing field '{name}'", rule_id, line)
        return default
    value = data[name]
    if typ is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)  # `penalty = 1` means 1.0
    # TOML integers are never bools, but Python's bool is an int: refuse `max_lines = true`.
    if not isinstance(value, typ) or (typ in (int, float) and isinstance(value, bool)):
        raise RuleError(path, f"field '{name}' must be {typ.__name__}, got {type(value).__name__}",
                        rule_id, line)
    return value
