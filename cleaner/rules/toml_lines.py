"""Where a rule is declared in its TOML file, for error messages (tomllib keeps no positions)."""

from __future__ import annotations

import regex

_HEADER = regex.compile(r"\s*\[\[rules\]\]")
_ID_LINE = regex.compile(r"""\s*id\s*=\s*(["'])(.*?)\1""")


class Locator:
    """Finds the line on which a rule is declared, for error messages (tomllib keeps no positions).

    One pass over the file records each `[[rules]]` header and the first `id = "..."` line after it,
    so locating every rule of a large pack costs one scan, not one per rule."""

    def __init__(self, raw: str) -> None:
        self.headers: list[int] = []  # line number of the n-th [[rules]] header
        self._id_lines: dict[int, tuple[str, int]] = {}  # rule n -> (its id as written, line number)
        self._first_id_line: dict[str, int] = {}  # any `id = "X"` line, first occurrence
        for number, text in enumerate(raw.splitlines(), 1):
            if _HEADER.match(text):
                self.headers.append(number)
                continue
            found = _ID_LINE.match(text)
            if found:
                self._first_id_line.setdefault(found[2], number)
                if self.headers and len(self.headers) - 1 not in self._id_lines:
                    self._id_lines[len(self.headers) - 1] = (found[2], number)

    def rule_header(self, n: int) -> int | None:
        return self.headers[n] if n < len(self.headers) else None

    def rule_id(self, n: int, rule_id: str) -> int | None:
        """The line of rule n's `id = ...` (its header, or any line declaring that id, failing that)."""
        written = self._id_lines.get(n)
        if written is not None and written[0] == rule_id:
            return written[1]
        return self._first_id_line.get(rule_id, self.rule_header(n))
