"""Load and validate rule packs (TOML files) into a RuleSet.

Each kind's fields are validated from its declarations (`Rule.FIELDS`: type, least value, choices,
regex or not, required or not). Anything unexpected (unknown kind or field, wrong type, bad regex,
duplicate id) fails fast with a RuleError naming the file, the rule id and the line. A pattern is
validated when its pack loads and compiled on first use (`rules/lazy_patterns.py`). Loading is
linear in the size of the pack: the lines rules are declared on are found in one pass.

A pack may name pieces of patterns once, in a `[patterns]` table (`salaried_listing = '...'`), and its
rules' regex fields use them as `{{salaried_listing}}`: the loader puts each in place as a non-capturing
group, `(?:...)`, before anything reads the pattern (validation, lint, the prefilters), so two rules that
must match the same thing cannot drift apart. A piece may use pieces named above it in the table (so a
salary with its period required and one with it optional share the amount); a piece named below, or a
name the table does not hold, is an error naming the piece, or the rule and its line.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import regex

from cleaner.errors import RuleError
from cleaner.rules import rule_fields as fields
from cleaner.rules.kinds import KINDS, Rule
from cleaner.rules.lazy_patterns import VALIDATED, prepare_patterns
from cleaner.rules.pack_cache import parse_pack
from cleaner.rules.ruleset import DEFAULT_DOC_TIMEOUT, DEFAULT_TIMEOUT, ORDER_VALUES, RulePack, RuleSet, check_seconds
from cleaner.rules.select import DEFAULT_CATEGORY, DEFAULT_PROFILE, PROFILES, Selection
from cleaner.rules.toml_lines import Locator

PACK_FIELDS = {"id", "version", "description", "scope", "order", "rules", "category", "profiles", "whole_pages",
               "patterns"}
COMMON_FIELDS = {"id", "kind", "rationale", "keywords", "examples", "evidence", "category", "priority",
                 "reads"}
_RULE_ID = regex.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]*")
_PIECE_NAME = regex.compile(r"[a-z_][a-z0-9_]*")
_PIECE_USE = regex.compile(r"\{\{([^{}]*)\}\}")


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
    ruleset = RuleSet(tuple(packs), timeout, doc_timeout=doc_timeout).selected(selection)
    ruleset.index  # noqa: B018 - built now, once: a run's worker processes fork with it
    return ruleset


def load_pack(path: Path) -> RulePack:
    """Parse and validate one rule file."""
    try:
        raw_bytes = path.read_bytes()
        raw = raw_bytes.decode("utf-8")
        data, digest = parse_pack(raw_bytes)
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(path, f"cannot read rule file: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(path, f"invalid TOML: {exc}") from exc
    locate = Locator(raw)
    fields.expect_keys(path, data, PACK_FIELDS, {"id", "version", "rules"}, None, None)
    pack_id = fields.typed(path, data, "id", str, None, None)
    scope = fields.typed(path, data, "scope", list, None, None, [])
    category = fields.category(path, data, DEFAULT_CATEGORY, None, None)
    profiles = fields.typed(path, data, "profiles", list, None, None, [])
    unknown = [p for p in profiles if p not in PROFILES]
    if unknown:
        raise RuleError(path, f"unknown profile(s) {unknown}; known: {', '.join(PROFILES)}")
    rules_data = fields.typed(path, data, "rules", list, None, None)
    order = fields.typed(path, data, "order", str, None, None, "default")
    if order not in ORDER_VALUES:
        raise RuleError(path, f"order must be one of {ORDER_VALUES}, got {order!r}")
    pieces = _pieces(path, data)
    if pieces:
        rules_data = [_with_pieces(path, r, n, locate, pieces) for n, r in enumerate(rules_data)]
    prepare_patterns(_patterns(rules_data))
    rules = tuple(_build_rule(path, pack_id, r, n, locate, category) for n, r in enumerate(rules_data))
    VALIDATED.save()
    return RulePack(
        id=pack_id,
        version=str(data["version"]),
        description=fields.typed(path, data, "description", str, None, None, ""),
        scope=tuple(s.lower() for s in scope),
        path=str(path),
        rules=rules,
        sha256=digest,
        order=order,
        category=category,
        profiles=tuple(profiles),
        whole_pages=_whole_pages(path, data.get("whole_pages", False)),
    )


def _whole_pages(path: Path, value: object) -> bool:
    """A pack's `whole_pages`: true or false, or a table of counts (a mined pack's evidence), which means true."""
    if isinstance(value, bool):
        return value
    if isinstance(value, dict) and all(isinstance(v, int) and not isinstance(v, bool) and v >= 0
                                       for v in value.values()):
        return True
    raise RuleError(path, f"whole_pages must be true, false or a table of counts, got {value!r}")


def _pieces(path: Path, data: dict) -> dict[str, str]:
    """The pack's `[patterns]` table: named pieces of patterns, each with the pieces it uses (named above
    it) put in place (see the module docstring)."""
    table = fields.typed(path, data, "patterns", dict, None, None, {})
    pieces: dict[str, str] = {}
    for name, piece in table.items():
        if not _PIECE_NAME.fullmatch(name) or not isinstance(piece, str):
            raise RuleError(path, f"patterns.{name}: a piece needs a lower-case name and a string value")
        pieces[name] = _put_in_place(piece, pieces, lambda used, name=name: RuleError(
            path, f"patterns.{name}: {{{{{used}}}}} is not a piece named above it"))
    return pieces


def _with_pieces(path: Path, data: Any, n: int, locate: Locator, pieces: dict[str, str]) -> Any:
    """A rule's table with `{{name}}` in its regex fields replaced by the named piece as `(?:piece)`."""
    cls = _kind_of(data)
    if cls is None:
        return data  # reported when the rule is built
    rule_id = data.get("id")

    def unknown(used: str) -> RuleError:
        return RuleError(path, f"unknown pattern piece {{{{{used}}}}}; the pack's [patterns] holds: "
                               f"{', '.join(sorted(pieces))}", rule_id, _rule_line(locate, n, rule_id))

    return {key: _put_in_place(value, pieces, unknown) if isinstance(value, str) and key in cls.FIELDS
            and cls.FIELDS[key].pattern else value for key, value in data.items()}


def _put_in_place(text: str, pieces: dict[str, str], unknown: Callable[[str], RuleError]) -> str:
    """`text` with each `{{name}}` replaced by the named piece as a group, `(?:piece)`; raises
    `unknown(name)` for a name `pieces` does not hold. The one place pieces are put in place, in other
    pieces and in rules' regex fields alike."""
    def group(match: regex.Match) -> str:
        if match.group(1) not in pieces:
            raise unknown(match.group(1))
        return f"(?:{pieces[match.group(1)]})"

    return _PIECE_USE.sub(group, text)


def _patterns(rules_data: list) -> Iterator[str]:
    """The pattern fields' values of the rules, as written (a rule in error is reported when built)."""
    for data in rules_data:
        cls = _kind_of(data)
        if cls is not None:
            for name, spec in cls.FIELDS.items():
                if spec.pattern and isinstance(data.get(name), str):
                    yield data[name]


def _kind_of(data: Any) -> type[Rule] | None:
    """The kind class a rule's table names, or None (not a table, no kind, an unknown kind)."""
    kind = data.get("kind") if isinstance(data, dict) else None
    return KINDS.get(kind) if isinstance(kind, str) else None


def _rule_line(locate: Locator, n: int, rule_id: object) -> int | None:
    """The line of rules[n]: its id's, or its header's when it has no string id."""
    return locate.rule_id(n, rule_id) if isinstance(rule_id, str) else locate.rule_header(n)


def _build_rule(path: Path, pack_id: str, data: Any, n: int, locate: Locator, category: str) -> Rule:
    if not isinstance(data, dict):
        raise RuleError(path, f"rules[{n}] is not a table", line=locate.rule_header(n))
    rule_id = data.get("id")
    line = _rule_line(locate, n, rule_id)
    if not isinstance(rule_id, str) or not _RULE_ID.fullmatch(rule_id):
        raise RuleError(path, f"rules[{n}] needs an id (letters, digits, '-', '_', '.', ':')", line=line)
    kind = data.get("kind")
    if kind not in KINDS:
        raise RuleError(path, f"unknown kind {kind!r}; expected one of {sorted(KINDS)}", rule_id, line)
    cls = KINDS[kind]
    required = {name for name, spec in cls.FIELDS.items() if spec.required}
    fields.expect_keys(path, data, COMMON_FIELDS | set(cls.FIELDS), {"id", "kind", "rationale"} | required,
                 rule_id, line)
    values = {name: fields.field_value(path, spec, data, rule_id, line)
              for name, spec in cls.FIELDS.items() if name in data}
    remove, keep = fields.examples(path, data, rule_id, line)
    try:
        return cls(
            id=rule_id, pack_id=pack_id, line=line,
            rationale=fields.typed(path, data, "rationale", str, rule_id, line),
            keywords=fields.keywords(path, data, rule_id, line),
            examples_remove=remove, examples_keep=keep, evidence=fields.evidence(path, data, rule_id, line), **values,
            category=fields.category(path, data, category, rule_id, line),
            priority=fields.typed(path, data, "priority", int, rule_id, line, 0),
            reads=fields.reads(path, data, rule_id, line),
        )
    except ValueError as exc:  # a kind's own check of its fields together (e.g. the line model's weights)
        raise RuleError(path, str(exc), rule_id, line) from exc


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


