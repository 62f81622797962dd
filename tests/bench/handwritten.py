"""Hand-written furniture and prose that no rule was tuned on: how the default rules do on wordings
nobody quoted (issue 12: "the three named kinds must be caught in forms never seen before").

    python tests/bench/handwritten.py [--rules PACK]... [--cases FILE] [--layout plain|markdown|wrapped] [-v]

`tests/data/handwritten_unseen.toml` (`--cases`) holds blocks of page furniture (job-category lists,
newsletter sign-up blocks, share and follow footers) and prose sentences that use the same words.
Each furniture block is cleaned in a short article, once before the article and once after it (`--places`:
also, or only, `inside`, a block of its own between the article's first two paragraphs): it counts as caught
when every one of its lines is gone and the article is whole. Each prose sentence
is cleaned inside the article, between two paragraphs and after the first: it counts as kept when
the whole article is. Prints per kind and in all; `-v` names each miss.

`--layout` lays every case out as users' scrapers may give it (the cases stay as written in the file):
`markdown` makes the headline a `#` heading, each bulleted item a "- [item](url)" link, each other
short line (up to 40 characters, no sentence end) a link and each label ending in ":" bold; `wrapped`
wraps every line at 60 columns, as a terminal dump or an e-mail would. A line counts as gone (or kept)
when all the lines it was laid out as are.

A cases file may give an article per language (`[articles.de]`, its `title` and `paragraphs`): a case
with `lang = "de"` is put in that article, as furniture sits on a page of its own language; a case without
`lang` goes in the English article below.

The file is held out: it was written after the rules it scores and must not be tuned on. A case
that a rule change is written from moves into that rule's examples, and fresh cases replace it,
so the figure stays one about wordings the rules have not seen.
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
import tomllib
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import cleaner

CASES = Path(__file__).resolve().parents[1] / "data" / "handwritten_unseen.toml"
TITLE = "Harbour plan approved after two-year fight"
ARTICLE = (
    "The port authority approved the harbour redevelopment on Thursday, ending a two-year dispute with "
    "the fishing families who have moored there since the 1950s.",
    "Under the final plan the inner basin stays open to working boats, and the new flats are set back "
    "behind a public promenade that the developer will pay to maintain.",
    "Campaigners said they had won more than they expected, though several still doubt that the "
    "promenade will be finished before the first residents move in.",
)


@dataclass(frozen=True)
class Article:
    """The article a case is put in: its headline and paragraphs."""

    title: str = TITLE
    paragraphs: tuple[str, ...] = ARTICLE


ENGLISH = Article()


def case_article(cases: dict, case: dict) -> Article:
    """The article of `case`'s language (`lang`) in its file `cases`, the English one without `lang`."""
    if "lang" not in case:
        return ENGLISH
    given = cases["articles"][case["lang"]]
    return Article(given["title"], tuple(given["paragraphs"]))


LAYOUT = "plain"  # set by --layout
PLACES = ("before", "after")  # where a furniture block is put (--places)
_BULLET = re.compile(r"^\s*[•*-]\s+")


def laid_out(line: str, role: str = "block") -> list[str]:
    """`line` as LAYOUT lays it out: its lines (`role`: "title", "block" for furniture, "prose")."""
    if LAYOUT == "wrapped":
        more = "  " if _BULLET.match(line) else ""
        return textwrap.wrap(line, 60, subsequent_indent=more, break_long_words=False) or [line]
    if LAYOUT == "markdown" and line.strip():
        if role == "title":
            return [f"# {line}"]
        slug = re.sub(r"\W+", "-", line.lower()).strip("-")[:30]
        item = _BULLET.match(line)
        if role == "block" and item:
            return [f"- [{line[item.end():]}](https://example.com/{slug})"]
        if role == "block" and line.rstrip().endswith(":"):
            return [f"**{line.strip()}**"]
        if role == "block" and len(line) <= 40 and line.rstrip()[-1:] not in ".!?":
            return [f"[{line.strip()}](https://example.com/{slug})"]
    return [line]


def article(before: Sequence[str] = (), after: Sequence[str] = (), inside: str | None = None, at: int = 1,
            page: Article = ENGLISH, between: Sequence[str] = ()) -> str:
    """The test article `page` with furniture lines before or after its paragraphs, or `between` its first two
    (a block of its own, blank lines around it), or a sentence inside."""
    paragraphs = list(page.paragraphs)
    if inside is not None:
        paragraphs.insert(at, inside)
    lines = [*laid_out(page.title, "title"), "", *_block(before), *([""] if before else [])]
    for n, paragraph in enumerate(paragraphs):
        lines += [*laid_out(paragraph, "prose"), ""]
        if n == 0 and between:
            lines += [*_block(between), ""]
    return "\n".join(lines + _block(after)) + "\n"


def _block(lines: Sequence[str]) -> list[str]:
    return [part for line in lines for part in laid_out(line)]


def _all_in(lines: Sequence[str], kept: list[str], role: str = "prose") -> list[str]:
    """Those of `lines` all of whose laid-out lines are in `kept`."""
    return [line for line in lines if all(part in kept for part in laid_out(line, role))]


def furniture_miss(rules: cleaner.RuleSet, block: list[str], where: str, page: Article = ENGLISH) -> str | None:
    """Why `block` is not caught when put `where` ("before", "after") the article `page`, or None."""
    text = article(**{{"before": "before", "after": "after", "inside": "between"}[where]: block}, page=page)
    kept = cleaner.clean(text, rules=rules).text.split("\n")
    left = [line for line in block if any(part in kept for part in laid_out(line) if part.strip())]
    lost = [p for p in page.paragraphs if p not in _all_in([p], kept)]
    if lost:
        return f"{len(lost)} of the article's paragraphs lost"
    return f"left {left}" if left else None


def prose_miss(rules: cleaner.RuleSet, sentence: str, at: int, page: Article = ENGLISH) -> str | None:
    """Why the article `page` with `sentence` inside it (at paragraph `at`) is not kept whole, or None."""
    result = cleaner.clean(article(inside=sentence, at=at, page=page), rules=rules)
    kept = result.text.split("\n")
    whole = len(_all_in([sentence, *page.paragraphs], kept)) == len(page.paragraphs) + 1
    if whole and _all_in([page.title], kept, "title"):
        return None
    return "removed by " + ", ".join(sorted({r.rule_id for r in result.removals if r.pack_id != "layout"}))


def furniture_trials(rules: cleaner.RuleSet, case: dict, page: Article = ENGLISH
                     ) -> Iterator[tuple[str, list[str], str | None]]:
    """A furniture case cleaned at each of PLACES (before and after the article, or between its first two
    paragraphs): (where, its lines, why it is missed or None)."""
    block = case["text"].strip("\n").split("\n")
    for where in PLACES:
        yield where, block, furniture_miss(rules, block, where, page)


def prose_trials(rules: cleaner.RuleSet, case: dict, page: Article = ENGLISH) -> Iterator[tuple[int, str | None]]:
    """A prose case cleaned inside the article, after its first and second paragraph: (at, why it is
    missed or None)."""
    for at in (1, 2):
        yield at, prose_miss(rules, case["text"].strip(), at, page)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rules", action="append", default=[], metavar="PACK", help="a pack added to the defaults")
    parser.add_argument("--cases", type=Path, default=CASES)
    parser.add_argument("--layout", choices=("plain", "markdown", "wrapped"), default="plain")
    parser.add_argument("--places", default="before,after",
                        help="where each furniture block is put: before, after, inside (between the article's "
                             "first two paragraphs), comma-separated")
    parser.add_argument("-v", "--verbose", action="store_true", help="name each miss")
    args = parser.parse_args(argv)
    global LAYOUT, PLACES
    LAYOUT = args.layout
    PLACES = tuple(args.places.split(","))
    if not PLACES or set(PLACES) - {"before", "after", "inside"}:
        parser.error(f"--places: before, after or inside, not {args.places!r}")
    rules = cleaner.load_rules(args.rules, defaults=True)
    cases = tomllib.loads(args.cases.read_text("utf-8"))
    right, total = Counter(), Counter()
    by_case: Counter = Counter()  # (id of a case, its trial's number): 1 when right
    for case in cases.get("furniture", []):
        for n, (where, block, miss) in enumerate(furniture_trials(rules, case, case_article(cases, case))):
            key = f"{case['kind']} furniture"
            total[key] += 1
            right[key] += miss is None
            by_case[id(case), n] = miss is None
            if miss and args.verbose:
                print(f"miss: {key} {where}: {block[0]!r}: {miss}")
    for case in cases.get("prose", []):
        for n, (_, miss) in enumerate(prose_trials(rules, case, case_article(cases, case))):
            key = f"{case['kind']} prose"
            total[key] += 1
            right[key] += miss is None
            by_case[id(case), n] = miss is None
            if miss and args.verbose:
                print(f"miss: {key}: {case['text'][:60]!r}: {miss}")
    for key in sorted(total):
        print(f"{key:22} {right[key]:3} of {total[key]:3} right")
    for lang in sorted(cases.get("articles", {})):  # a multilingual file: each language's share too
        for what in ("furniture", "prose"):
            trials = [(case, n) for case in cases.get(what, []) if case.get("lang") == lang
                      for n in range(len(PLACES) if what == "furniture" else 2)]
            got = sum(by_case[id(case), n] for case, n in trials)
            print(f"{lang} {what:19} {got:3} of {len(trials):3} right")
    furniture = [k for k in total if k.endswith("furniture")]
    prose = [k for k in total if k.endswith("prose")]
    for name, keys in (("furniture caught", furniture), ("prose kept", prose)):
        got, of = sum(right[k] for k in keys), sum(total[k] for k in keys)
        print(f"{name:22} {got:3} of {of:3} ({got / max(1, of):.0%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
