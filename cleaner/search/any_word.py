"""Whether a text holds any of a set of literal words, answered fast (a speed-up: never a different answer)."""

from __future__ import annotations

import re

import ahocorasick

AUTOMATON_CHARS = 1 << 16  # the automaton copies what it scans at four bytes a character


class AnyWord:
    """`found_in(text)`: whether any of `words` (non-empty) occurs in `text`, as the `re` alternation of
    the escaped words says (`pattern`, linear time: no timeout needed). An Aho-Corasick automaton gives
    the same answer about four times faster (1.5 us against 5.7 us on a line: a quarter of the line
    model's facts of a line), for texts up to AUTOMATON_CHARS; longer ones are left to the pattern."""

    def __init__(self, words: list[str]) -> None:
        self.pattern = re.compile("|".join(map(re.escape, words)))
        self._automaton = ahocorasick.Automaton()
        for word in words:
            self._automaton.add_word(word, word)
        self._automaton.make_automaton()

    def found_in(self, text: str) -> bool:
        if len(text) <= AUTOMATON_CHARS:
            return next(self._automaton.iter(text), None) is not None
        return self.pattern.search(text) is not None
