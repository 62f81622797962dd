"""Plan and apply the pre-commit hooks' fixes of seed files (`cleaner hook check|fix`, cli/hook.py).

Both hooks plan the same change per file, so check fails exactly when fix would change something:
- a text seed (.txt, .md) is cleaned in place; its record goes beside it as NAME.provenance.json;
- an HTML seed is never modified: its clean text goes beside it (page.html -> page.txt +
  page.provenance.json), and it counts as unfixed until that text is there and up to date.
A seed that already has a record beside it and matches the record's output is cleaned again from
the original the record restores (rules changed since), so `cleaner restore` still gives the
original; a record that does not describe its file (the file was edited after cleaning, or the
record is another file's) is never overwritten: the file fails with a message saying what to do.
A record whose *source* hash matches the seed is one a fix wrote before it was interrupted (the
seed was not replaced yet): the seed is planned afresh and the record replaced.

Fix writes the record first, then the clean text, each atomically. The seed keeps what makes it
the user's: through a symlink the target is rewritten, the mode is kept, and a hard-linked seed is
rewritten in place so every link sees the clean text (see `io.files.rewrite_in_place`).

Near-duplicates: each seed's clean body is compared with the other seeds in its folder as they are
on disk (pre-commit splits the files over parallel calls, so the arguments are not the whole
picture). A pair in which both seeds are new (staged, or named in this call) is reported once, on
the later path; a seed near-duplicating one already there is always reported.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from cleaner.api import HTML_SUFFIXES, TEXT_SUFFIXES, CleanResult, clean_file
from cleaner.config import sidecar_keep
from cleaner.engine.decide import MANUAL, Removal, apply_rules
from cleaner.engine.fingerprint import Fingerprint, fingerprint, from_record
from cleaner.engine.keep import KeepEntry
from cleaner.engine.manual import manual_lines
from cleaner.engine.provenance import build_record, restore
from cleaner.errors import CleanerError
from cleaner.io.decode import decode
from cleaner.io.files import RECORD_SUFFIX, is_tool_file, rewrite_in_place, write_atomic
from cleaner.io.html import page_domain
from cleaner.io.json_text import json_document
from cleaner.rules.ruleset import RuleSet

SEED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES


def is_seed(path: Path) -> bool:
    """Whether the hooks handle `path`: a document suffix, and not a file cleaner writes."""
    return path.suffix.lower() in SEED_SUFFIXES and not is_tool_file(path.name)


@dataclass
class Plan:
    """What fixing one seed means: the spans to report, and the files to write (none when clean)."""

    path: Path
    body: str  # the clean body, whether or not anything is to be written
    removals: tuple[Removal, ...] = ()  # as found in the file as it is (line numbers the user sees)
    text_path: Path | None = None
    record: dict[str, Any] | None = None
    note: str = ""  # why there is something to write beyond the removals
    near: list[tuple[Path, float]] = field(default_factory=list)
    # Whether `body` is the clean text of the file as it is on disk (not when cleaned again from the
    # original a record restores): then its fingerprint stands for the file among its folder's seeds.
    body_from_disk: bool = True

    def __post_init__(self) -> None:
        if self.record is not None:
            self.record["fingerprint"] = self.fingerprint.to_dict()

    @cached_property
    def fingerprint(self) -> Fingerprint:
        return fingerprint(self.body)

    @property
    def writes(self) -> bool:
        return self.record is not None


class HookError(CleanerError):
    """A seed the hook refuses to touch; the message says why and what to do."""


def plan_seed(path: Path, rules: RuleSet, keep: Sequence[KeepEntry] | None = None) -> Plan:
    """Plan the fix of one seed; raises CleanerError (naming the file) when it cannot be fixed.
    `keep`: the seed's keep entries (default: its sidecar's)."""
    result = clean_file(path, rules=rules, keep=keep)
    keep = sidecar_keep(path) if keep is None else keep
    if path.suffix.lower() in HTML_SUFFIXES:
        return _plan_html(path, result)
    record_path = path.with_suffix(RECORD_SUFFIX)
    previous = _read_record(record_path)
    on_disk = result.provenance["source"]["sha256"]
    if previous is None or previous["source"]["sha256"] == on_disk:  # none, or a fix interrupted before the seed
        return Plan(path, result.text, result.removals, path, result.provenance) if result.changed \
            else Plan(path, result.text)
    if previous["output"]["sha256"] != on_disk:
        return _plan_manual(path, path.read_bytes(), previous, rules, keep)
    again = _clean_from_original(path, previous, rules, keep)
    if again.text.encode("utf-8") == path.read_bytes() \
            and [r.to_dict() for r in again.removals] == previous["removals"]:
        return Plan(path, again.text)  # as today's rules and keep list would leave it
    return Plan(path, again.text, result.removals, path, again.provenance,
                note=f"cleaned again from the original that {record_path.name} restores", body_from_disk=False)


def _plan_manual(path: Path, data: bytes, previous: dict[str, Any], rules: RuleSet,
                 keep: Sequence[KeepEntry]) -> Plan:
    """The seed no longer matches its record: if it is the cleaned text with more lines deleted by
    hand, record those deletions (rule "manual") and clean again from the original."""
    record_name = path.with_suffix(RECORD_SUFFIX).name
    refusal = (f"{path}: {record_name} does not describe this file (edited after cleaning, or another file's "
               f"record)")
    original = _committed_original(path, previous)
    if original is None:
        raise HookError(f"{refusal}, and git has neither the cleaned seed nor its original to compare with; "
                        f"move or delete {record_name}, then run again")
    try:
        manual = manual_lines(original, previous, data.decode("utf-8"))
    except (CleanerError, UnicodeDecodeError) as exc:
        raise HookError(f"{refusal}: {exc}; move or delete {record_name}, then run again") from None
    again = _clean_from_original(path, previous, rules, keep, original=original, manual=manual)
    by_hand = tuple(r for r in again.removals if r.rule_id == MANUAL)
    return Plan(path, again.text, by_hand, path, again.provenance, body_from_disk=False,
                note=f"{len(manual)} lines removed by hand, recorded as rule 'manual'; cleaned again from the "
                     f"original")


def _committed_original(path: Path, previous: dict[str, Any]) -> str | None:
    """The original `previous` describes, from the seed as git's HEAD has it: the cleaned seed (then
    restored through the record) or the original itself; None when HEAD has neither."""
    try:
        shown = subprocess.run(["git", "show", f"HEAD:./{path.name}"], cwd=path.parent or ".",
                               capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    digest = hashlib.sha256(shown.stdout).hexdigest()
    try:
        if digest == previous["output"]["sha256"]:
            return restore(shown.stdout.decode("utf-8"), previous)
        if digest == previous["source"]["sha256"]:
            return decode(shown.stdout, str(path))[0]
    except (CleanerError, UnicodeDecodeError):
        return None
    return None


def _plan_html(path: Path, result: CleanResult) -> Plan:
    text_path, record_path = path.with_suffix(".txt"), path.with_suffix(RECORD_SUFFIX)
    previous = _read_record(record_path)
    ours = previous is not None and Path(previous["source"].get("path") or "").name == path.name
    if (text_path.exists() or record_path.exists()) and not ours:
        raise HookError(f"{path}: {text_path.name} or {record_path.name} exists and was not written from "
                        f"{path.name}; rename one of them")
    if ours and text_path.exists():
        on_disk = text_path.read_bytes()
        if hashlib.sha256(on_disk).hexdigest() != previous["output"]["sha256"]:
            raise HookError(f"{path}: {text_path.name} was edited after cleaning ({record_path.name} does not "
                            f"describe it); move or delete {text_path.name}, then run again")
        if previous["source"]["sha256"] == result.provenance["source"]["sha256"] \
                and on_disk == result.text.encode("utf-8"):
            return Plan(path, result.text)
    note = f"{text_path.name} is out of date" if text_path.exists() else f"{text_path.name} is missing"
    return Plan(path, result.text, result.removals, text_path, result.provenance, note=note)


def _read_record(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        record = json.loads(path.read_text("utf-8"))
        if not (isinstance(record.get("output"), dict) and isinstance(record.get("source"), dict)
                and "sha256" in record["output"] and "sha256" in record["source"]):
            raise ValueError("no output and source hashes")
    except (OSError, ValueError, AttributeError) as exc:
        raise HookError(f"{path}: not a readable provenance record ({exc}); move or delete it") from exc
    return record


def _clean_from_original(path: Path, previous: dict[str, Any], rules: RuleSet, keep: Sequence[KeepEntry],
                         original: str | None = None, manual: Sequence[int] = ()) -> CleanResult:
    """Clean the original `previous` restores from `path` (or `original`, when given), with today's
    rules and keep list, into a fresh record; the lines removed by hand stay removed: those `previous`
    records and those in `manual`."""
    if original is None:
        original = restore(path.read_bytes().decode("utf-8"), previous)
    manual = sorted({*manual, *(i for r in previous["removals"] if r["rule_id"] == MANUAL
                                for i in range(r["first_line"] - 1, r["last_line"]))})
    extraction = previous["input"].get("extraction")
    domain = page_domain(extraction) if extraction else None
    site = previous.get("site")
    if site and not extraction:
        domain = site.get("domain")
    outcome = apply_rules(original, rules, domain, keep=keep, manual=manual)
    record = build_record(source=previous["source"], input_text=original, outcome=outcome, ruleset=rules,
                          extraction=extraction, site=site, keep=keep)
    return CleanResult(outcome.text, outcome.removals, record)


def apply_plan(plan: Plan, rules: RuleSet | None = None, config: dict[str, Any] | None = None) -> None:
    """Write the record, then the clean text, each atomically (the original survives an interruption).

    A seed's record stands alone (no manifest beside it): it lists the rule set's packs (`rules`)
    and the configuration used (`config`)."""
    assert plan.record is not None and plan.text_path is not None
    if rules is not None:
        plan.record["ruleset"] = rules.describe()
    if config is not None:
        plan.record["config"] = config
    write_atomic(plan.path.with_suffix(RECORD_SUFFIX), json_document(plan.record))
    if plan.text_path == plan.path:
        rewrite_in_place(plan.path, plan.body.encode("utf-8"))
    else:
        write_atomic(plan.text_path, plan.body.encode("utf-8"))


def folder_fingerprints(folder: Path, rules: RuleSet,
                        known: Mapping[Path, Fingerprint] | None = None) -> dict[Path, Fingerprint]:
    """The fingerprints of the seeds in `folder` as they are on disk (unreadable ones left out);
    `known` gives those already computed (the seeds this call planned), which are not cleaned again."""
    known = known or {}
    prints = {}
    for path in sorted(folder.iterdir()):
        if is_seed(path) and path.is_file() and not _derived_html(path):
            found = known[path] if path in known else _fingerprint_on_disk(path, rules)
            if found is not None:
                prints[path] = found
    return prints


def _derived_html(path: Path) -> bool:
    """An HTML seed whose clean text is beside it: that text stands for it."""
    return path.suffix.lower() in HTML_SUFFIXES and path.with_suffix(".txt").exists()


def _fingerprint_on_disk(path: Path, rules: RuleSet) -> Fingerprint | None:
    try:
        data = path.read_bytes()
        record = _read_record(path.with_suffix(RECORD_SUFFIX))
        if record is not None and record["output"]["sha256"] == hashlib.sha256(data).hexdigest():
            stored = from_record(record)
            if stored is not None:
                return stored
        return fingerprint(clean_file(path, rules=rules).text)
    except (OSError, CleanerError):
        return None  # an unreadable neighbour is reported when it is itself an argument


def find_near_duplicates(plans: Sequence[Plan], rules: RuleSet, threshold: float, new: set[Path]) -> None:
    """Fill each plan's `near` with the seeds of its folder its body nearly duplicates.

    A pair of new seeds is reported on the later path only; `new` holds the resolved paths of the
    seeds being committed (this call's and the other calls').
    """
    known = {plan.path: plan.fingerprint for plan in plans if plan.body_from_disk}
    folders: dict[Path, dict[Path, Fingerprint]] = {}
    for plan in plans:
        if plan.path.parent not in folders:
            folders[plan.path.parent] = folder_fingerprints(plan.path.parent, rules, known)
        me = plan.path.resolve()
        for other, theirs in folders[plan.path.parent].items():
            resolved = other.resolve()
            if other.stem == plan.path.stem or (resolved in new and str(resolved) > str(me)):
                continue
            similarity = plan.fingerprint.similarity(theirs)
            if similarity >= threshold:
                plan.near.append((other, similarity))
        plan.near.sort(key=lambda item: (-item[1], str(item[0])))


def staged_paths() -> set[Path]:
    """The resolved paths git has staged (added, copied, modified, renamed); empty outside a repository."""
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=True)
        names = subprocess.run(["git", "diff", "--cached", "--name-only", "--diff-filter=ACMR", "-z"],
                               capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return set()
    root = Path(top.stdout.strip())
    return {(root / name).resolve() for name in names.stdout.split("\0") if name}
