"""Command-line conventions: -h, -V, colour (NO_COLOR, --color), -q, plurals, usage errors."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

import pytest
from click.testing import CliRunner

from cleaner.cli.conventions import color_setting
from cleaner.cli.main import main
from cleaner.version import __version__

from .conftest import SEEDS

DOC = "The body of the article.\nView all newsletters\n"


def run(*args: str, stdin: str | None = None):
    return CliRunner().invoke(main, list(args), input=stdin, prog_name="cleaner")


@pytest.mark.parametrize("args", [["-h"], ["--help"], ["explain", "-h"], ["rules", "test", "-h"], ["report", "-h"]])
def test_dash_h_is_help_everywhere(args):
    result = run(*args)
    assert result.exit_code == 0 and result.output.startswith("Usage: cleaner")


def test_dash_capital_v_prints_the_version():
    for flag in ("-V", "--version"):
        result = run(flag)
        assert result.exit_code == 0 and result.output == f"cleaner, version {__version__}\n"


def on_a_terminal(*args: str, env: dict[str, str]) -> str:
    """Run `python -m cleaner ARGS` with stdout on a pseudo-terminal; return what it printed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", *args], stdout=follower, stderr=subprocess.DEVNULL,
                            stdin=subprocess.PIPE, env=env)
    os.close(follower)
    proc.communicate(DOC.encode("utf-8"), timeout=60)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_colour_on_a_terminal_unless_no_color_or_never_and_always_overrides_both():
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    assert "\x1b[31m" in on_a_terminal("explain", "-", env=env)
    assert "\x1b[" not in on_a_terminal("explain", "-", env={**env, "NO_COLOR": "1"})
    assert "\x1b[" not in on_a_terminal("--color", "never", "explain", "-", env=env)
    assert "\x1b[31m" in on_a_terminal("--color", "always", "explain", "-", env={**env, "NO_COLOR": "1"})


def test_colour_when_not_a_terminal_only_with_always():
    assert "\x1b[" not in run("explain", "-", stdin=DOC).output
    assert "\x1b[31mView all newsletters" in run("--color", "always", "explain", "-", stdin=DOC).output
    assert color_setting("auto", {"NO_COLOR": ""}) is None  # NO_COLOR counts only when non-empty


def test_quiet_explain_prints_counts_only_and_quiet_report_nothing(tmp_path):
    quiet = run("explain", "-q", str(SEEDS / "000_72166b75f3bee34b.txt"))
    assert quiet.output.splitlines()[0] == "2 removals, 2 lines, 37 characters:"
    assert "│" not in quiet.output
    assert run("clean", str(SEEDS), "-o", str(tmp_path / "out")).exit_code == 0
    result = run("report", "-q", str(tmp_path / "out"))
    assert result.exit_code == 0 and result.output == ""
    assert (tmp_path / "out" / "report.html").is_file()


def test_singular_counts_read_right():
    result = run("explain", "-", stdin=DOC)
    assert "1 removal, 1 line, 21 characters:" in result.output
    # whichever rule takes "View all newsletters" (listing-link, before the newsletter pack's own rule)
    assert re.search(r"\n  [\w-]+: 1 span, 1 line, 21 chars\n", result.output), result.output


def test_no_default_rules_without_rules_is_a_usage_error(tmp_path):
    for args in (["clean", str(SEEDS), "-o", str(tmp_path / "o")], ["explain", str(SEEDS)], ["rules", "list"]):
        result = run(*args, "--no-default-rules")
        assert result.exit_code == 2, args
        assert "--no-default-rules leaves no rules to run: add --rules PACK" in result.output
    assert not (tmp_path / "o").exists()


def test_restore_writes_to_stdout_by_default(tmp_path):
    out = tmp_path / "out"
    assert run("clean", str(SEEDS), "-o", str(out)).exit_code == 0
    name = "002_5d7dadc0c9256121"
    result = CliRunner().invoke(main, ["restore", str(out / f"{name}.txt"), str(out / f"{name}.provenance.json")])
    assert result.exit_code == 0
    assert result.stdout_bytes == (SEEDS / f"{name}.txt").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing written beside
