"""Instructions per pass of cleaner.clean over the dev corpus text, counted by valgrind's callgrind.

Wall time on a shared machine swings by half from one minute to the next; an instruction count does
not (the same total twice, whatever else runs), so it is how an engine change is compared before and
after: `python tests/bench/instructions.py` on each commit. It runs the script below under callgrind
twice, once setting up and cleaning the corpus once (warm-up: imports, rule loading, the Hyperscan
database from its cache) and once doing the same plus PASSES more passes; the difference divided by
PASSES is one steady-state pass. It takes about a minute: callgrind runs Python some 50x slower.
Not in run_all.py, and needs valgrind (`apt install valgrind`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from common import dev_texts, report

PASSES = 2
WORKLOAD = """
import os, sys
sys.path.insert(0, {bench!r})
from common import dev_texts
import cleaner
texts = dev_texts()
rules = cleaner.load_rules()
rules.index.prepare()
for _ in range(1 + int(os.environ["PASSES"])):
    for t in texts:
        cleaner.clean(t, rules=rules)
"""


def instructions(script: Path, passes: int, out: Path) -> int:
    run = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable, str(script)],
                         env={**os.environ, "PASSES": str(passes)}, capture_output=True, text=True, check=True)
    return int(re.search(r"Collected : (\d+)", run.stderr).group(1))


def main() -> None:
    if shutil.which("valgrind") is None:
        sys.exit("valgrind not found: apt install valgrind")
    megabytes = sum(len(t.encode("utf-8")) for t in dev_texts()) / 1e6
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp, "workload.py")
        script.write_text(WORKLOAD.format(bench=str(Path(__file__).resolve().parent)), "utf-8")
        instructions(script, 0, Path(tmp, "warm.out"))  # fills the Hyperscan cache if this commit changed it
        base = instructions(script, 0, Path(tmp, "base.out"))
        more = instructions(script, PASSES, Path(tmp, "more.out"))
    per_pass = (more - base) / PASSES
    rows = [["cleaner.clean, default rules", "dev text (full+recall)", round(megabytes, 2), per_pass / 1e6,
             per_pass / megabytes / 1e6]]
    summary = {"instructions_per_pass": int(per_pass), "instructions_per_byte": per_pass / (megabytes * 1e6)}
    report("instructions", "python tests/bench/instructions.py", ["engine", "input", "MB", "M instructions / pass",
           "M instructions / MB"], rows, summary)


if __name__ == "__main__":
    main()
