"""Run every benchmark (throughput, scaling, parallel, dask) in turn: `python tests/bench/run_all.py`.

Each prints its table and writes tests/bench/results/<name>.json. The 1 GB memory measurement takes
longer and runs on its own: `python tests/bench/memory.py`.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = ["throughput.py", "scaling.py", "parallel.py", "dask_bench.py"]


def main() -> int:
    start = time.perf_counter()
    failed = [s for s in SCRIPTS if subprocess.run([sys.executable, str(HERE / s)], cwd=HERE).returncode != 0]
    print(f"all benchmarks: {time.perf_counter() - start:.0f} s" + (f"; FAILED: {failed}" if failed else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
