"""The dev-set snapshot: a digest of every output and record the engine gives on the dev set's texts
in many variants, to prove a speed-up changed no result.

    python tests/bench/snapshot.py -o before.json [--html-cache DIR]   # on the build before
    python tests/bench/snapshot.py -o after.json --compare before.json  # on the build after

Each page's `full.txt`, `recall.txt` and `gold.txt` is cleaned plain, with CRLF and with lone-CR line
ends, upper-cased, indented by two spaces, with its lines shuffled (a fixed seed), cut to its first
half, and, plain, with the page's URL (which selects site packs); the seeds too (named by their path
in the repository, so snapshots of two checkouts compare). With
`--html-cache DIR`, every HTML page is also cleaned from its extracted text and line hints, stored
in DIR by the first run (extraction is trafilatura's, and not what a speed-up of the engine
touches), with and without the hints (the HTML line model acting or not). A document's digest is
the SHA-256 of its clean text and its JSON provenance record; `--compare` lists every document
whose digest differs. A document that fails (a timeout on a loaded machine) is digested by its
error's type. `--without-rules-hash` leaves the rule set's hash out of every record, for a change to the
rule files' form (both snapshots need it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import random
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from common import PAGES, ROOT

import cleaner
from cleaner import api

Variant = Callable[[str], str]
WITHOUT_RULES_HASH = False  # `--without-rules-hash`: records compare across rule files that differ in form only


def _shuffled(text: str) -> str:
    lines = text.splitlines(keepends=True)
    random.Random(len(text)).shuffle(lines)
    return "".join(lines)


VARIANTS: dict[str, Variant] = {
    "plain": lambda t: t,
    "crlf": lambda t: t.replace("\n", "\r\n"),
    "cr": lambda t: t.replace("\n", "\r"),
    "upper": str.upper,
    "indented": lambda t: "".join("  " + line for line in t.splitlines(keepends=True)),
    "shuffled": _shuffled,
    "cut": lambda t: "".join(t.splitlines(keepends=True)[: max(1, t.count("\n") // 2)]),
}


def digest(result: cleaner.CleanResult) -> str:
    provenance = result.provenance
    if WITHOUT_RULES_HASH:
        provenance = {**provenance, "ruleset": {k: v for k, v in provenance["ruleset"].items() if k != "hash"}}
    record = json.dumps(provenance, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(result.text.encode("utf-8", "surrogatepass") + b"\0" + record.encode()).hexdigest()


def _clean(fn: Callable[[], cleaner.CleanResult]) -> str:
    try:
        return digest(fn())
    except Exception as exc:  # noqa: BLE001 - recorded, compared like an output
        return f"error: {type(exc).__name__}"


def text_documents(rules) -> Iterator[tuple[str, str]]:
    for path in sorted((ROOT / "seeds").glob("*.txt")):  # named relative: two checkouts compare
        text, name = path.read_bytes().decode("utf-8"), f"seeds/{path.name}"
        yield f"seed/{path.name}", _clean(lambda t=text, n=name: cleaner.clean(t, rules=rules, source=n))
    for path in sorted(PAGES.glob("*.full.txt")):
        page = path.name.split(".")[0]
        url_file = PAGES / f"{page}.url"
        url = url_file.read_text("utf-8").strip() if url_file.is_file() else None
        for kind in ("full", "recall", "gold"):
            text = (PAGES / f"{page}.{kind}.txt").read_text("utf-8")
            for name, variant in VARIANTS.items():
                changed = variant(text)
                yield f"{page}.{kind}/{name}", _clean(lambda t=changed: cleaner.clean(t, rules=rules))
            if url:
                yield f"{page}.{kind}/url", _clean(lambda t=text, u=url: cleaner.clean(t, rules=rules, url=u))


def html_documents(rules, cache: Path) -> Iterator[tuple[str, str]]:
    cache.mkdir(parents=True, exist_ok=True)
    for path in sorted(PAGES.glob("*.html")):
        stored = cache / f"{path.stem}.pickle"
        if stored.is_file():
            doc = pickle.loads(stored.read_bytes())
        else:
            try:
                doc = api.load_document(path, line_hints=True)
            except Exception:  # noqa: BLE001 - a page extraction refuses has nothing to clean
                continue
            stored.write_bytes(pickle.dumps(doc))
        for name, hints in (("hints", doc.hints), ("no-hints", None)):
            yield f"{path.stem}.html/{name}", _clean(
                lambda h=hints, d=doc: api._clean_text(d.text, rules, dict(d.source), d.site, dict(d.extraction),
                                                       hints=h))


def report_differences(before: dict[str, str], after: dict[str, str]) -> int:
    """Print the documents whose digests differ between two snapshots (the first 50) and how many; return
    that number."""
    differ = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    for key in differ[:50]:
        print(f"differs: {key}: {before.get(key)} -> {after.get(key)}")
    print(f"{len(differ)} of {len(after)} documents differ")
    return len(differ)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--compare", type=Path, help="a snapshot to compare with")
    parser.add_argument("--html-cache", type=Path, help="extracted HTML pages, written on first use")
    parser.add_argument("--without-rules-hash", action="store_true",
                        help="digest records without the rule set's hash: a rule file rewritten in another form "
                             "(the same rules) changes no digest")
    args = parser.parse_args()
    global WITHOUT_RULES_HASH  # noqa: PLW0603 - one flag for every digest of the run
    WITHOUT_RULES_HASH = args.without_rules_hash
    rules = cleaner.default_rules()
    digests = dict(text_documents(rules))
    if args.html_cache:
        digests.update(html_documents(rules, args.html_cache))
    args.output.write_text(json.dumps(digests, indent=0, sort_keys=True))
    total = hashlib.sha256(json.dumps(digests, sort_keys=True).encode()).hexdigest()[:16]
    errors = sum(1 for d in digests.values() if d.startswith("error"))
    print(f"{len(digests)} documents, {errors} failed, snapshot {total}")
    if args.compare:
        sys.exit(1 if report_differences(json.loads(args.compare.read_text()), digests) else 0)


if __name__ == "__main__":
    main()
