"""Configuration in pyproject.toml ([tool.cleaner]), keep lists, and lines removed by hand, through
the real CLI and the real hook commands (`cleaner hook fix`) on temporary folders and git repositories."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import cleaner
from cleaner.cli.main import main
from cleaner.config import find_config, load_config
from cleaner.engine.keep import line_hash

from .conftest import EXPECTED, SEEDS

CTA = "Want to find out more? Get in touch."  # seed 000's last line, removed by find-out-more-cta
SEED0 = "000_72166b75f3bee34b"
SEED1 = "001_22eb14aad1dde7e7"
SIGNUP = "Select and enter your email address"  # in seed 001's newsletter sign-up block


def cli(*args: str | Path):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """A repository (a .git folder) holding the seeds; the working directory is a subfolder of it."""
    (tmp_path / ".git").mkdir()
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "docs").mkdir()
    monkeypatch.chdir(tmp_path / "docs")
    return tmp_path


def write_config(project: Path, body: str) -> Path:
    path = project / "pyproject.toml"
    path.write_text(f'[project]\nname = "x"\n\n[tool.cleaner]\n{body}\n', "utf-8")
    return path


def test_config_is_found_upward_and_stops_at_the_repository_root(project):
    assert find_config() is None
    (project.parent / "pyproject.toml").write_text('[tool.cleaner]\nignore = ["share"]\n', "utf-8")
    assert find_config() is None  # above the repository root: not looked at
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n', "utf-8")
    assert find_config() is None  # no [tool.cleaner] table
    path = write_config(project, 'ignore = ["newsletter"]')
    assert find_config() == path


def test_cli_and_library_agree_on_the_configuration(project):
    write_config(project, 'ignore = ["newsletter"]\nprofile = "article"\ntimeout = 2.5')
    out = project / "out"
    result = cli("clean", project / "seeds", "-o", out)
    assert result.exit_code == 0, result.output
    assert SIGNUP in (out / f"{SEED1}.txt").read_text("utf-8")
    rules = load_config().load_rules()
    assert rules.timeout == 2.5
    assert rules.hash == cleaner.load_rules(ignore=["newsletter"], timeout=2.5).hash
    record = json.loads((out / f"{SEED1}.provenance.json").read_text("utf-8"))
    assert record["ruleset"]["hash"] == rules.hash
    # the library never reads it unasked
    assert cleaner.load_rules().hash != rules.hash


def test_the_hook_agrees_with_the_cli_and_library_on_the_configuration(project, monkeypatch):
    """`cleaner hook fix` runs at the repository root (as pre-commit runs it) and finds the same
    [tool.cleaner]: its seed comes out as `cleaner clean` writes it, under the library's rule set."""
    write_config(project, 'ignore = ["appeal", "newsletter"]\nprofile = "body"')
    monkeypatch.chdir(project)
    rules = load_config().load_rules()
    out = project / "out"
    assert cli("clean", project / "seeds", "-o", out).exit_code == 0
    seed = project / "seeds" / f"{SEED1}.txt"
    assert cli("hook", "fix", seed).exit_code == 1  # changed the seed, as formatters fail
    assert seed.read_bytes() == (out / f"{SEED1}.txt").read_bytes()
    assert seed.read_text("utf-8") == cleaner.clean((SEEDS / f"{SEED1}.txt").read_text("utf-8"), rules=rules).text
    body = seed.read_text("utf-8")
    assert SIGNUP in body  # the newsletter pack is ignored
    assert "By Steve Reed" not in body  # the body profile
    record = json.loads(seed.with_suffix(".provenance.json").read_text("utf-8"))
    assert record["ruleset"]["hash"] == rules.hash
    assert record["config"]["path"] == str(project / "pyproject.toml")


def test_cli_flags_override_the_configuration(project):
    write_config(project, 'ignore = ["newsletter"]')
    for flags in (["--select", "ALL"], ["--isolated"]):
        out = project / ("out" + flags[0])
        assert cli("clean", project / "seeds", "-o", out, *flags).exit_code == 0
        assert (out / f"{SEED1}.txt").read_bytes() == (EXPECTED / f"{SEED1}.txt").read_bytes(), flags
    other = project / "other.toml"
    other.write_text('[tool.cleaner]\nignore = ["appeal"]\n', "utf-8")
    out = project / "out-config"
    assert cli("clean", project / "seeds", "-o", out, "--config", other).exit_code == 0
    body = (out / f"{SEED1}.txt").read_text("utf-8")
    assert SIGNUP not in body and "Support 110 years of independent journalism." in body


def test_bad_configuration_is_a_usage_error_naming_the_file(project):
    path = write_config(project, 'ignore = ["newsletter"]\nprofiles = "body"')
    result = cli("clean", project / "seeds", "-o", project / "out")
    assert result.exit_code == 2 and str(path) in result.output and "profiles" in result.output
    write_config(project, 'ignore = ["no-such-thing"]')
    result = cli("clean", project / "seeds", "-o", project / "out")
    assert result.exit_code == 2 and "no-such-thing" in result.output
    assert not (project / "out").exists()


def test_sidecar_keep_list_keeps_a_line_and_the_record_says_against_which_rule(project):
    seeds = project / "seeds"
    (seeds / f"{SEED0}.keep.toml").write_text(f'keep = [{{ text = "{CTA}", rule = "find-out-more-cta" }}]\n',
                                              "utf-8")
    out = project / "out"
    assert cli("clean", seeds, "-o", out).exit_code == 0
    body = (out / f"{SEED0}.txt").read_text("utf-8")
    assert body.rstrip("\n").endswith(CTA)
    record = json.loads((out / f"{SEED0}.provenance.json").read_text("utf-8"))
    (kept,) = record["kept"]
    assert kept["text"] == CTA and kept["rules"] == ["find-out-more-cta"]
    assert kept["entries"][0]["origin"] == str(seeds / f"{SEED0}.keep.toml")
    assert "find-out-more-cta" not in record["counts"]["by_rule"]
    restored = cli("restore", out / f"{SEED0}.txt", out / f"{SEED0}.provenance.json", "-o", "-")
    assert restored.stdout_bytes == (seeds / f"{SEED0}.txt").read_bytes()


def test_keep_entry_for_another_rule_does_not_keep_the_line(project):
    seeds = project / "seeds"
    (seeds / f"{SEED0}.keep.toml").write_text(f'keep = [{{ text = "{CTA}", rule = "copyright-line" }}]\n', "utf-8")
    out = project / "out"
    assert cli("clean", seeds, "-o", out).exit_code == 0
    assert (out / f"{SEED0}.txt").read_bytes() == (EXPECTED / f"{SEED0}.txt").read_bytes()


def test_configuration_keep_list_by_hash_and_glob(project):
    write_config(project, f'[tool.cleaner.keep]\n"seeds/000_*.txt" = [{{ hash = "{line_hash(CTA)[:12]}" }}]')
    out = project / "out"
    assert cli("clean", project / "seeds", "-o", out).exit_code == 0
    assert CTA in (out / f"{SEED0}.txt").read_text("utf-8")
    assert CTA not in (EXPECTED / f"{SEED0}.txt").read_text("utf-8")


def test_hook_fix_honours_a_keep_list_added_after_cleaning(project):
    seed = project / "seeds" / f"{SEED0}.txt"
    original = seed.read_bytes()
    assert cli("hook", "fix", seed).exit_code == 1  # cleaned: formatters fail when they change something
    assert CTA not in seed.read_text("utf-8")
    assert cli("hook", "fix", seed).exit_code == 0
    (project / "seeds" / f"{SEED0}.keep.toml").write_text(f'keep = [{{ text = "{CTA}" }}]\n', "utf-8")
    result = cli("hook", "fix", seed)
    assert result.exit_code == 1 and "cleaned again from the original" in result.output
    assert CTA in seed.read_text("utf-8")
    record = json.loads(seed.with_suffix(".provenance.json").read_text("utf-8"))
    assert record["kept"][0]["rules"] == ["find-out-more-cta"]
    assert record["ruleset"]["packs"]  # a seed's record stands alone: it lists the packs
    assert cli("hook", "fix", seed).exit_code == 0
    assert cli("restore", seed, seed.with_suffix(".provenance.json"), "-o", "-").stdout_bytes == original


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=repo, check=True,
                   capture_output=True)


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    """A real git repository whose seeds were cleaned by `cleaner hook fix` and committed."""
    shutil.copytree(SEEDS, tmp_path / "seeds")
    git(tmp_path, "init", "-q")
    monkeypatch.chdir(tmp_path)
    assert cli("hook", "fix", *sorted((tmp_path / "seeds").glob("*.txt"))).exit_code == 1
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "clean seeds")
    return tmp_path


STANDFIRST = "We're the new grouping for everyone in the party"


def test_lines_removed_by_hand_are_recorded_as_manual_and_restore_still_works(repo):
    # The standfirst, not the byline: the line model's bio shield reads the writer's name off the byline, so
    # without it the model's own score decides the author's bio line at the end (README, "The line model").
    seed = repo / "seeds" / f"{SEED1}.txt"
    lines = seed.read_text("utf-8").splitlines(keepends=True)
    standfirst = next(i for i, line in enumerate(lines) if line.startswith(STANDFIRST))
    edited = "".join(lines[:standfirst] + lines[standfirst + 1:])
    seed.write_text(edited, "utf-8")
    result = cli("hook", "fix", seed)
    assert result.exit_code == 1 and "removed by hand" in result.output, result.output
    body = seed.read_text("utf-8")  # the user's edit stands (the blank lines around it collapse to one)
    assert STANDFIRST not in body
    assert [x for x in body.splitlines() if x.strip()] == [x for x in edited.splitlines() if x.strip()]
    record = json.loads(seed.with_suffix(".provenance.json").read_text("utf-8"))
    (manual,) = [r for r in record["removals"] if r["rule_id"] == "manual"]
    assert manual["pack_id"] == "manual" and manual["text"].startswith(STANDFIRST)
    restored = cli("restore", seed, seed.with_suffix(".provenance.json"), "-o", "-")
    assert restored.stdout_bytes == (SEEDS / f"{SEED1}.txt").read_bytes()
    assert cli("hook", "fix", seed).exit_code == 0  # recorded: nothing left to do
    assert cli("hook", "check", seed).exit_code == 0


def test_an_edit_that_changes_text_is_refused_and_nothing_is_written(repo):
    seed = repo / "seeds" / f"{SEED1}.txt"
    record = seed.with_suffix(".provenance.json").read_bytes()
    seed.write_text(seed.read_text("utf-8").replace("Steve Reed", "S. Reed"), "utf-8")
    result = cli("hook", "fix", seed)
    assert result.exit_code == 1 and "beyond deleting whole lines" in result.output
    assert seed.with_suffix(".provenance.json").read_bytes() == record


PACK_MATCHING = '''id = "local"
version = "1"
description = "A project's own pack"

[[rules]]
id = "drop"
kind = "line"
pattern = '^Drop {word}$'
rationale = "test"
examples.remove = [{{ text = "Body.\\nDrop {word}\\nMore body.", expect = "Body.\\nMore body." }}]
'''


def test_a_relative_rules_path_means_the_pack_of_the_working_directory_every_time(tmp_path, monkeypatch):
    """The rule set a RuleSpec loaded is reused only while it reads the same files: `--rules rules/`
    (and a configuration's `rules`) is relative to the working directory, so two projects whose packs
    have the same path, size and modification time still get their own rules. (In one process: the
    library, the test suite, a datatrove step.)"""
    from cleaner.run.options import RuleSpec

    for project, word in (("a", "this"), ("b", "that")):
        pack = tmp_path / project / "rules" / "local.toml"
        pack.parent.mkdir(parents=True)
        pack.write_text(PACK_MATCHING.format(word=word), "utf-8")
        os.utime(pack, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    spec = RuleSpec(("rules/local.toml",), defaults=False)
    patterns = []
    for project in ("a", "b"):
        monkeypatch.chdir(tmp_path / project)
        patterns.append(spec.load().rule("drop").pattern.pattern)
    assert patterns == ["^Drop this$", "^Drop that$"]
