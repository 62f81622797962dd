"""Wider context features of each line, for the line model (`context_features` in its rule file).

The base features (`features.py`) see a line, its two neighbours and one density window. On a whole
rendered page furniture comes in regions (a navigation head, a comment section, a footer), so a line
is better judged by what lies around it at several distances and by what came before it. Each name
a rule file lists adds one value per non-blank line (windows count non-blank lines, the line itself
included; shares are in 0..1):

- `prose_near`, `prose_far`: share of prose lines within ±3 and ±40 lines (`density` is ±15);
- `removed_around`, `removed_wide`: share of lines another rule removed within ±5 and ±15;
- `list_near`, `short_near`: share of list items and of short lines within ±3;
- `furniture_close`: share of lines holding a furniture word within ±2;
- `chars_near`: mean `chars_log` within ±3;
- `prose_above`, `prose_below`: share of the document's prose lines above and below the line;
- `before_prose`, `after_prose`: a non-prose line with no prose line above it (below it);
- `after_removed_<pack>`: a line that pack's rules removed lies above, below the document's first
  kept prose line, the first prose line no rule removed (a comment heading, a footer's copyright
  line: what follows them is seldom the article; a comment count or share bar by the byline, above
  the first paragraph, says nothing of the article under it, and counted, it marked every line of
  it; nor does a menu under a sign-in blurb of the header that a rule removed);
- `before_removed_<pack>`: a line that pack's rules removed lies below, above the last kept prose
  line (the navigation; a footer's menu says nothing of the article above it).

With `landmarks_apart`, a removed line is no landmark when its run of removed lines (any rule's, blank lines
not counted) stands inside the prose: a kept prose line right above it and two right below it (`boxed`). A
share bar or sign-up box between the article's paragraphs says nothing of the rest of the article, and
counted, it marked every line below it (a page that puts furniture between its paragraphs lost their second
half). A comment heading, a footer or a related list has its thread's names and dates, its links or its
headlines on one side; a list of teasers after the article, a headline and a one-sentence blurb each, has
the next teaser's headline under the blurb (with one prose line below asked, such a headline between the
article's last paragraph and its blurb counted as a box, and a news site's page-by-page F1 fell by 0.011).

Pure Python over the document's per-line flags, a few prefix sums: linear in the lines.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from itertools import accumulate, repeat
from operator import gt, mul, sub

from cleaner.rules.windows import window_mean, window_share
from cleaner.search import linefast

# name -> (which per-line series, window radius); series: see `_series`
WINDOWS = {
    "prose_near": ("prose", 3), "prose_far": ("prose", 40), "removed_around": ("removed", 5),
    "removed_wide": ("removed", 15), "list_near": ("list", 3), "short_near": ("short", 3),
    "furniture_close": ("furniture", 2), "chars_near": ("chars", 3),
}
PLACES = ("prose_above", "prose_below", "before_prose", "after_prose")
AFTER, BEFORE = "after_removed_", "before_removed_"


def check_names(names: Sequence[str], packs: Sequence[str]) -> None:
    """Raise ValueError naming any context feature that is not in the catalogue (or names a pack not
    among the model's `packs`)."""
    unknown = []
    for name in names:
        pack = name.removeprefix(AFTER).removeprefix(BEFORE)
        if name in WINDOWS or name in PLACES or (pack != name and pack in packs):
            continue
        unknown.append(name)
    if unknown:
        raise ValueError(f"context_features: unknown feature(s) {sorted(unknown)} (a pack must be among `packs`)")


def plan(names: Sequence[str], packs: Sequence[str], apart: bool = False
         ) -> tuple[tuple[int, int, int], ...] | None:
    """The columns `columns` gives, as the compiled code computes them from the lines' facts and
    removals (`linefast.CONTEXT_CODES`): per name (code, a, b), a window's series and radius, or the
    index in `packs` (the model's) of the pack whose first (after) or last (before) removal it reads
    and 1 when removals inside the prose (`boxed`) do not count; None when a name or series is not one it
    knows."""
    if not linefast.SCORES or (apart and not linefast.LANDMARKS_APART):
        return None  # an older build reads a line index where this gives a pack's, or all landmarks
    codes, kinds = linefast.CONTEXT_CODES, linefast.CONTEXT_SERIES
    out = []
    for name in names:
        pack = name.removeprefix(AFTER).removeprefix(BEFORE)
        if name in WINDOWS:
            kind, radius = WINDOWS[name]
            if kind not in kinds:
                return None
            out.append((codes.index("window"), kinds.index(kind), radius))
        elif name in PLACES and name in codes:
            out.append((codes.index(name), 0, 0))
        elif pack != name and pack in packs:
            out.append((codes.index("after_removed" if name.startswith(AFTER) else "before_removed"),
                        list(packs).index(pack), int(apart)))
        else:
            return None
    return tuple(out)


def _edges(flags: Sequence[bool]) -> tuple[int, int]:
    """The first and last position of a true flag; (n, -1) when there is none."""
    n = len(flags)
    return (flags.index(True), n - 1 - flags[::-1].index(True)) if True in flags else (n, -1)


def _after(owners: Sequence[str | None], pack: str, start: int, landmark: Sequence[bool]) -> list[float]:
    """For each position, 1.0 when a line `pack` removed lies before it, at `start` or later, where
    `landmark` holds."""
    n = len(owners)
    first = next((k for k in range(max(start, 0), n) if owners[k] == pack and landmark[k]), n)
    return [0.0] * min(n, first + 1) + [1.0] * (n - first - 1)


def boxed(prose: Sequence[bool], removed: Sequence[bool]) -> list[bool]:
    """Per line: it was removed, and its run of removed lines has a kept prose line right above it and two
    right below it (the article goes on)."""
    n, out, k = len(removed), [False] * len(removed), 0
    while k < n:
        end = k
        while removed[k] and end + 1 < n and removed[end + 1]:
            end += 1
        # (the run is whole: the line above it and the line below it are kept)
        if removed[k] and k > 0 and end < n - 2 and prose[k - 1] and prose[end + 1] and prose[end + 2] \
                and not removed[end + 2]:
            out[k:end + 1] = [True] * (end + 1 - k)
        k = end + 1
    return out


def columns(names: Sequence[str], series: Callable[[str], Sequence[float]], owners: Sequence[str | None],
            apart: bool = False) -> list[list[float]]:
    """One column (a value per non-blank line) per name: `series(kind)` gives the per-line values of
    `prose`, `removed`, `list`, `short`, `furniture` or `chars`; `owners` the pack that removed each line;
    with `apart`, removals inside the prose (`boxed`) are no landmarks."""
    cols = []
    series = cache(series)  # each kind once per document
    landmarks = any(name.startswith((AFTER, BEFORE)) for name in names)
    prose = series("prose") if landmarks or any(name in PLACES for name in names) else []
    n, total = len(prose), sum(prose)
    first, last = _edges(prose)
    # landmarks count from the first (to the last) prose line no rule removed: a sign-in blurb in
    # the header is prose, and a menu's "Newsletters" link under it marked the whole article
    # (prose > removed: prose, not removed)
    kept_first, kept_last = _edges(list(map(gt, prose, series("removed")))) if landmarks else (n, -1)
    above = list(accumulate(prose, initial=0.0))[:-1]  # prose lines above each line
    scale = 1.0 / total if total else 0.0
    landmark = [not box for box in boxed(prose, series("removed"))] if landmarks and apart else [True] * n
    # (the lists are built with map and repeat, in C: these are a quarter of a document's features)
    for name in names:
        if name in WINDOWS:
            kind, radius = WINDOWS[name]
            # shares of flags (compiled when available); a mean of values
            cols.append(window_mean(series(kind), radius) if kind == "chars" else window_share(series(kind), radius))
        elif name == "prose_above":
            cols.append(list(map(mul, above, repeat(scale))))
        elif name == "prose_below":  # (total - above - itself) * scale
            cols.append(list(map(mul, map(sub, map(sub, repeat(total), above), prose), repeat(scale))))
        elif name == "before_prose":  # no prose line above it, nor itself: the lines before the first prose line
            cols.append([1.0] * first + [0.0] * (n - first))
        elif name == "after_prose":  # the lines after the last prose line
            cols.append([0.0] * (last + 1) + [1.0] * (n - last - 1))
        elif name.startswith(AFTER):  # landmarks below the first kept prose line (none: no such line)
            cols.append(_after(owners, name[len(AFTER):], kept_first + 1, landmark))
        else:  # ... above the last
            cols.append(_after(owners[::-1], name[len(BEFORE):], n - kept_last, landmark[::-1])[::-1])
    return cols
