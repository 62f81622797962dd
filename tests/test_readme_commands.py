"""The README's commands run as written (tests/test_readme.py checks the quick start; this, the
rest): every concrete `cleaner ...` command it shows on the seeds (no SRC/OUT placeholders) is run,
in the README's order, through a shell in a folder holding a copy of the seeds, as a reader would
type it; and every `import` its Python examples make resolves."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, SEEDS

README = (ROOT / "README.md").read_text("utf-8")
PLACEHOLDER = re.compile(r"\b[A-Z][A-Z_]{1,}\b|\.\.\.|\[|\|")


def commands() -> list[str]:
    """Concrete `cleaner` commands, from fenced shell blocks (parts of `&&` chains) and inline code."""
    found = []
    for block in re.findall(r"```bash\n(.*?)```", README, re.S):
        for line in block.splitlines():
            found += [part.strip() for part in line.split("#")[0].split("&&") if part.strip().startswith("cleaner ")]
    found += re.findall(r"`(cleaner [^`]+)`", README)
    seen, ordered = set(), []
    for command in found:
        if "seeds" in command and not PLACEHOLDER.search(command) and command not in seen:
            seen.add(command)
            ordered.append(command)
    return ordered


def test_the_readme_shows_the_commands_a_reader_runs_first():
    listed = commands()
    for expected in ("cleaner clean seeds -o out", "cleaner hook fix seeds/*", "cleaner hook check seeds/*.txt"):
        assert expected in listed, listed


def test_every_concrete_command_in_the_readme_runs_as_written(tmp_path):
    shutil.copytree(SEEDS, tmp_path / "seeds")
    bin_dir = Path(sys.executable).parent
    for command in commands() + ["cleaner hook fix seeds/*"]:  # the README's example, run a second time
        proc = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, timeout=600,
                              env={"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path)}, check=False)
        output = proc.stdout + proc.stderr
        assert proc.returncode in (0, 1), f"{command}: exit {proc.returncode}\n{output}"
        assert "Traceback" not in output and "Usage:" not in output, f"{command}\n{output}"
    assert not list((tmp_path / "seeds").glob("*.provenance.provenance.json"))


def test_the_python_examples_import_what_exists():
    for block in re.findall(r"```python\n(.*?)```", README, re.S):
        for line in block.splitlines():
            if re.match(r"(import|from) cleaner\b", line):
                exec(line, {})  # noqa: S102 - the README's own import lines
