"""Rule kinds: each finds the line ranges its rule claims in one document, one module per kind.

A kind only *proposes* claims (first and last line index, inclusive); `engine/decide.py` decides
which rule each line is attributed to. Every regex call applies the rule set's timeout
(`Document.search`, or `Document.matching` for many lines at once), so a pathological pattern fails
one document instead of hanging the run.

Adding a kind: a module here with a `Rule` subclass declaring its fields (`option` / `required`),
and one line in `_REGISTERED` below, at its place in the running order. The loader validates rule
files from the declarations; `python -m cleaner.authoring.kinddocs` regenerates the README's table.
"""

from __future__ import annotations

from cleaner.rules.kinds.base import Claim, Document, Field, Rule, declared_fields, option, required
from cleaner.rules.kinds.block import BlockRule
from cleaner.rules.kinds.head import HeadRule
from cleaner.rules.kinds.line import LineRule
from cleaner.rules.kinds.line_classifier import LineClassifierRule
from cleaner.rules.kinds.line_model import LineModelRule
from cleaner.rules.kinds.list_run import ListRunRule
from cleaner.rules.kinds.prose_window import ProseWindowRule, is_sentence_like
from cleaner.rules.kinds.repeat import RepeatRule
from cleaner.rules.kinds.standfirst import StandfirstRule
from cleaner.rules.kinds.tail import TailRule

# The registered kinds, in the order in which they run; a line claimed by an earlier rule keeps that
# attribution. Blocks first (the widest explicit structures), then single lines; list runs and tails
# look at what those removed; repeats last, so a copy already caught by a named rule is credited to
# it. prose_window runs after all of them: it is the structural fallback, looks only at lines no named
# rule has explained, and so never takes credit for a removal a pattern could name. The line model
# comes next: its features include what every other rule removed, and it may veto some of that.
# line_classifier then reads the wordings no pattern foresaw, around the prose all of them left (on a whole
# page the model has taken most of that already, so it reads little there). The
# `body` profile's kinds run last, on the lines all the others kept: standfirst (found by the headline
# before it and the byline after it), then head (the headline and byline left before the first paragraph).
_REGISTERED: tuple[type[Rule], ...] = (
    BlockRule,
    LineRule,
    ListRunRule,
    TailRule,
    RepeatRule,
    ProseWindowRule,
    LineModelRule,
    LineClassifierRule,
    StandfirstRule,
    HeadRule,
)


def register(cls: type[Rule]) -> type[Rule]:
    """Collect the kind's field declarations into `cls.FIELDS` (done once, at import)."""
    cls.FIELDS = declared_fields(cls)
    return cls


KINDS: dict[str, type[Rule]] = {cls.kind: register(cls) for cls in _REGISTERED}
PHASES: tuple[str, ...] = tuple(KINDS)

__all__ = [
    "KINDS", "PHASES", "BlockRule", "Claim", "Document", "Field", "HeadRule", "LineClassifierRule", "LineModelRule",
    "LineRule",
    "ListRunRule",
    "ProseWindowRule", "RepeatRule", "Rule", "StandfirstRule", "TailRule", "is_sentence_like", "option", "required",
]
