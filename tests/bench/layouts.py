"""Quality on the dev pages laid out as users' scrapers lay them out, not as the dev set does.

    python tests/bench/layouts.py                      # all layouts (~2 min the first time, then ~1 min)
    python tests/bench/layouts.py --layouts wrapped-full,markdown-page --cache /tmp/layouts

The dev set gives each page as whole-page text a block a line (`full.txt`) and as trafilatura's plain
text (`recall.txt`). Users bring other layouts; this builds four from the same pages and cleans them
with the shipped rules:

- `markdown-page`: the whole page as Markdown (markdownify over the HTML without its scripts, styles
  and head), as crawlers that return Markdown give it: links, headings, emphasis, tables;
- `markdown-extract`: trafilatura's Markdown output with links (favor_recall, no comments);
- `wrapped-full`, `wrapped-recall`: `full.txt` and `recall.txt` hard-wrapped at 78 columns (textwrap),
  as a terminal browser's dump or an e-mail gives text.

Per layout: shingle P/R/F1 of no cleaning and of the cleaner, and WCXB's snippet check, next to the
same pages' own layout. Link targets (`](url)`) are left out of the scoring on both sides: the gold has
none, and a cleaner that keeps a link line keeps its words, not its address. The shipped line model was
trained on all 781 pages' own layouts, so every figure here is in-sample for it: read the gap between
a layout and the pages' own layout, not the level. `markdownify` is needed for `markdown-page`
(`pip install markdownify`); without it that layout is skipped.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import textwrap
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from devset import Page, load_pages
from evaluate import aggregate, score_page, snippet_found

import cleaner

LAYOUTS = {"markdown-page": "full.txt", "markdown-extract": "recall.txt", "wrapped-full": "full.txt",
           "wrapped-recall": "recall.txt"}  # each layout, and the dev input with the same content
_LINK_TARGET = re.compile(r"\]\((?:[^()\s]|\([^()\s]*\))*(?:[ \t]+\"[^\"\n]*\")?\)")
WRAP = 78
CACHE = "/tmp/cleaner-layouts"


def wrapped(text: str, width: int = WRAP) -> str:
    """`text` with every line longer than `width` wrapped (a list item's continuation indented)."""
    out = []
    for line in text.split("\n"):
        if len(line) <= width:
            out.append(line)
            continue
        indent = " " * (len(line) - len(line.lstrip()))
        more = indent + ("  " if line.lstrip()[:1] in "•-*" else "")
        out.extend(textwrap.wrap(line, width, initial_indent=indent, subsequent_indent=more,
                                 break_long_words=False, break_on_hyphens=False) or [line])
    return "\n".join(out)


def markdown_page(html: str) -> str:
    import lxml.html
    from markdownify import markdownify

    tree = lxml.html.fromstring(html)
    for element in tree.xpath("//script|//style|//noscript|//template|//svg|//head|//iframe"):
        element.drop_tree()
    text = markdownify(lxml.html.tostring(tree, encoding="unicode"), strip=["img"], heading_style="ATX")
    return re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", text).strip() + "\n"


def markdown_extract(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html, favor_recall=True, include_comments=False, output_format="markdown",
                               include_links=True) or ""


def build(job: tuple[str, Page, Path]) -> str:
    """One page in one layout, cached in `cache`."""
    layout, page, cache = job
    path = cache / f"{page.id}.{layout}.txt"
    if path.exists():
        return path.read_text("utf-8")
    if layout.startswith("wrapped"):
        text = wrapped(page.text(LAYOUTS[layout]))
    else:
        html = page.path("html").read_text("utf-8", errors="replace")
        text = markdown_page(html) if layout == "markdown-page" else markdown_extract(html)
    path.write_text(text, "utf-8")
    return text


def score(pages: list[Page], texts: list[str], rules: cleaner.RuleSet) -> tuple[str, str]:
    """Table rows for no cleaning and the cleaner on `texts` (one per page)."""
    rows = []
    for method in ("no cleaning", "cleaner"):
        scores, left, kept = [], [0, 0], [0, 0]
        for page, text in zip(pages, texts, strict=True):
            output = text if method == "no cleaning" else cleaner.clean(text, rules=rules, url=page.url).text
            seen, shown = _LINK_TARGET.sub("]", text), _LINK_TARGET.sub("]", output)
            scores.append(score_page(shown, page.gold_shingles))
            for snippets, tally in ((page.meta.get("without", []), left), (page.meta.get("with", []), kept)):
                for snippet in snippets:
                    if snippet_found(snippet, seen):
                        tally[0] += 1
                        tally[1] += snippet_found(snippet, shown)
        s = aggregate(scores)
        rows.append(f"{method} | {s.precision:.4f} | {s.recall:.4f} | **{s.f1:.4f}** | "
                    f"{left[1] / max(1, left[0]):.3f} ({left[1]} of {left[0]}) | {kept[1] / max(1, kept[0]):.3f}")
    return rows[0], rows[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layouts", default=",".join(LAYOUTS), help="comma-separated, of: " + ", ".join(LAYOUTS))
    parser.add_argument("--cache", type=Path, default=Path(os.environ.get("CLEANER_LAYOUT_CACHE", CACHE)))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    pages, rules, shown = load_pages(), cleaner.load_rules(), set()
    print("| layout | method | P | R | F1 | `without` left | `with` kept |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for layout in args.layouts.split(","):
        if layout == "markdown-page" and not _has("markdownify"):
            print(f"| {layout} | skipped: pip install markdownify | | | | | |")
            continue
        with ProcessPoolExecutor(args.jobs) as pool:
            texts = list(pool.map(build, [(layout, p, args.cache) for p in pages], chunksize=8))
        own = LAYOUTS[layout]
        if own not in shown:  # the pages in their own layout, once
            shown.add(own)
            for row in score(pages, [p.text(own) for p in pages], rules):
                print(f"| {own} (own layout) | {row} |", flush=True)
        for row in score(pages, texts, rules):
            print(f"| {layout} | {row} |", flush=True)
    return 0


def _has(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


if __name__ == "__main__":
    sys.exit(main())
