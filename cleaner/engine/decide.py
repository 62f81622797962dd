"""Apply a RuleSet to a document: match, decide who owns each removed line, lay out the result.

Decisions are per line. Rules run in the order `RuleSet.rules` gives (by kind: block, line,
list_run, tail, repeat; then pack and file order), and a line claimed by an earlier rule keeps that
attribution, so every removed span belongs to exactly one rule (its owner); the other rules whose
claims covered it are listed after the owner in the span's `matched`. Within a kind, rules with a
higher `priority` run first, so the most specific rule owns a line a broad one also matches. Lines
a keep entry names (`engine.keep`) are never claimed by the rules it keeps them from; lines the
caller marks as removed by hand (`manual`) are removed first, under the pseudo-rule "manual".
The layout pass removes blank lines at the start and end and every blank line that follows
another kept blank line; those removals are recorded too, under the pseudo-pack "layout". If the
last kept line has no line terminator, a "\\n" is appended and recorded. Kept lines are never altered.

Cleaning is idempotent because the engine runs to a fixpoint: layout, then the rules over the lines
still kept, again and again until a pass claims nothing, so the final pass saw exactly the lines of
the clean text. Only context-dependent rules can claim more in a later pass (a tail whose rest got
shorter, a block whose end came within bound, a `context = "standalone"` line whose prose neighbour
went), so line rules without a context condition run in the first pass only.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from time import monotonic

from cleaner.engine.keep import KeepEntry, protects, resolve
from cleaner.engine.positions import active_candidates
from cleaner.engine.spans import LAYOUT_PACK, MANUAL, Removal, spans  # noqa: F401 - LAYOUT_PACK: importers use decide's
from cleaner.engine.units import Paragraphs, UnitGuard, Units, regrouped
from cleaner.errors import DocumentTimeout
from cleaner.lines import Line, markdown_view, split_lines
from cleaner.rules.kinds import Document, Rule
from cleaner.rules.ruleset import RuleSet

LEADING_BLANK = "layout.leading-blank"
BLANK_RUN = "layout.blank-run"
TRAILING_BLANK = "layout.trailing-blank"
CR_LF_JOIN = "layout.cr-lf-join"


@dataclass(frozen=True)
class Outcome:
    """What the engine decided for one document."""

    text: str
    removals: tuple[Removal, ...]
    final_newline_added: bool
    # Lines a keep entry saved: 0-based line index -> ids of the rules it was kept from, in run order.
    kept: dict[int, list[str]] | None = None


# A document's time budget is `doc_timeout` per this many characters, at least once: cleaning takes time
# linear in the length, and a budget meant for a web page does not fail a whole book. It starts once the
# prefilters ran: they are linear, and may include compiling the Hyperscan database once per process.
BUDGET_CHARS = 1_000_000
MAX_PASSES = 10  # each pass after the first removes at least one line; real documents need 1-3


def apply_rules(text: str, ruleset: RuleSet, domain: str | None = None, *,
                keep: Sequence[KeepEntry] = (), manual: Collection[int] = (),
                hints: Mapping[str, Mapping[str, float]] | None = None, whole_page: bool | None = None) -> Outcome:
    """Clean `text` with the rules of `ruleset` that apply to `domain`.

    `hints` maps a line's text (whitespace collapsed) to what its HTML page says about it (the HTML
    line model's features); None for text input.

    `keep`: entries naming lines some rules must not remove; `manual`: 0-based indices of lines
    removed by hand before any rule runs (recorded under the rule id "manual"); `whole_page`: whether
    the line model takes the document for a whole page (None: when a pack of `domain` says so,
    `RuleSet.whole_pages`, else as its regime classifier says).

    Raises RuleTimeout when one regex call runs past `ruleset.timeout`, DocumentTimeout when the
    rules together run past the document's budget (`BUDGET_CHARS`).

    Rules read Markdown as its words (`markdown_view`) and a hard-wrapped text's paragraphs as a line
    each (`engine.units`), and decide which of the text's own lines go. HTML input (`hints`, keyed by
    its lines as they are) is read as it is; a text with lines ending in a lone CR, a line at a time.
    A rule that says `reads = "raw"` reads each line as it is (`_RawReading`)."""
    budget = ruleset.doc_timeout * max(1.0, len(text) / BUDGET_CHARS)
    lines = split_lines(text)
    seen_text, seen = (text, lines) if hints is not None else _markdown_read(text, lines)
    hits, deadline = ruleset.index.candidate_lines(seen_text, seen), monotonic() + budget
    all_rules = rules = ruleset.rules(domain, scoped=True)
    whole_page = ruleset.whole_pages(domain) if whole_page is None else whole_page
    owners: list[Rule | str | None] = [None] * len(lines)
    for i in manual:
        owners[i] = MANUAL
    guard = _Guard(resolve(keep, lines)) if keep else None
    others: dict[int, list[Rule]] = {}
    reasons: dict[int, dict] = {}  # (others, reasons: `_match`'s)
    active = [i for i in range(len(lines)) if owners[i] is None]
    blank, memo, units = [not line.text.strip() for line in lines], {}, None  # memo: Document.memo, every pass
    paragraphs = Paragraphs.of(text, lines) if hints is None else None
    raw = _RawReading.of(text, lines, seen is not lines or paragraphs is not None, all_rules, ruleset)
    for _ in range(MAX_PASSES):
        active = _unjoin(text, lines, owners, _layout(blank, owners, active))
        previous, units = units, (paragraphs.units(active) if paragraphs is not None else None)
        rules = all_rules if previous is not None and regrouped(previous, units, active) else rules
        rest = (rules, owners, others, guard, ruleset.timeout, (deadline, budget), reasons, hints, whole_page, memo)
        claimed, released = _match_pass(seen, active, hits, units, ruleset, rest, raw)
        if not claimed:
            break
        active = [i for i in active if owners[i] is None]
        # Plain line rules claim nothing new in a later pass, unless a rule released one of their lines
        # (the line model's veto): then all run again, so the last pass sees what a second cleaning would.
        rules = all_rules if released else [r for r in all_rules if r.depends_on_context()]
    active = _layout(blank, owners, active)  # a no-op unless MAX_PASSES cut the loop short
    return _outcome(text, lines, active, (owners, others, reasons), guard)


def _outcome(text: str, lines: list[Line], active: list[int], decided: tuple, guard: _Guard | None) -> Outcome:
    """The clean text (the `active` lines) and the removals; `decided`: owners, others and reasons."""
    kept = [lines[i].text + lines[i].end_of_line for i in active]
    add_newline = bool(kept) and not kept[-1].endswith(("\n", "\r"))
    clean = "".join(kept) + ("\n" if add_newline else "")
    return Outcome(clean, tuple(spans(text, lines, *decided)), add_newline, guard.kept if guard is not None else None)


def _markdown_read(text: str, lines: list[Line]) -> tuple[str, list[Line]]:
    """The text and its lines as rules read them (`markdown_view`): `text` and `lines` when that changes nothing."""
    view = markdown_view(text)
    return (text, lines) if view is text else (view, split_lines(view))


def _match_pass(seen: list[Line], active: list[int], hits: dict[str, list[int]], units: Units | None,
                ruleset: RuleSet, rest: tuple, raw: _RawReading | None) -> tuple[bool, bool]:
    """One pass of `rest`'s rules (`_match`'s arguments from `rules` on) over the lines as rules read them
    (`seen`, or the paragraphs of `units`); then, when `raw` is given, of those reading raw lines."""
    if raw is not None:
        rest, raw_rules = (raw.reading_words(rest[0]), *rest[1:]), raw.reading_raw(rest[0])
    found = _match(seen, active, hits, *rest) if units is None else _match_units(units, ruleset, rest)
    return raw.match(active, raw_rules, rest, found) if raw is not None and raw_rules else found


def _match_units(units: Units, ruleset: RuleSet, rest: tuple) -> tuple[bool, bool]:
    """`_match` over a hard-wrapped text's paragraphs (`engine.units`), its decisions spread to their lines.
    `rest`: `_match`'s arguments from `rules` on, for the document's lines."""
    rules, owners, others, guard, timeout, deadline, reasons, hints, whole_page, memo = rest
    hits = ruleset.index.candidate_lines(units.text, units.lines)
    count = len(units.lines)
    unit_owners: list = [None] * count
    unit_others: dict[int, list[Rule]] = {}
    unit_reasons: dict[int, dict] = {}
    found = _match(units.lines, list(range(count)), hits, rules, unit_owners, unit_others,
                   UnitGuard(guard, units.members) if guard is not None else None, timeout, deadline,
                   unit_reasons, hints, whole_page, memo)
    units.spread(owners, others, reasons, unit_owners, unit_others, unit_reasons)
    return found


class _RawReading:
    """A document's raw lines, for the rules that read them (`Rule.reads` "raw") when the others read a view
    (Markdown as its words, or a hard-wrapped text's paragraphs). Each pass, those rules run after the others,
    over the lines still kept, so they own only lines no rule reading words claimed."""

    def __init__(self, lines: list[Line], hits: dict[str, list[int]]) -> None:
        self.lines, self.hits = lines, hits

    @classmethod
    def of(cls, text: str, lines: list[Line], viewed: bool, rules: Sequence[Rule], ruleset: RuleSet
           ) -> _RawReading | None:
        """None when no rule reads raw lines or the rules read `lines` as they are (`viewed` False): then
        every rule runs in one `_match`, in its kind's order."""
        if not viewed or not ruleset.reads_raw or all(rule.reads != "raw" for rule in rules):
            return None  # (the last test only for a rule set that has a raw rule: its site packs may not apply)
        return cls(lines, ruleset.index.candidate_lines(text, lines))

    @staticmethod
    def reading_words(rules: Sequence[Rule]) -> list[Rule]:
        return [rule for rule in rules if rule.reads != "raw"]

    @staticmethod
    def reading_raw(rules: Sequence[Rule]) -> list[Rule]:
        return [rule for rule in rules if rule.reads == "raw"]

    def match(self, active: list[int], rules: list[Rule], rest: tuple, found: tuple[bool, bool]) -> tuple[bool, bool]:
        """`_match` of `rules` over the raw lines of `active` that `rest`'s owners leave unclaimed; `found`:
        what the pass's other rules returned, merged into what this returns."""
        owners = rest[1]
        unclaimed = [i for i in active if owners[i] is None]
        claimed, released = _match(self.lines, unclaimed, self.hits, rules, *rest[1:])
        return found[0] or claimed, found[1] or released


class _Guard:
    """The lines keep entries name, and what they were kept from."""

    def __init__(self, named: dict[int, tuple[KeepEntry, ...]]) -> None:
        self.named = named
        self.kept: dict[int, list[str]] = {}

    def refuses(self, index: int, rule: Rule) -> bool:
        named = self.named.get(index)
        if named is None or not protects(named, rule.id):
            return False
        rules = self.kept.setdefault(index, [])
        if rule.id not in rules:
            rules.append(rule.id)
        return True


def _match(lines: Sequence[Line], active: list[int], hits: dict[str, list[int]], rules: Sequence[Rule],
           owners: list, others: dict[int, list[Rule]], guard: _Guard | None, timeout: float,
           deadline: tuple[float, float], reasons: dict[int, dict],
           hints: Mapping[str, Mapping[str, float]] | None, whole_page: bool = False,
           memo: dict | None = None) -> tuple[bool, bool]:
    """One pass of `rules` over the active lines; record new owners (in `others` the rules whose
    claims a line's owner overrode, in `reasons` why a rule claimed a line when it says); return
    whether any line claimed in this pass stays claimed, and whether a rule released a line an earlier
    one claimed (the line model's veto).

    `deadline`: the monotonic time the document's budget runs out at, and that budget; `whole_page`: a
    pack of the site says it is a whole page (`RuleSet.whole_pages`); `memo`: the pass's `Document.memo`."""
    candidates = active_candidates(len(lines), active, hits, rules)
    doc = Document([lines[i] for i in active], candidates, timeout, *deadline, hints=hints,
                   whole_page=whole_page, memo=memo)
    claimed: list[int] = []
    released = False
    doc_claimed, note = doc.claimed, claimed.append  # (the loop below runs once per claimed line)
    # the rules that can claim anything: those needing candidates have some, as Document.candidates says
    for rule in [r for r in rules
                 if not r.NEEDS_CANDIDATES or candidates.get(r.id, len(active) and not r.prefilter_keywords)]:
        for first, last in rule.find(doc):
            for p in range(first, last + 1):
                owner = doc_claimed[p]
                if owner is None:
                    if guard is not None and guard.refuses(active[p], rule):
                        continue
                    doc_claimed[p] = owners[active[p]] = rule
                    note(p)
                elif owner is not rule:  # rare: a second rule claiming a line (cheap to note)
                    overridden = others.setdefault(active[p], [])
                    if rule not in overridden:
                        overridden.append(rule)
        if doc.released:
            for p in doc.released:
                doc_claimed[p] = owners[active[p]] = None
            doc.released.clear()
            released = True
        if monotonic() > deadline[0]:  # time spent outside regex calls (scoring, windows) counts too
            raise DocumentTimeout(rule.id, rule.pack_id, deadline[1])
    for p, reason in doc.reasons.items():
        if doc_claimed[p] is not None:
            reasons[active[p]] = reason
    return any(doc_claimed[p] is not None for p in claimed), released


def _layout(blank: Sequence[bool], owners: list, active: list[int]) -> list[int]:
    """Mark leading, trailing and repeated blank lines among `active` as layout removals."""
    head = 0
    while head < len(active) and blank[active[head]]:
        owners[active[head]] = LEADING_BLANK
        head += 1
    tail = len(active)
    while tail > head and blank[active[tail - 1]]:
        tail -= 1
        owners[active[tail]] = TRAILING_BLANK
    previous_blank = False
    for i in active[head:tail]:
        if blank[i] and previous_blank:
            owners[i] = BLANK_RUN
        previous_blank = blank[i]
    return [i for i in active if owners[i] is None]


def _unjoin(text: str, lines: Sequence[Line], owners: list, active: list[int]) -> list[int]:
    """Mark empty LF lines that would follow a kept line ending in a lone CR: in the clean text
    the two would read as one CRLF line, and a second cleaning would see other lines (found by
    fuzzing: a blank line between two lists vanished, so the lists became one run)."""
    if "\r" not in text:  # no line ends in a CR: nothing to mark, and no loop over the lines
        return active
    after_cr = False
    for i in active:
        if after_cr and lines[i].end_of_line == "\n" and not lines[i].text:
            owners[i] = CR_LF_JOIN
            continue
        after_cr = lines[i].end_of_line == "\r"
    return [i for i in active if owners[i] is None]
