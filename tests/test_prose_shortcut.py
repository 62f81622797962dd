"""prose_window skips its scoring pass when the furniture thresholds are out of reach; at the threshold
itself it must still decide as the full pass does."""

from __future__ import annotations

import pytest

import cleaner

from .test_kinds_quality import FOOTER, MENU, NAV_RULE, PROSE, lines, make_rules


@pytest.mark.parametrize("extra", ["", NAV_RULE])  # furniture: menu-like lines, or lines another rule removed
def test_a_page_exactly_at_min_outside_lines_is_cut(tmp_path, extra):
    text = lines(MENU, PROSE, FOOTER)  # 12 furniture lines outside the run
    rules = make_rules(tmp_path, extra, head_lines=0, tail_lines=0, min_outside_lines=12, min_menu_before=6)
    assert cleaner.clean(text, rules=rules).text == lines(PROSE)


def test_a_page_exactly_at_min_outside_share_is_cut(tmp_path):
    text = lines(MENU, PROSE, FOOTER)  # 12 of 16 non-blank lines
    rules = make_rules(tmp_path, head_lines=0, tail_lines=0, min_outside_share=0.75)
    assert cleaner.clean(text, rules=rules).text == lines(PROSE)
    rules = make_rules(tmp_path, head_lines=0, tail_lines=0, min_outside_share=0.76)
    assert cleaner.clean(text, rules=rules).text == text
