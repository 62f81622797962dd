"""The `line_model` kind: a logistic model over cheap features of each line decides with the rules.

It runs after every other kind, so it sees what they removed (`removed_<pack>` features). Per
document it computes each non-blank line's probability of being furniture (`rules/features.py`,
`rules/linear.py`) and then:

- removes a line no rule removed when the probability reaches `threshold` on a whole page, or
  `extract_threshold` on an extract (where the prototype showed every loose threshold loses more
  body than furniture). Which of the two a document is (its regime): with `page_weights`, a logistic
  classifier over the document's shape (`features.PAGE_FEATURES`) says so at probability
  `page_above` or more, trained on whole-page text against extractor output; without them, a document is a page
  when its short non-prose lines make up at least `page_short_share` of its lines, the rules
  removed at least `page_removed_share`, and its first prose line comes after at least
  `page_lead_lines` lines. With both, and `extract_below` above 0, the boundary decides, except
  for the documents the classifier is surest are extracts (probability of a page below
  `extract_below`): the rules' own removals count toward the boundary, so a few right hits on an
  extract (a run of "Read More" buttons) made it a page, and the model cut its body;
- on an extract, and on a document too short for the rest (`min_lines`), removes the lines beside a
  removal by a rule of `edge_categories` that lie outside the best body region (see the shields below)
  and score `edge_threshold` or more, and their like beyond them (`edge_rows`): a block of furniture,
  one of whose lines a rule knew. The prototype's loose thresholds lost body on extracts because they
  acted anywhere; next to a sign-up, appeal, share, job, related or advertising hit and outside the
  article's body they take the rest of its block;
- releases a line a rule removed when the probability is below `veto_below` (`extract_veto_below` on an
  extract), the rule's pack is one of `packs` (those it was trained alongside: never a user's own pack),
  the rule is in `veto_rules` (empty: any) and not in `never_vetoed`: the model as a check on pattern hits; a
  line of a box standing apart (`veto_spares_blocks`, `line_decisions.veto_spares_box`) is never given back,
  since the model, trained on pages whose furniture stands outside the article, reads one inside as the prose
  around it;
- on an extract, releases every line a rule of `extract_release_rules` removed (of `packs`): the
  rules the trainer found to remove more body than furniture from extractor output. With
  `extract_below`, only on the documents the classifier is surest are extracts (probability of a
  page below it), whatever the boundary says: the boundary takes some whole pages for extracts
  (released menus there cost more than they gain), and some extracts for pages.

A document whose site's pack says its documents are whole pages (a pack's `whole_pages`, which
`cleaner mine` sets from the site's own pages) is a page, whatever the classifier says.

With `second_weights`, the probability the thresholds and vetoes meet is a second stage's: a logistic
model over the first model's probabilities of the line and its neighbours and over the document's
best body region by them (`second_features`, `cleaner/rules/second_stage.py`): furniture comes in
regions, and a line the first model doubts is judged by the lines around it.

Shields keep the article's own lines from the model's removals: a prose line inside the main run
of prose goes only from `run_prose_threshold`, and a line no rule removed inside the best body region
of such lines (the stretch with the most body log-odds by the first model, a removed block inside the
article skipped) only from `region_threshold`, if its share of stop words reaches `region_min_stop_share`
(a table layout's menu rows fall inside the region and read as no sentence). A third keeps the
article's headline, which the seed guide keeps and which reads as no sentence either: the line
`headline.find` picks by place and shape goes only from `headline_threshold`, and the lead paragraph right
under the document's opening headline (`headline.lead`) only from `lead_threshold`; a fourth the author's bio
line the guide keeps too, which stands where furniture stands (after the article): a sentence opening
with a name the byline gave (`author_bio.find`) goes only from `bio_threshold`. With `never_empty` the
model removes nothing from a document it would otherwise leave without a line.

Thresholds above 1 never act. Every removal carries a reason in the provenance record: the model id
(the rule id and a hash of its weights), the probability, and the features that pushed it most. The
feature parameters and the weights are data in the rule file, written by `tests/bench/train_line_model.py`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from cleaner.rules import second_stage
from cleaner.rules.features import PAGE_FEATURES, FeatureSpec
from cleaner.rules.kinds.base import Claim, Document, Rule, option
from cleaner.rules.kinds.line_decisions import NEVER, LineDecisions
from cleaner.rules.line_scores import scores as features_scores
from cleaner.rules.linear import LinearModel
from cleaner.rules.select import CATEGORIES


@dataclass(frozen=True, kw_only=True)
class LineModelRule(LineDecisions, Rule):
    """Removes (and vetoes removals of) lines by a logistic model's probability that they are furniture."""

    kind = "line_model"
    REMOVES = ("each line a logistic model over line and context features scores as furniture "
               "(`threshold`), and gives back lines `veto_rules` removed that it scores as body (`veto_below`)")
    weights: dict = option(dict, (("bias", 0.0),), "the model: `bias` and a weight per feature name "
                           "(written by the trainer)")
    input: str = option(str, "text", "which inputs it acts on: `text` (no page hints) or `html` (with them)",
                        choices=("text", "html"))
    threshold: float = option(float, NEVER, "remove a kept line scoring at least this, on a whole page")
    extract_threshold: float = option(float, NEVER, "... on an extract")
    edge_threshold: float = option(float, NEVER, "on an extract, and on a document shorter than `min_lines`: "
                                   "remove a kept line outside the best body region and the main run of prose "
                                   "scoring at least this, when it joins a line a rule of `edge_categories` "
                                   "removed (next to it, or through other such lines; blank lines between do not "
                                   "part them), in a document with a main run of prose")
    edge_categories: tuple[str, ...] = option(list, (), "the categories of the rules whose removals `edge_threshold` "
                                              "extends (empty: any rule's)")
    run_prose_threshold: float = option(float, 0.0, "a prose line inside the main run of prose (the article's "
                                        "own paragraphs) is removed only from this score, if above the threshold")
    region_threshold: float = option(float, 0.0, "a line no rule removed inside the best body region of such "
                                     "lines (by the first model's probabilities, `kept_in_region`) is removed "
                                     "only from this score, if above the threshold (0: no such shield)")
    region_min_stop_share: float = option(float, 0.0, "... when its share of stop words is at least this (a "
                                          "menu row of a table layout, inside the region, is not shielded)")
    headline_threshold: float = option(float, 0.0, "the article's headline (`cleaner/rules/headline.py`: the "
                                       "nearest line above the main run of prose shaped as a headline, whose words "
                                       "are the article's) is removed only from this score, if above the threshold "
                                       "(0: no such shield)")
    lead_threshold: float = option(float, 0.0, "the article's lead (`headline.lead`: the prose line right under "
                                   "the document's opening headline, every line above that removed) is removed "
                                   "only from this score, if above the threshold (0: no such shield)")
    bio_threshold: float = option(float, 0.0, "the author's bio line (`cleaner/rules/author_bio.py`: a sentence "
                                  "opening with the name a byline gave, \"Jane Doe is a reporter ...\") is removed "
                                  "only from this score, if above the threshold (0: no such shield)")
    never_empty: bool = option(bool, False, "remove nothing itself from a document that its removals would leave "
                               "without a line (a page it doubts line by line, such as a table layout, still has "
                               "its body)")
    veto_below: float = option(float, 0.0, "give back a line a `veto_rules` rule removed scoring below this, "
                               "on a whole page")
    extract_veto_below: float = option(float, 0.0, "... on an extract")
    veto_rules: tuple[str, ...] = option(list, (), "ids of the rules it may overrule (empty: any rule of `packs`)")
    # A comment thread goes by its heading and its posts' signs; its first post, after the article, reads as body.
    never_vetoed: tuple[str, ...] = option(list, (), "ids of the rules whose removals it never gives back by "
                                           "`veto_below` (their evidence is a block's, not a line's)")
    veto_spares_blocks: int = option(int, 0, "never give back by `veto_below` a line of a block (the lines between "
                                     "two blank lines) of 2 to this many lines standing as a box: its first line "
                                     "and at least half of them removed by rules of `edge_categories`, the rest no "
                                     "sentences (`line_decisions.veto_spares_box`; 0: no such exemption)")
    extract_release_rules: tuple[str, ...] = option(list, (), "ids of the rules (of `packs`) whose removals it "
                                                    "gives back on an extract (written by the trainer)")
    page_weights: dict = option(dict, (), "the regime classifier: `bias` and a weight per document feature "
                                "(`features.PAGE_FEATURES`); a document is a whole page when it scores "
                                "`page_above` or more. Empty: the `page_*` boundary decides (written by the trainer)")
    page_above: float = option(float, 0.5, "the regime classifier's probability from which a document is a whole "
                               "page (written by the trainer: judging an extract a page costs more than the reverse)")
    extract_below: float = option(float, 0.0, "with `page_weights`: the `page_*` boundary decides the regime, "
                                  "except that a document the classifier scores below this (surely an extract) "
                                  "is an extract, and only such documents get `extract_release_rules` given "
                                  "back. 0: the classifier alone decides, from `page_above`")
    page_short_share: float = option(float, 0.3, "a whole page: short non-prose lines are this share of its lines")
    page_removed_share: float = option(float, 0.0, "... and the rules removed this share of them (its "
                                       "recognised furniture)")
    page_lead_lines: int = option(int, 0, "... and at least this many lines come before its first prose line "
                                  "(its navigation)")
    min_lines: int = option(int, 10, "the fewest non-blank lines a document needs for the model to act "
                            "(a short note shows no page around it), but for `edge_threshold`")
    top_features: int = option(int, 3, "how many contributing features a removal's reason names")
    stop_words: tuple[str, ...] = option(list, (), "words counted by `stop_share`")
    furniture_words: tuple[str, ...] = option(list, (), "lower-case words and phrases counted by "
                                              "`furniture_word` and `furniture_near`")
    packs: tuple[str, ...] = option(list, (), "pack ids whose removals are features (`removed_<pack>`)")
    neighbour_features: tuple[str, ...] = option(list, (), "line features the previous and next line "
                                                 "contribute (`prev_<name>`, `next_<name>`)")
    hint_features: tuple[str, ...] = option(list, (), "what the page says about a line (HTML input)")
    context_features: tuple[str, ...] = option(list, (), "wider context features: windows at several "
                                               "distances, prose above and below, packs' removals above "
                                               "or below (`cleaner/rules/context_features.py`)")
    landmarks_apart: bool = option(bool, False, "a pack's removed line is no `after_removed_<pack>` "
                                   "(`before_removed_<pack>`) landmark when its run of removed lines stands "
                                   "inside the prose, a kept prose line above it and two below: a box between "
                                   "the article's paragraphs marks nothing (`context_features.boxed`)")
    derived_features: tuple[str, ...] = option(list, (), "hinges and products of the features above: "
                                               "`NAME>KNOT`, `NAME<KNOT`, `A*B` (`cleaner/rules/derived.py`)")
    lexical_features: tuple[str, ...] = option(list, (), "learned lexical features of the line: its terms' "
                                               "weights in `lexicon` (`cleaner/rules/lexicon.py`)")
    lexicon: dict = option(dict, (), "the lexical features' table: a weight (log-odds of furniture) per term, a "
                           "lower-case token, `a b` bigram or `^a b` line head (written by the trainer)")
    second_features: tuple[str, ...] = option(list, (), "the second stage's features: the first model's "
                                              "probabilities around the line and its best body region "
                                              "(`cleaner/rules/second_stage.py`)")
    second_weights: dict = option(dict, (), "the second stage: `bias` and a weight per `second_features` name; "
                                  "its probability, not the first model's, meets the thresholds. Empty: no "
                                  "second stage (written by the trainer)")
    prose_min_words: int = option(int, 8, "a prose line has at least this many words ...", minimum=1)
    prose_min_chars: int = option(int, 60, "... and characters, and ends in sentence punctuation")
    short_chars: int = option(int, 40, "a short line has fewer characters")
    density_window: int = option(int, 15, "prose density is counted within this many lines each side")
    furniture_window: int = option(int, 5, "furniture words are counted within this many lines each side")

    def __post_init__(self) -> None:
        # A dict is not hashable, and rules are (the engine groups removals by rule): keep sorted pairs.
        for name in ("weights", "page_weights", "second_weights", "lexicon"):
            object.__setattr__(self, name, tuple(sorted(dict(getattr(self, name)).items())))
            if not all(isinstance(v, int | float) and not isinstance(v, bool) for _, v in getattr(self, name)):
                raise ValueError(f"{name} must be numbers")
        if "bias" not in dict(self.weights):
            raise ValueError("weights need a 'bias'")
        unknown = sorted(set(dict(self.page_weights)) - {"bias", *PAGE_FEATURES})
        if unknown:
            raise ValueError(f"page_weights: unknown document feature(s) {unknown}")
        second_stage.check_names(self.second_features)
        unknown = sorted(set(self.edge_categories) - set(CATEGORIES))
        if unknown:
            raise ValueError(f"edge_categories: unknown categor{'y' if len(unknown) == 1 else 'ies'} {unknown}")
        if self.second_weights and "bias" not in dict(self.second_weights):
            raise ValueError("second_weights need a 'bias'")
        self.model, self.second_model  # noqa: B018 - build them now, so a bad feature name fails when the file loads

    @cached_property
    def spec(self) -> FeatureSpec:
        return FeatureSpec(
            stop_words=frozenset(self.stop_words), furniture_words=tuple(w.lower() for w in self.furniture_words),
            packs=self.packs, neighbour_features=self.neighbour_features, hint_features=self.hint_features,
            context_features=self.context_features, landmarks_apart=self.landmarks_apart,
            derived_features=self.derived_features,
            lexical_features=self.lexical_features, lexicon=self.lexicon,
            prose_min_words=self.prose_min_words, prose_min_chars=self.prose_min_chars,
            short_chars=self.short_chars, density_window=self.density_window,
            furniture_window=self.furniture_window)

    @cached_property
    def model(self) -> LinearModel:
        weights = dict(self.weights)
        bias = weights.pop("bias")
        return LinearModel.from_mapping(self.spec.names, bias, weights, prefix=self.id)

    @cached_property
    def second_model(self) -> LinearModel | None:
        if not self.second_weights:
            return None
        weights = dict(self.second_weights)
        bias = weights.pop("bias")
        return LinearModel.from_mapping(self.second_features, bias, weights, prefix=f"{self.id}.second")

    def line_probabilities(self, first: Sequence[float], removed: Sequence[bool] | None = None,
                           prose: Sequence[bool] | None = None) -> Sequence[float]:
        """Each line's probability of furniture, the one the thresholds meet: the first model's
        (`first`), or with `second_weights` the second stage's over them (the trainer's; `find` has
        `features.scores` compute them)."""
        second = self.second_model
        if second is None:
            return first
        return second_stage.probabilities(second.bias, second.weights, second.names, first,
                                          removed=removed, prose=prose)

    def find(self, doc: Document) -> Iterator[Claim]:
        if (self.input == "html") != (doc.hints is not None):
            return  # a model trained on page hints needs them; one trained without them ignores them
        claimed = doc.claimed
        short = len(doc.keys) - doc.keys.count("") < self.min_lines  # the non-blank lines
        if short and (self.edge_threshold > 1 or not any(map(self.edge_seed, claimed))):
            return  # no edge rows to look for: scoring a short note costs, and most have no furniture hit
        removed_by = [rule.pack_id if rule is not None else None for rule in claimed]
        scores = features_scores(doc.texts, removed_by, self.spec, self.model, self.second_model, doc.hints,
                                 stripped=doc.keys)
        features = scores.features
        if short:  # only the lines beside a rule's removal: a short note shows no page to judge a regime by
            removed, given_back = self.edge_rows(doc, scores, []), []
        else:
            removed, given_back = self.decide(doc, scores)
        doc.released.extend(features.lines[k] for k in given_back)
        # (each claim is of its own line, read above before any claim: claiming after the loop is the same)
        explained = scores.explain(removed, self.top_features)
        for k, parts in zip(removed, explained, strict=True):
            i = features.lines[k]
            doc.reasons[i] = self.reason(scores.probabilities[k], parts)
            yield (i, i)

    def reason(self, p: float, parts: Sequence[tuple[str, float]]) -> dict:
        """The provenance record of removing a row at probability `p`: the model id (with the second
        stage's, if any) and the first model's features that pushed the line most (`parts`: the row's
        `model.explain(row, top_features)`)."""
        ids = self.model.id if self.second_model is None else f"{self.model.id}+{self.second_model.id}"
        return {"model": ids, "p": round(p, 3), "features": [list(f) for f in parts]}

    def depends_on_packs(self) -> tuple[str, ...]:
        return self.packs  # what they removed decides the regime and is among its features
