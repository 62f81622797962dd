"""Turn mined lines into a reviewable rule pack (TOML) and a report.

Each proposed line becomes an ordinary `line` rule: a literal pattern when every page spells the
line alike (indentation and surrounding space aside), else the commonest spelling with its digit
runs as `\\d+`, its runs of spaces as `\\s+`, its month and weekday names (next to a number) as
any month or weekday and, for a table row padded differently on different pages, its cell borders as
any number of empty cells, case-insensitive when spellings differ in case. The rule carries its
`evidence` (pages matched, pages seen), `examples.remove` from the corpus and `examples.keep` from a
body line of the same pages. Lines held back (prose inside an article body, not on most pages) are
listed as comments, never as rules. Each mined block (cleaner/authoring/mineblocks.py) becomes a
`block` rule: `start` the pattern of its start line, `end` the patterns of its end lines (one of
them), `max_lines` half again the longest block seen, `examples.remove` the smallest block seen (its
inside cut to its first lines), `examples.keep` its start line followed by a body line (no end, no
removal); a block whose example the rule would not remove whole is left out. Packs are scoped to
their site and run after the other packs (`order = "last"`), so a mined rule only sees what the
other rules kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from cleaner.authoring.linekeys import CELL_BORDERS, DATE_NAME, is_date_name
from cleaner.authoring.mine import MinedLine, Thresholds
from cleaner.authoring.mineblocks import MinedBlock

_PIECE = re.compile(r"\s+|\d+|" + DATE_NAME.pattern, re.IGNORECASE)
_PIECE_CELLS = re.compile(CELL_BORDERS + "|" + _PIECE.pattern, re.IGNORECASE)  # ... and a row's cell borders
_EDGE_BORDERS = r"[\s|]*"  # empty cells before or after a row's text, or none
_INNER_BORDERS = r"\s*(?:\|\s*)+"  # one cell border or more between two cells' text
_DATE_PATTERN = r"[a-z]{3,9}\.?"  # any month or weekday name (or its abbreviation), under (?i)
_KEYWORD_CHARS = 3  # shortest literal worth a keyword
REGEX_TIMEOUT = 1.0


@dataclass(frozen=True)
class LinePattern:
    pattern: str
    keywords: tuple[str, ...]
    matches: tuple[str, ...]  # the spellings the pattern matches (all of them, normally)


def line_pattern(spellings: Sequence[str]) -> LinePattern | None:
    """A pattern for a line spelled `spellings` (commonest first), or None if none can be built."""
    spellings = [s for s in spellings if _encodable(s)]
    if not spellings:
        return None
    base = spellings[0]
    literal = all(s == base for s in spellings)
    cells = not literal and any("|" in s for s in spellings)  # table rows padded alike or not, as the key has it
    body: list[str] = []
    literals = [""]  # the literal runs between generalised pieces, for keywords
    dated, at = False, 0
    for m in (_PIECE_CELLS if cells else _PIECE).finditer(base):
        before, token = base[at:m.start()], m.group()
        body.append(re.escape(before))
        literals[-1] += before
        at = m.end()
        if "|" in token:  # cell borders (only when `cells`): the edges are in the anchors below
            body.append("" if m.start() == 0 or m.end() == len(base) else _INNER_BORDERS)
        elif token.isspace():
            body.append(r"\s+")
        elif not literal and token.isdigit():
            body.append(r"\d+")
        elif not literal and not token.isdigit() and is_date_name(base, m):
            body.append(_DATE_PATTERN)
            dated = True
        else:
            body.append(re.escape(token))
            literals[-1] += token
            continue
        literals.append("")
    body.append(re.escape(base[at:]))
    literals[-1] += base[at:]
    edge = _EDGE_BORDERS if cells else r"\s*"
    core = f"^{edge}{''.join(body)}{edge}$"
    for flags in ("(?i)",) if dated else ("", "(?i)"):
        compiled = regex.compile(flags + core)
        matches = tuple(s for s in spellings if compiled.fullmatch(s, timeout=REGEX_TIMEOUT))
        if len(matches) == len(spellings):
            break
    return LinePattern(flags + core, _keywords(literals), matches)


def _keywords(pieces: Sequence[str]) -> tuple[str, ...]:
    """The longest literal run without spaces (lower-cased), when long enough to narrow the search."""
    words = [w for piece in pieces for w in piece.split() if len(w) >= _KEYWORD_CHARS]
    return (max(words, key=lambda w: (len(w), w)).lower(),) if words else ()


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates cannot go into TOML
        return False
    return bool(text.strip())


def toml_string(text: str) -> str:
    """A TOML string for `text`: a literal string when it can be one (patterns stay readable)."""
    if "'" not in text and not any(ord(c) < 32 or ord(c) == 127 for c in text):
        return f"'{text}'"
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def slug(text: str, limit: int = 40) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:limit].strip("-")


def site_name(site: str) -> str:
    """The site as it may appear in a file name, a pack id and a rule id (distinct sites stay distinct
    unless they differ only in characters other than letters, digits, '.', '-' and '_')."""
    return re.sub(r"[^a-z0-9._-]+", "_", site.lower()).strip("._-")[:80] or "site"


def pack_id(site: str) -> str:
    return "mined-" + site_name(site)


def render_pack(site: str, mined: Sequence[MinedLine], thresholds: Thresholds, *, scoped: bool = True,
                blocks: Sequence[MinedBlock] = (), whole_pages: dict[str, int] | None = None) -> str:
    """The TOML text of the pack for `site` (scoped to it unless `scoped=False`): its blocks, then its lines.
    `whole_pages` (its evidence, SiteEvidence.whole_pages) is written only into a pack with rules: a site
    where nothing was learned stays as it was."""
    proposed = [m for m in mined if m.proposed]
    out = [
        f"# Mined by `cleaner mine` from {mined[0].seen if mined else 0} pages of {site}. Review it before",
        "# committing: each rule removes every line its pattern matches on this site's pages, after the",
        "# other packs ran (order = \"last\"). Delete a rule to keep its line.",
        f"id = {toml_string(pack_id(site))}",
        'version = "1"',
        f"description = {toml_string(describe(site, thresholds))}",
        f"scope = [{toml_string(site.lower().removeprefix('www.'))}]" if scoped else "scope = []",
        'order = "last"',
        *(_whole_pages_lines(whole_pages) if proposed or blocks else []),
        *(["rules = []"] if not proposed else []),
    ]
    used: set[str] = set()
    keep = {m.key_hash: m.body_example for m in proposed}
    for block in blocks:
        out += _render_block(site, block, keep.get(block.start_hash), used) or []
    for line in proposed:
        rule = _render_rule(site, line, used)
        if rule:
            out += rule
    held = [m for m in mined if not m.proposed]
    if held:
        out += ["", "# Held back: these lines repeat but read as prose inside an article body on some pages,"
                    " and are not on most of the site's pages. Write a rule for one only if it is furniture."]
        out += [f"#   {m.pages} of {m.seen} pages, prose in the body of {m.prose_pages}: {m.spellings[0][:100]!r}"
                for m in held]
    return "\n".join(out).rstrip("\n") + "\n"


def _whole_pages_lines(evidence: dict[str, int] | None) -> list[str]:
    if evidence is None:
        return []
    counts = ", ".join(f"{k} = {v}" for k, v in evidence.items())
    return ["# The line model takes this site's documents for whole pages: on its own pages that cut",
            f"# {evidence['body_cut_chars']:,} of the {evidence['body_chars']:,} characters of their bodies' cores. "
            "Delete to let it judge each.",
            f"whole_pages = {{ {counts} }}"]


def describe(site: str, thresholds: Thresholds) -> str:
    long = (f"; lines of {thresholds.long_chars} characters or more: on {thresholds.min_pages} pages, any share"
            if thresholds.long_chars else "")
    return (f"Furniture mined from the pages of {site}: lines on at least {thresholds.min_pages} pages and at "
            f"least {thresholds.min_share:.0%} of the site's pages (or {thresholds.layout_share:.0%} of one "
            f"layout's{long}); lines that read as prose inside an article body only when on at least "
            f"{thresholds.body_share:.0%} of its pages; documents whole pages to the line model when that cuts "
            f"at most {thresholds.page_body_loss:.1%} of the prose of their bodies' cores and "
            f"{thresholds.frame_share:.0%} of its pages show its frame.")


def _render_rule(site: str, line: MinedLine, used: set[str]) -> list[str] | None:
    built = line_pattern(line.spellings)
    if built is None or not built.matches:
        return None
    rule_id = _rule_id(site, f"{slug(line.spellings[0]) or 'line'}-{line.key_hash & 0xFFFFFFFF:08x}", used)
    remove = list(dict.fromkeys(built.matches[:1] + tuple(s for s in built.matches[1:2] if s != built.matches[0])))
    compiled = regex.compile(built.pattern)
    keep = [line.body_example] if line.body_example and _encodable(line.body_example) and not compiled.search(
        line.body_example, timeout=REGEX_TIMEOUT) else []
    evidence = ", ".join(f"{k} = {v}" for k, v in line.evidence().items())
    lines = ["", "[[rules]]", f"id = {toml_string(rule_id)}", 'kind = "line"',
             f"pattern = {toml_string(built.pattern)}"]
    if built.keywords:
        lines.append(f"keywords = [{toml_string(built.keywords[0])}]")
    lines += [
        f"evidence = {{ {evidence} }}",
        f"rationale = {toml_string(_rationale(site, line))}",
        f"examples.remove = [{', '.join(map(toml_string, remove))}]",
        f"examples.keep = [{', '.join(map(toml_string, keep))}]",
    ]
    return lines


def _rule_id(site: str, name: str, used: set[str]) -> str:
    rule_id = f"{site_name(site)}:{name}"
    while rule_id in used:
        rule_id += "x"
    used.add(rule_id)
    return rule_id


def _render_block(site: str, block: MinedBlock, body_line: str | None, used: set[str]) -> list[str] | None:
    """A `block` rule, or None when its example would not be removed whole by it (or its frame has no
    pattern). Its keep example is its start line with a body line after it: no end, no removal."""
    start, ends = line_pattern(block.start), [line_pattern(end) for end in block.ends]
    if start is None or not start.matches or not all(end and end.matches for end in ends):
        return None
    end = "|".join(_scoped(e.pattern) for e in ends if e) if len(ends) > 1 else ends[0].pattern
    example = block.example.split("\n")
    if not all(map(_encodable, example)) or not _finds_block(start.pattern, end, example, block.max_lines):
        return None
    keep = [start.matches[0]]
    if body_line and _encodable(body_line) and not regex.compile(end).search(body_line, timeout=REGEX_TIMEOUT):
        keep = [f"{start.matches[0]}\n{body_line}"]
    name = f"block-{slug(block.start[0], 24) or 'start'}-{(block.start_hash ^ block.end_hashes[0]) & 0xFFFFFFFF:08x}"
    lines = ["", "[[rules]]", f"id = {toml_string(_rule_id(site, name, used))}", 'kind = "block"',
             f"start = {toml_string(start.pattern)}", f"end = {toml_string(end)}",
             f"max_lines = {block.max_lines}"]
    if start.keywords:
        lines.append(f"keywords = [{toml_string(start.keywords[0])}]")
    evidence = ", ".join(f"{k} = {v}" for k, v in block.evidence().items())
    return lines + [
        f"evidence = {{ {evidence} }}",
        f"rationale = {toml_string(_block_rationale(site, block))}",
        f"examples.remove = [{toml_string(block.example)}]",
        f"examples.keep = [{', '.join(map(toml_string, keep))}]",
    ]


def _scoped(pattern: str) -> str:
    """A line pattern as one alternative of several (its case flag kept to itself)."""
    return f"(?i:{pattern[4:]})" if pattern.startswith("(?i)") else f"(?:{pattern})"


def _finds_block(start: str, end: str, example: Sequence[str], max_lines: int) -> bool:
    """Whether the block kind finds exactly `example`: its first line starts it, its last line is the
    first to match `end`, within `max_lines`."""
    starts, ends = regex.compile(start), regex.compile(end)
    hits = [bool(ends.search(line, timeout=REGEX_TIMEOUT)) for line in example]
    return (len(example) <= max_lines and bool(starts.search(example[0], timeout=REGEX_TIMEOUT))
            and hits[-1] and not any(hits[:-1]))


def _block_rationale(site: str, block: MinedBlock) -> str:
    return (f"A block framed by two lines that repeat on {site}, seen on {block.pages} of its {block.seen} pages; "
            f"what it holds changes from page to page, and on no page does it hold the article's prose.")


def _rationale(site: str, line: MinedLine) -> str:
    text = f"Repeats on {line.pages} of the {line.seen} pages of {site}"
    if line.layout_pages is not None:
        text += f" ({line.layout_pages} of the {line.layout_seen} pages of one layout)"
    if line.prose_pages:
        text = (f"REVIEW: reads as prose inside the article body on {line.prose_pages} pages; proposed because "
                f"it is on most of the site's pages. " + text)
    return text + "."


def render_report(site: str, seen: int, layouts: int, mined: Sequence[MinedLine], limit: int = 20,
                  blocks: Sequence[MinedBlock] = (), whole_pages: dict[str, int] | None = None) -> list[str]:
    """Lines for `cleaner mine --report`: what was found on one site, with counts."""
    proposed = [m for m in mined if m.proposed]
    held = [m for m in mined if not m.proposed]
    flagged = [m for m in proposed if m.prose_pages]
    out = [f"{site}: {seen} pages, {layouts} layouts, {len(proposed)} lines proposed "
           f"({len(flagged)} flagged as prose in a body), {len(held)} held back, {len(blocks)} blocks"]
    if whole_pages and (proposed or blocks):
        out.append(f"  whole pages to the line model: it cuts {whole_pages['body_cut_chars']:,} of the "
                   f"{whole_pages['body_chars']:,} characters of {whole_pages['pages']} pages' body cores")
    out += [f"  block {b.pages:>5}/{b.seen:<5} {b.start[0][:40]!r} .. {b.ends[0][0][:40]!r}"
            f"{f' (or {len(b.ends) - 1} more)' if len(b.ends) > 1 else ''} (up to {b.max_lines} lines)"
            for b in blocks[:limit]]
    out += [f"  {m.pages:>5}/{m.seen:<5} {'REVIEW ' if m.prose_pages else ''}{m.spellings[0][:90]!r}"
            for m in proposed[:limit]]
    if len(proposed) > limit:
        out.append(f"  ... {len(proposed) - limit} more in the pack")
    out += [f"  held  {m.pages:>5}/{m.seen:<5} {m.spellings[0][:90]!r}" for m in held[:limit]]
    return out
