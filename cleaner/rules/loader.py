"""Load and validate rule packs (TOML files) into a RuleSet.

Each kind's fields are validated from its declarations (`Rule.FIELDS`: type, least value, choices,
regex or not, required or not). Anything unexpected (unknown kind or field, wrong type, bad regex,
duplicate id) fails fast with a RuleError naming the file, the rule id and the line. Loading is
linear in the size of the pack: the lines rules are declared on are found in one pass.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import regex

from cleaner.errors import RuleError
from cleaner.rules.kinds import KINDS, Field, Rule
from cleaner.rules.patterns import PatternTooCostly, compile_bounded
from cleaner.rules.ruleset import DEFAULT_DOC_TIMEOUT, DEFAULT_TIMEOUT, ORDER_VALUES, RulePack, RuleSet, check_seconds
from cleaner.rules.select import CATEGORIES, DEFAULT_CATEGORY, DEFAULT_PROFILE, PROFILES, Selection

PACK_FIELDS = {"id", "version", "description", "scope", "order", "rules", "category", "profiles"}
COMMON_FIELDS = {"id", "kind", "rationale", "keywords", "examples", "evidence", "category", "priority"}
# `evidence = { pages = 37, seen = 100 }`, any kind: a mined rule's lines were on `pages` of the `seen`
# pages of its site; the optional counts say where else (cleaner/authoring/mine.py, MinedLine.evidence).
EVIDENCE_FIELDS = ("pages", "seen", "layout_pages", "layout_seen", "prose_pages")
EVIDENCE_REQUIRED = ("pages", "seen")
_RULE_ID = regex.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")


def default_rules_dir() -> Path:
    """The bundled packs: inside the installed wheel, or `rules/` of a source checkout."""
    package = Path(__file__).resolve().parents[1]
    packaged = package / "default_rules"
    return packaged if packaged.is_dir() else package.parent / "rules"


def load_rules(
    paths: Sequence[str | Path] | None = None, *, defaults: bool = True, timeout: float = DEFAULT_TIMEOUT,
    select: Iterable[str] | None = None, ignore: Iterable[str] = (), profile: str = DEFAULT_PROFILE,
    selection: Selection | None = None, doc_timeout: float = DEFAULT_DOC_TIMEOUT,
) -> RuleSet:
    """Load the default packs (unless `defaults=False`) and the packs at `paths` (files or folders).

    `select` / `ignore` (rule ids, pack ids, categories or "ALL"; see `cleaner.rules.select`) and
    `profile` ("article" or "body") choose which of their rules run; `selection` gives them as one
    object (layers of select/ignore, as the configuration and the command line make). An unknown
    name or profile raises SelectionError. `timeout` bounds each regex call and `doc_timeout` each
    document (seconds, above 0 and finite; ValueError otherwise, before any file is read).
    """
    check_seconds(timeout, "timeout")
    check_seconds(doc_timeout, "doc_timeout")
    files: list[Path] = []
    sources = ([default_rules_dir()] if defaults else []) + [Path(p) for p in paths or ()]
    for source in sources:
        if source.is_dir():
            files += sorted(source.glob("*.toml"))
        elif source.is_file():
            files.append(source)
        else:
            raise RuleError(source, "no such rule file or folder")
    packs = [load_pack(f) for f in files]
    _check_unique(packs)
    if selection is None:
        selection = Selection.of(select, ignore, profile)
    return RuleSet(tuple(packs), timeout, doc_timeout=doc_timeout).selected(selection)


def load_pack(path: Path) -> RulePack:
    """Parse and validate one rule file."""
    try:
        raw_bytes = path.read_bytes()
        raw = raw_bytes.decode("utf-8")
        data = tomllib.loads(raw)
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(path, f"cannot read rule file: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(path, f"invalid TOML: {exc}") from exc
    locate = _Locator(raw)
    _expect_keys(path, data, PACK_FIELDS, {"id", "version", "rules"}, None, None)
    pack_id = _typed(path, data, "id", str, None, None)
    scope = _typed(path, data, "scope", list, None, None, [])
    category = _category(path, data, DEFAULT_CATEGORY, None, None)
    profiles = _typed(path, data, "profiles", list, None, None, [])
    unknown = [p for p in profiles if p not in PROFILES]
    if unknown:
        raise RuleError(path, f"unknown profile(s) {unknown}; known: {', '.join(PROFILES)}")
    rules_data = _typed(path, data, "rules", list, None, None)
    order = _typed(path, data, "order", str, None, None, "default")
    if order not in ORDER_VALUES:
        raise RuleError(path, f"order must be one of {ORDER_VALUES}, got {order!r}")
    rules = tuple(_build_rule(path, pack_id, r, n, locate, category) for n, r in enumerate(rules_data))
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    return RulePack(
        id=pack_id,
        version=str(data["version"]),
        description=_typed(path, data, "description", str, None, None, ""),
        scope=tuple(s.lower() for s in scope),
        path=str(path),
        rules=rules,
        sha256=digest,
        order=order,
        category=category,
        profiles=tuple(profiles),
    )


def _category(path: Path, data: dict, default: str, rule_id: str | None, line: int | None) -> str:
    category = _typed(path, data, "category", str, rule_id, line, default)
    if category not in CATEGORIES:
        raise RuleError(path, f"unknown category {category!r}; known: {', '.join(CATEGORIES)}", rule_id, line)
    return category


def _build_rule(path: Path, pack_id: str, data: Any, n: int, locate: _Locator, category: str) -> Rule:
    if not isinstance(data, dict):
        raise RuleError(path, f"rules[{n}] is not a table", line=locate.rule_header(n))
    rule_id = data.get("id")
    line = locate.rule_id(n, rule_id) if isinstance(rule_id, str) else locate.rule_header(n)
    if not isinstance(rule_id, str) or not _RULE_ID.fullmatch(rule_id):
        raise RuleError(path, f"rules[{n}] needs an id (letters, digits, '-', '_', '.', ':')", line=line)
    kind = data.get("kind")
    if kind not in KINDS:
        raise RuleError(path, f"unknown kind {kind!r}; expected one of {sorted(KINDS)}", rule_id, line)
    cls = KINDS[kind]
    required = {name for name, spec in cls.FIELDS.items() if spec.required}
    _expect_keys(path, data, COMMON_FIELDS | set(cls.FIELDS), {"id", "kind", "rationale"} | required,
                 rule_id, line)
    values = {name: _field_value(path, spec, data, rule_id, line)
              for name, spec in cls.FIELDS.items() if name in data}
    remove, keep = _examples(path, data, rule_id, line)
    try:
        return cls(
            id=rule_id, pack_id=pack_id, line=line,
            rationale=_typed(path, data, "rationale", str, rule_id, line),
            keywords=_keywords(path, data, rule_id, line),
            examples_remove=remove, examples_keep=keep, evidence=_evidence(path, data, rule_id, line), **values,
            category=_category(path, data, category, rule_id, line),
            priority=_typed(path, data, "priority", int, rule_id, line, 0),
        )
    except ValueError as exc:  # a kind's own check of its fields together (e.g. the line model's weights)
        raise RuleError(path, str(exc), rule_id, line) from exc


def _evidence(path: Path, data: dict, rule_id: str, line: int | None) -> tuple[tuple[str, int], ...] | None:
    """The optional `evidence` table: counts (non-negative integers), `pages` of `seen` required."""
    evidence = _typed(path, data, "evidence", dict, rule_id, line, None)
    if evidence is None:
        return None
    unknown = sorted(set(evidence) - set(EVIDENCE_FIELDS))
    missing = [k for k in EVIDENCE_REQUIRED if k not in evidence]
    if unknown or missing:
        raise RuleError(path, f"evidence: unknown {unknown} / missing {missing}; allowed: {list(EVIDENCE_FIELDS)}",
                        rule_id, line)
    for name in evidence:
        _typed(path, evidence, name, int, rule_id, line)
    if evidence["pages"] > evidence["seen"]:
        raise RuleError(path, "evidence: pages must not exceed seen", rule_id, line)
    return tuple(sorted(evidence.items()))


def _field_value(path: Path, spec: Field, data: dict, rule_id: str, line: int | None) -> Any:
    """The value of one declared field, checked against its declaration (and compiled, for a regex)."""
    name = spec.name
    value = _typed(path, data, name, spec.type, rule_id, line)
    if spec.type in (int, float) and value < spec.minimum:
        if spec.minimum == 0:
            raise RuleError(path, f"field '{name}' must not be negative", rule_id, line)
        raise RuleError(path, f"field '{name}' must be at least {spec.minimum}, got {value}", rule_id, line)
    if spec.choices and value not in spec.choices:
        raise RuleError(path, f"{name} must be one of {spec.choices}", rule_id, line)
    if spec.type is list:
        if not all(isinstance(item, str) for item in value):
            raise RuleError(path, f"field '{name}' must be a list of strings", rule_id, line)
        return tuple(value)
    return _compile(path, value, name, rule_id, line) if spec.pattern else value


def _compile(path: Path, pattern: str, name: str, rule_id: str | None, line: int | None) -> regex.Pattern:
    """The compiled pattern, within the memory and time bound of `compile_bounded`."""
    try:
        return compile_bounded(pattern)
    except regex.error as exc:
        raise RuleError(path, f"invalid regex in '{name}': {exc}", rule_id, line) from exc
    except PatternTooCostly as exc:
        raise RuleError(path, f"regex in '{name}' is too costly to compile: {exc}", rule_id, line) from None


def _keywords(path: Path, data: dict, rule_id: str, line: int | None) -> tuple[str, ...]:
    words = _typed(path, data, "keywords", list, rule_id, line, [])
    if not all(isinstance(w, str) and w.strip() and "\n" not in w and "\r" not in w for w in words):
        raise RuleError(path, "keywords must be non-empty one-line strings", rule_id, line)
    return tuple(words)


def _examples(path: Path, data: dict, rule_id: str, line: int | None) -> tuple[tuple, tuple]:
    """examples.remove: snippets the rule removes entirely, or {text, expect} tables giving what
    remains; examples.keep: snippets the rule leaves whole."""
    examples = _typed(path, data, "examples", dict, rule_id, line, {})
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


def _expect_keys(path, data: dict, allowed: set, required: set, rule_id, line) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise RuleError(path, f"unknown field(s) {unknown}; allowed: {sorted(allowed)}", rule_id, line)
    missing = sorted(required - set(data))
    if missing:
        raise RuleError(path, f"missing field(s) {missing}", rule_id, line)


_MISSING = object()


def _typed(path, data: dict, name: str, typ: type, rule_id, line, default: Any = _MISSING) -> Any:
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


def with_pack(ruleset: RuleSet, path: str | Path) -> tuple[RuleSet, RulePack | None]:
    """`ruleset` with the pack at `path` added (last), or put in place of the loaded pack with the same
    id; returns the new rule set and the pack it replaced (None when added). Ids stay unique."""
    pack = load_pack(Path(path))
    replaced = next((p for p in ruleset.packs if p.id == pack.id), None)
    packs = [pack if p is replaced else p for p in ruleset.packs] + ([] if replaced else [pack])
    _check_unique(packs)
    return RuleSet(tuple(packs), ruleset.timeout, ruleset.profile, ruleset.doc_timeout), replaced


def _check_unique(packs: Sequence[RulePack]) -> None:
    seen_packs: dict[str, str] = {}
    seen_rules: dict[str, str] = {}
    for pack in packs:
        if pack.id in seen_packs:
            raise RuleError(pack.path, f"pack id '{pack.id}' is also used by {seen_packs[pack.id]}")
        seen_packs[pack.id] = pack.path
        for rule in pack.rules:
            if rule.id in seen_rules:
                raise RuleError(pack.path, f"duplicate rule id, also defined in {seen_rules[rule.id]}",
                                rule.id, rule.line)
            seen_rules[rule.id] = pack.path


_HEADER = regex.compile(r"\s*\[\[rules\]\]")
_ID_LINE = regex.compile(r"""\s*id\s*=\s*(["'])(.*?)\1""")


class _Locator:
    """Finds the line on which a rule is declared, for error messages (tomllib keeps no positions).

    One pass over the file records each `[[rules]]` header and the first `id = "..."` line after it,
    so locating every rule of a large pack costs one scan, not one per rule."""

    def __init__(self, raw: str) -> None:
        self.headers: list[int] = []  # line number of the n-th [[rules]] header
        self._id_lines: dict[int, tuple[str, int]] = {}  # rule n -> (its id as written, line number)
        self._first_id_line: dict[str, int] = {}  # any `id = "X"` line, first occurrence
        for number, text in enumerate(raw.splitlines(), 1):
            if _HEADER.match(text):
                self.headers.append(number)
                continue
            found = _ID_LINE.match(text)
            if found:
                self._first_id_line.setdefault(found[2], number)
                if self.headers and len(self.headers) - 1 not in self._id_lines:
                    self._id_lines[len(self.headers) - 1] = (found[2], number)

    def rule_header(self, n: int) -> int | None:
        return self.headers[n] if n < len(self.headers) else None

    def rule_id(self, n: int, rule_id: str) -> int | None:
        """The line of rule n's `id = ...` (its header, or any line declaring that id, failing that)."""
        written = self._id_lines.get(n)
        if written is not None and written[0] == rule_id:
            return written[1]
        return self._first_id_line.get(rule_id, self.rule_header(n))
