"""Rule loading: how long `cleaner.load_rules` takes on a generated pack of 1,000 to 5,000 rules.

    python tests/bench/rule_loading.py            # --rules 5000 --runs 3

The pack repeats the bundled rules (every kind, their real patterns, keywords and examples) under
new ids, each pattern made distinct by a trailing regex comment. Each size is loaded first with an
empty cache folder (`CLEANER_CACHE_DIR`): the first load of a new pack, which parses the TOML and
validates every pattern (a syntax check for plain patterns, a compile for the others); then `--runs`
times more, as every later run loads it, its parse and its patterns' validation found in the cache
(`cleaner/rules/pack_cache.py`, `cleaner/rules/lazy_patterns.py`); patterns compile on first use. It
prints both, the seconds per 1,000 rules (flat when loading is linear), and the target for each: a
5,000-rule pack under 2 s. `tomllib` parsing the same file is shown for reference.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import report  # noqa: E402

import cleaner  # noqa: E402
from cleaner.rules.kinds import KINDS  # noqa: E402
from cleaner.rules.loader import default_rules_dir  # noqa: E402

TARGET_SECONDS = 2.0


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def write_pack(path: Path, n_rules: int) -> None:
    """A pack of `n_rules` rules cycling through the bundled ones, each with a distinct id and pattern."""
    files = sorted(default_rules_dir().glob("*.toml"))
    bundled = [r for f in files for r in tomllib.loads(f.read_text("utf-8"))["rules"]]
    lines = ['id = "generated"', 'version = "1"', ""]
    for i in range(n_rules):
        rule = dict(bundled[i % len(bundled)])
        rule["id"] = f"{rule['id']}-{i}"
        rule.pop("after_rules", None)  # the rules it names keep their original ids
        for name, spec in KINDS[rule["kind"]].FIELDS.items():
            if spec.pattern and name in rule:
                rule[name] = f"{rule[name]}(?#{i})"
        lines.append("[[rules]]")
        lines += [f"{key} = {_toml_value(value)}" for key, value in rule.items()]
        lines.append("")
    path.write_text("\n".join(lines), "utf-8")


def _median(fn, runs: int) -> tuple[float, float]:
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rows, largest, first_largest = [], None, None
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CLEANER_CACHE_DIR"] = str(Path(tmp) / "cache")
        for n in sorted({max(1, args.rules // 5), args.rules}):
            path = Path(tmp) / f"pack{n}.toml"
            write_pack(path, n)
            first, first_cpu = _median(lambda p=path: cleaner.load_rules([p], defaults=False), 1)
            wall, cpu = _median(lambda p=path: cleaner.load_rules([p], defaults=False), args.runs)
            toml_wall, _ = _median(lambda p=path: tomllib.loads(p.read_text("utf-8")), args.runs)
            rows.append([n, f"{first:.2f} ({first_cpu:.2f} cpu)", wall, cpu, 1000 * wall / n, toml_wall,
                         wall / toml_wall])
            largest, first_largest = wall, first
    per_1000 = [row[4] for row in rows]
    summary = {
        f"target: {args.rules:,} rules load in under {TARGET_SECONDS:g} s (a later load)":
            f"{largest:.2f} s, {'met' if largest < TARGET_SECONDS else 'not met'}",
        f"target: the first load of {args.rules:,} new rules in under {TARGET_SECONDS:g} s":
            f"{first_largest:.2f} s, {'met' if first_largest < TARGET_SECONDS else 'not met'}",
        "linear (seconds per 1,000 rules, largest / smallest pack)": per_1000[-1] / per_1000[0],
    }
    report("rule_loading", "python tests/bench/rule_loading.py",
           ["rules", "first load s (new pack)", "load s (median)", "cpu s", "s per 1,000 rules", "tomllib s",
            "load / tomllib"], rows, summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
