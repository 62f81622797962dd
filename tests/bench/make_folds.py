"""Split the dev set's pages into 5 folds by registrable domain, so no site is in two folds.

    python tests/bench/make_folds.py [--devset ../shared/devset] [-o tests/data/devset_folds.json]

The registrable domain is the public-suffix-list "domain + suffix" of the page's URL (tldextract's
bundled list, no network): `news.bbc.co.uk` and `www.bbc.co.uk` are one site. Domains are ordered by
the SHA-256 of their name and dealt round-robin, so the split is deterministic, balanced in sites,
and does not depend on page ids. Everything fitted or tuned on the dev set is fitted on four folds
and scored on the fifth (see README, "Quality on real pages").
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections import defaultdict
from pathlib import Path

import tldextract

ROOT = Path(__file__).resolve().parents[2]
FOLDS = 5


def registrable_domain(url: str) -> str:
    extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # bundled snapshot only
    parts = extract(url)
    return parts.top_domain_under_public_suffix or parts.fqdn or url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=ROOT.parent / "shared" / "devset")
    parser.add_argument("-o", "--output", type=Path, default=ROOT / "tests" / "data" / "devset_folds.json")
    args = parser.parse_args()
    pages: dict[str, list[str]] = defaultdict(list)
    for url_file in sorted(args.devset.glob("*.url")):
        url = url_file.read_text("utf-8").strip()
        pages[registrable_domain(url)].append(url_file.name.removesuffix(".url"))
    ordered = sorted(pages, key=lambda d: hashlib.sha256(d.encode()).hexdigest())
    fold_of_domain = {domain: i % FOLDS for i, domain in enumerate(ordered)}
    folds = {page: fold_of_domain[domain] for domain, ids in pages.items() for page in ids}
    record = {
        "method": "registrable domain (tldextract bundled suffix list), sha256 order, round-robin",
        "folds": FOLDS,
        "domains": {page: domain for domain, ids in pages.items() for page in ids},
        "fold": dict(sorted(folds.items())),
    }
    args.output.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", "utf-8")
    sizes = [sum(1 for f in folds.values() if f == k) for k in range(FOLDS)]
    print(f"{len(folds)} pages, {len(pages)} sites, pages per fold {sizes} -> {args.output}")


if __name__ == "__main__":
    main()
