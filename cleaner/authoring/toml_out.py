"""Write a rule pack back as TOML (the trainer rewrites the line model's weights in its rule file).

Handles what packs hold: strings, numbers, booleans, lists of those, and tables. A rule's tables
(`weights`, `examples`) become `[rules.NAME]` sections after its scalar fields.
"""

from __future__ import annotations

import json
import math
from typing import Any


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"cannot write {value} in TOML")
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    if isinstance(value, list | tuple):
        items = [_value(v) for v in value]
        one_line = "[" + ", ".join(items) + "]"
        if len(one_line) <= 100:
            return one_line
        rows, row = [], ""
        for item in items:  # several short items a line, long ones (examples) alone
            if row and len(row) + len(item) + 2 > 100:
                rows.append(row)
                row = ""
            row += ("" if not row else " ") + item + ","
        return "[\n" + "".join(f"  {r}\n" for r in [*rows, row] if r) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} in TOML")


def _key(key: str) -> str:
    # (a character beyond the BMP as itself: JSON's escape of it is a surrogate pair, which TOML refuses)
    if key.replace("_", "").replace("-", "").isalnum() and key.isascii():
        return key
    return json.dumps(key, ensure_ascii=False)


def _table(data: dict, header: str | None) -> list[str]:
    out = [header] if header else []
    scalars = {k: v for k, v in data.items() if not isinstance(v, dict)}
    tables = {k: v for k, v in data.items() if isinstance(v, dict)}
    out += [f"{_key(k)} = {_value(v)}" for k, v in scalars.items()]
    for name, table in tables.items():
        out += ["", f"[{header.strip('[]') + '.' if header else ''}{_key(name)}]"]
        out += [f"{_key(k)} = {_value(v)}" for k, v in table.items()]
    return out


def dump_pack(data: dict, comment: str = "") -> str:
    """TOML text of a pack given as the dict `tomllib` reads (`rules` a list of tables)."""
    lines = [f"# {line}" if line else "#" for line in comment.splitlines()]
    top = {k: v for k, v in data.items() if k != "rules"}
    lines += _table(top, None)
    for rule in data.get("rules", []):
        lines += ["", *_table(rule, "[[rules]]")]
    return "\n".join(lines) + "\n"
