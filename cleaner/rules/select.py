"""Choosing which rules run: categories, profiles, and `select` / `ignore` as ruff has them.

Every rule has a category (its own `category`, else its pack's, else "other"); the loader refuses a
category not in CATEGORIES. A name in `select` or `ignore` is a rule id, a pack id, a category or
"ALL"; an unknown name is an error. For each rule the most specific name that names it decides
(rule id > pack id > category > ALL); where `select` and `ignore` name it equally specifically,
`ignore` wins. Selections come in layers (the configuration, then the command line): a layer with a
`select` decides afresh, a layer with only `ignore` switches more rules off.

A profile says what the clean body is for. `article` (the default) keeps the headline, standfirst
and byline, as the seed guide says; `body` also removes them and the dateline, as extraction
benchmarks' gold bodies do. A pack declaring `profiles = ["body"]` loads only under those profiles.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cleaner.errors import CleanerError

CATEGORIES: dict[str, str] = {
    "newsletter": "newsletter sign-up forms and prompts",
    "jobs": "job listings and job-category lists",
    "share": "share and follow buttons and prompts",
    "related": "related, recommended and partner article lists",
    "cookie": "cookie and consent notices",
    "comments": "comment sections",
    "ads": "ad labels, affiliate disclosures, promotions",
    "navigation": "menus, breadcrumbs, pagers, header controls",
    "legal": "copyright, rights notices, policy links",
    "chrome": "reading time, stamps, labels, tags around the article",
    "captions": "image credits and caption labels",
    "appeal": "calls to support, donate, subscribe or get in touch",
    "footer": "site footer items and separators",
    "markup": "unrendered markup and shortcodes",
    "repeat": "blocks a page shows twice",
    "structure": "lines outside the main run of prose on a whole page",
    "headline": "the article's headline",
    "standfirst": "the standfirst (summary under the headline)",
    "byline": "the byline",
    "dateline": "the publication date line",
    "other": "anything else (a pack that names no category)",
}
DEFAULT_CATEGORY = "other"
PROFILES: dict[str, str] = {
    "article": "keep the headline, standfirst and byline (the seed guide's clean body)",
    "body": "also remove the headline, standfirst, byline and dateline (extraction benchmarks' gold)",
}
DEFAULT_PROFILE = "article"
ALL = "ALL"


class SelectionError(CleanerError):
    """A select/ignore name or a profile that names nothing; a usage error."""


@dataclass(frozen=True)
class Layer:
    """One source of select/ignore names (the configuration, or the command line)."""

    select: tuple[str, ...] | None = None  # None: this layer does not select afresh
    ignore: tuple[str, ...] = ()
    origin: str = ""


@dataclass(frozen=True)
class Selection:
    """Which rules run: a profile and layers of select/ignore names, applied in order."""

    layers: tuple[Layer, ...] = ()
    profile: str = DEFAULT_PROFILE

    @classmethod
    def of(cls, select: Iterable[str] | None = None, ignore: Iterable[str] = (),
           profile: str = DEFAULT_PROFILE) -> Selection:
        """One layer, as the library's `load_rules(select=..., ignore=...)` takes it."""
        chosen = None if select is None else tuple(select)
        layer = Layer(chosen, tuple(ignore))
        return cls((layer,) if chosen is not None or layer.ignore else (), profile)

    @property
    def is_default(self) -> bool:
        return not self.layers and self.profile == DEFAULT_PROFILE

    def describe(self) -> dict:
        return {"profile": self.profile,
                "layers": [{"select": list(x.select) if x.select is not None else None,
                            "ignore": list(x.ignore), "origin": x.origin} for x in self.layers]}


def check_profile(profile: str) -> None:
    if profile not in PROFILES:
        raise SelectionError(f"unknown profile {profile!r}; known: {', '.join(PROFILES)}")


class Selector:
    """Decides, rule by rule, whether a selection keeps it; built from the names of every loaded rule."""

    def __init__(self, selection: Selection, rule_ids: Iterable[str], pack_ids: Iterable[str]) -> None:
        check_profile(selection.profile)
        self._rules, self._packs = set(rule_ids), set(pack_ids)
        self.selection = selection
        for layer in selection.layers:
            for name in (layer.select or ()) + layer.ignore:
                self._specificity(name)  # raises for an unknown name

    def _specificity(self, name: str) -> int:
        if name in self._rules:
            return 3
        if name in self._packs:
            return 2
        if name in CATEGORIES:
            return 1
        if name == ALL:
            return 0
        raise SelectionError(
            f"unknown rule, pack or category {name!r} in select/ignore; categories: {', '.join(CATEGORIES)} "
            f"(`cleaner rules list` shows rule and pack ids)")

    def _best(self, names: Sequence[str], rule_id: str, pack_id: str, category: str) -> int:
        """The specificity of the most specific of `names` naming the rule (-1: none does)."""
        best = -1
        for name in names:
            if name in (rule_id, pack_id, category, ALL):
                best = max(best, self._specificity(name))
        return best

    def keeps(self, rule_id: str, pack_id: str, category: str) -> bool:
        enabled = True
        for layer in self.selection.layers:
            ignored = self._best(layer.ignore, rule_id, pack_id, category)
            if layer.select is not None:
                selected = self._best(layer.select, rule_id, pack_id, category)
                enabled = selected > ignored  # ignore wins a tie; nothing selecting it: off
            elif ignored >= 0:
                enabled = False
        return enabled
