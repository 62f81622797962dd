"""The README tells the truth: its quick start, its links, the guide and the licence it names."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from click.testing import CliRunner

from cleaner.cli.main import main

from .conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")
FIRST_SCREEN = README[:README.index("\n## ", README.index("## Quick start"))]


def blocks(text: str, lang: str = "") -> list[str]:
    """The fenced code blocks of `text` in language `lang` ("" for blocks without one)."""
    return [body for fence, body in re.findall(r"^```(\w*)\n(.*?)\n```$", text, re.S | re.M) if fence == lang]


def test_the_first_screen_is_short_and_holds_the_two_commands_ci_runs():
    assert len(FIRST_SCREEN.splitlines()) <= 45
    commands = [line for line in blocks(FIRST_SCREEN, "bash")[0].splitlines() if line and not line.startswith("#")]
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "pip install -e '.[dev]'" in commands[0] and "pip install -q -e '.[dev]'" in ci
    assert commands[0].endswith("&& cleaner clean seeds -o out") and "\ncleaner clean seeds -o out\n" in ci
    assert commands[1] == "python -m pytest -q" and "\npython -m pytest -q" in ci


def test_the_quick_start_output_and_next_steps_are_what_the_commands_print(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["clean", str(ROOT / "seeds"), "-o", str(out)])
    assert result.exit_code == 0
    shown = blocks(FIRST_SCREEN)[0]
    assert result.output.splitlines()[:len(shown.splitlines())] == shown.splitlines()
    steps = re.findall(r"^- `(cleaner [^`]+)`", FIRST_SCREEN, re.M)
    assert [s.split()[1] for s in steps] == ["explain", "report", "restore"]
    for step in steps:
        args = step.replace(" out/", f" {out}/").replace(" out", f" {out}").split()[1:]
        proc = subprocess.run([sys.executable, "-m", "cleaner", *args], cwd=ROOT, capture_output=True)
        assert proc.returncode == 0, (step, proc.stderr)
    assert (out / "report.html").is_file()
    original = subprocess.run([sys.executable, "-m", "cleaner", *steps[2].replace(" out/", f" {out}/").split()[1:]],
                              cwd=ROOT, capture_output=True).stdout
    assert original == (ROOT / "seeds" / "001_22eb14aad1dde7e7.txt").read_bytes()


def _anchors(markdown: str) -> set[str]:
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes."""
    return {re.sub(r"[^\w\- ]", "", h.strip().lower()).replace(" ", "-")
            for h in re.findall(r"^#+ (.+)$", markdown, re.M)}


def test_every_relative_link_in_the_readme_and_docs_resolves():
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    checked = 0
    for doc in documents:
        text = doc.read_text("utf-8")
        for target in re.findall(r"\]\(([^)\s]+)\)", text):
            if re.match(r"[a-z]+://", target):
                continue
            path, _, anchor = target.partition("#")
            resolved = (doc.parent / path) if path else doc
            assert resolved.exists(), f"{doc.name}: {target}"
            if anchor:
                assert anchor in _anchors(resolved.read_text("utf-8")), f"{doc.name}: {target}"
            checked += 1
    assert checked >= 5


def test_the_guide_the_readme_cites_is_in_the_project():
    cited = set(re.findall(r"\b[\w/]*GUIDE\.md", README))
    assert cited == {"docs/GUIDE.md"}
    guide = (ROOT / "docs" / "GUIDE.md").read_text("utf-8")
    assert guide.startswith("# What counts as boilerplate") and "tests/data/expected/" in guide
    assert not (ROOT / "seeds" / "GUIDE.md").exists()  # seeds/ holds only the documents the quick start cleans


def test_the_licence_file_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["license"] == {"text": "MIT"}
    licence = (ROOT / "LICENSE").read_text("utf-8")
    assert licence.startswith("MIT License\n") and "Permission is hereby granted, free of charge" in licence
    assert Path("LICENSE").name in project.get("license-files", ["LICENSE"])
