"""The line model's second stage: features from the first model's probabilities, and its decisions."""

from __future__ import annotations

import math

import pytest

from cleaner.engine.decide import apply_rules
from cleaner.rules import second_stage

from .test_line_model import NEWS, OTHER, PROSE, model_rules, with_fields


def test_window_features_of_the_first_probabilities():
    p = [0.9, 0.1, 0.2, 0.8, 0.7]
    cols = dict(zip(second_stage.NAMES, second_stage.columns(second_stage.NAMES, p), strict=True))
    assert cols["p"] == p
    assert cols["logit"][0] == pytest.approx(math.log(9)) and cols["logit"][1] == pytest.approx(-math.log(9))
    assert cols["p_mean_1"][0] == pytest.approx(0.5) and cols["p_mean_1"][2] == pytest.approx(1.1 / 3)
    assert cols["p_max_3"][0] == 0.9 and cols["p_min_3"][4] == 0.1
    weights = [[second_stage.DECAY ** abs(k - j) for j in range(5)] for k in range(5)]
    brute = [sum(w * x for w, x in zip(row, p, strict=True)) / sum(row) for row in weights]
    assert cols["p_decay"] == pytest.approx(brute)


def test_the_best_body_region_and_the_distances_to_it():
    p = [0.9, 0.95, 0.2, 0.6, 0.1, 0.1, 0.9, 0.8]  # body log-odds: the region is lines 2..5
    cols = dict(zip(second_stage.NAMES, second_stage.columns(second_stage.NAMES, p), strict=True))
    assert cols["in_region"] == [0.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0]
    assert cols["before_region_log"][:3] == [math.log1p(2), math.log1p(1), 0.0]
    assert cols["after_region_log"][5:] == [0.0, math.log1p(1), math.log1p(2)]
    assert cols["region_edge_log"][2:6] == [0.0, math.log1p(1), math.log1p(1), 0.0]
    assert second_stage.best_region([-1.0, -2.0]) == (-1, -2)  # no body anywhere: no region


def test_the_kept_windows_skip_the_lines_the_rules_removed():
    """`kept_*` are the windows and the region over the lines no rule removed: the block the rules removed
    between two paragraphs does not lift the paragraph after it."""
    p = [0.1, 0.2, 0.99, 0.98, 0.3, 0.9]
    removed = [False, False, True, True, False, False]
    names = (
        "kept_mean_3",
        "kept_decay",
        "kept_in_region",
        "kept_before_region_log",
        "kept_after_region_log",
        "removed",
        "prose",
        "p_mean_3",
    )
    cols = dict(
        zip(names, second_stage.columns(names, p, removed, [True, False, False, False, True, False]), strict=True)
    )
    kept = [0.1, 0.2, 0.3, 0.9]  # lines 0, 1, 4, 5
    assert cols["kept_mean_3"][4] == pytest.approx(sum(kept) / 4)  # the removed lines are not its neighbours
    assert cols["p_mean_3"][4] == pytest.approx(sum(p[1:]) / 5)
    assert cols["kept_mean_3"][2:4] == [0.99, 0.98]  # a removed line: its own probability
    assert cols["kept_in_region"] == [1.0, 1.0, 0.0, 0.0, 1.0, 0.0]  # one region across the removed block
    assert cols["kept_after_region_log"] == [0.0, 0.0, 0.0, 0.0, 0.0, math.log1p(1)]
    assert cols["kept_before_region_log"] == [0.0] * 6
    weights = [[second_stage.DECAY ** abs(k - j) for j in range(4)] for k in range(4)]
    brute = [sum(w * x for w, x in zip(row, kept, strict=True)) / sum(row) for row in weights]
    assert [cols["kept_decay"][k] for k in (0, 1, 4, 5)] == pytest.approx(brute)
    assert cols["removed"] == [0.0, 0.0, 1.0, 1.0, 0.0, 0.0]
    assert cols["prose"] == [1.0, 0.0, 0.0, 0.0, 1.0, 0.0]
    assert second_stage.columns(["removed", "prose"], [0.5, 0.5]) == [[0.0, 0.0], [0.0, 0.0]]  # no flags given


def test_the_flags_reach_the_second_stage_when_cleaning(tmp_path):
    """In a document, the line model gives the second stage each line's `prose` flag: with weights on it
    alone, every line but the prose ones goes, whatever the first model says."""
    rules = model_rules(tmp_path)
    text = f"Home\nNews\n{PROSE}\n{NEWS}\n{OTHER}\nShare\n"
    by_prose = with_fields(rules, second_features=("removed", "prose"), second_weights={"bias": 5.0, "prose": -10.0})
    assert apply_rules(text, by_prose).text == f"{PROSE}\n{NEWS}\n{OTHER}\n"


def test_unknown_second_feature_is_refused():
    with pytest.raises(ValueError, match=r"second_features: unknown feature\(s\) \['p_mean_99'\]"):
        second_stage.check_names(["p", "p_mean_99"])


def test_the_second_stage_decides_from_the_neighbours_probabilities(tmp_path):
    """With `second_weights` the thresholds meet the second stage's probability: here the mean of the
    first model's over the line and its neighbours, so that a short last line after the article's
    prose (the first model's 0.88) stays, and the menu line next to another (0.88 both) goes."""
    rules = model_rules(tmp_path)
    text = f"Home\nNews\n{PROSE}\n{NEWS}\n{OTHER}\nShare\n"
    first_only = apply_rules(text, rules).text
    assert first_only == f"{PROSE}\n{NEWS}\n{OTHER}\n"
    staged = with_fields(rules, second_features=("p", "p_mean_1"), second_weights={"bias": -3.0, "p_mean_1": 6.0})
    outcome = apply_rules(text, staged)
    assert outcome.text == f"{PROSE}\n{NEWS}\n{OTHER}\nShare\n"
    rule = staged.rule("lm-rule")
    reasons = [why for r in outcome.removals if r.rule_id == "lm-rule" for why in r.reasons]
    assert reasons and all(why["model"] == f"{rule.model.id}+{rule.second_model.id}" for why in reasons)
    with pytest.raises(ValueError, match="second_weights need a 'bias'"):
        with_fields(rules, second_features=("p",), second_weights={"p": 1.0})
