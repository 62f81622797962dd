"""The hooks driven by the real pre-commit, the way a seed repository uses them.

A session fixture copies this checkout (working tree, so uncommitted work is what gets tested) into
a temporary git repository and commits it; each test's seed repository has a
`.pre-commit-config.yaml` pointing at that clone with `rev:` its HEAD, and `pre-commit install`, so
`git commit` itself runs the hooks. One PRE_COMMIT_HOME per session: the hook environment (a venv
with this project pip-installed) is built once.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

NEWSLETTER = "Sign up for the Morning Briefing newsletter"
IGNORED = shutil.ignore_patterns(".git", ".venv", "venv", "__pycache__", ".pytest_cache", ".ruff_cache",
                                 ".hypothesis", "out", "build", "dist", "*.egg-info")
SYLLABLES = [consonant + vowel for consonant in "bdklmnrst" for vowel in "aeiou"]


def prose(seed: int, paragraphs: int = 5) -> str:
    """Deterministic pseudo-English with a vocabulary of its own, so unrelated seeds share few words."""
    rnd = random.Random(seed)
    words = ["".join(rnd.choices(SYLLABLES, k=rnd.randint(2, 4))) for _ in range(80)]
    paras = []
    for _ in range(paragraphs):
        sentences = [" ".join(rnd.choices(words, k=rnd.randint(8, 14))).capitalize() + "."
                     for _ in range(rnd.randint(3, 5))]
        paras.append(" ".join(sentences))
    return "\n\n".join(paras) + "\n"


def with_newsletter(body: str) -> str:
    paras = body.split("\n\n")
    return "\n\n".join(paras[:2] + [NEWSLETTER] + paras[2:])


def git(repo: Path, *args: str, env: dict | None = None, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, env=env)
    if check and proc.returncode:
        raise AssertionError(f"git {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


def init_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q")
    for key, value in [("user.name", "Seed Tester"), ("user.email", "seeds@example.invalid"),
                       ("commit.gpgsign", "false"), ("core.autocrlf", "false")]:
        git(path, "config", key, value)
    return path


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def hook_clone(tmp_path_factory) -> tuple[Path, str]:
    """This checkout's working tree, committed in a throwaway repository: (path, HEAD sha)."""
    clone = init_repo(tmp_path_factory.mktemp("clone") / "cleaner")
    shutil.copytree(ROOT, clone, ignore=IGNORED, dirs_exist_ok=True)
    git(clone, "add", "-A")
    git(clone, "commit", "-q", "-m", "snapshot of the working tree under test")
    return clone, git(clone, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture(scope="session")
def precommit_env(tmp_path_factory, hook_clone) -> dict[str, str]:
    """Environment for pre-commit and git, with one PRE_COMMIT_HOME whose hook venv is built here."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env["PRE_COMMIT_HOME"] = str(tmp_path_factory.mktemp("pre-commit-home"))
    repo = make_seed_repo(tmp_path_factory.mktemp("warmup") / "seeds-repo", hook_clone, env)
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "install-hooks"], cwd=repo, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return env


def make_seed_repo(path: Path, hook_clone: tuple[Path, str], env: dict[str, str]) -> Path:
    """A git repository whose commits run cleaner-check and cleaner-fix on seeds/."""
    clone, rev = hook_clone
    repo = init_repo(path)
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {clone.as_posix()}\n    rev: {rev}\n    hooks:\n"
        "      - id: cleaner-check\n      - id: cleaner-fix\n", "utf-8")
    git(repo, "add", ".pre-commit-config.yaml")
    git(repo, "commit", "-q", "-m", "pre-commit config")
    proc = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=repo, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return repo


@pytest.fixture
def seed_repo(tmp_path, hook_clone, precommit_env) -> Path:
    return make_seed_repo(tmp_path / "seeds-repo", hook_clone, precommit_env)


def commit(repo: Path, env: dict[str, str], message: str = "add seeds") -> subprocess.CompletedProcess:
    """`git commit` (which runs the installed pre-commit hook); stdout and stderr merged."""
    return subprocess.run(["git", "-C", str(repo), "commit", "-m", message], env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def add_seeds(repo: Path, seeds: dict[str, str | bytes]) -> None:
    (repo / "seeds").mkdir(exist_ok=True)
    for name, content in seeds.items():
        path = repo / "seeds" / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    git(repo, "add", "seeds")


def test_newsletter_fails_the_commit_fix_rewrites_and_the_restaged_commit_succeeds(seed_repo, precommit_env):
    original = with_newsletter(prose(1))
    add_seeds(seed_repo, {"article.txt": original})
    first = commit(seed_repo, precommit_env)
    assert first.returncode != 0, first.stdout
    assert "newsletter-signup-line" in first.stdout and "seeds/article.txt" in first.stdout
    assert "Traceback" not in first.stdout
    seed = seed_repo / "seeds" / "article.txt"
    assert NEWSLETTER not in seed.read_text("utf-8")
    record = json.loads((seed_repo / "seeds" / "article.provenance.json").read_text("utf-8"))
    assert [r["rule_id"] for r in record["removals"]] == ["newsletter-signup-line", "layout.blank-run"]
    assert record["fingerprint"]["method"] == "trafilatura-simhash-64"
    assert git(seed_repo, "log", "--oneline", env=precommit_env).stdout.count("\n") == 1  # nothing committed

    git(seed_repo, "add", "seeds")
    second = commit(seed_repo, precommit_env)
    assert second.returncode == 0, second.stdout
    committed = git(seed_repo, "show", "--name-only", "--format=", "HEAD").stdout.split()
    assert committed == ["seeds/article.provenance.json", "seeds/article.txt"]

    restored = subprocess.run([sys.executable, "-m", "cleaner", "restore", str(seed),
                               str(seed.with_suffix(".provenance.json")), "-o", "-"], capture_output=True)
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout == original.encode("utf-8")


def test_a_clean_seed_commits_on_the_first_try(seed_repo, precommit_env):
    add_seeds(seed_repo, {"clean.md": prose(2)})
    proc = commit(seed_repo, precommit_env)
    assert proc.returncode == 0, proc.stdout
    assert not (seed_repo / "seeds" / "clean.provenance.json").exists()


def test_a_near_duplicate_seed_fails_the_commit_and_an_unrelated_one_does_not(seed_repo, precommit_env):
    add_seeds(seed_repo, {"first.txt": prose(3, paragraphs=10)})
    assert commit(seed_repo, precommit_env).returncode == 0
    paras = prose(3, paragraphs=10).split("\n\n")
    paras[4] = prose(4, paragraphs=1).strip()  # one paragraph of ten changed
    add_seeds(seed_repo, {"second.txt": "\n\n".join(paras)})
    proc = commit(seed_repo, precommit_env)
    assert proc.returncode != 0
    assert "seeds/second.txt: near-duplicate" in proc.stdout and "seeds/first.txt (similarity" in proc.stdout
    git(seed_repo, "rm", "-q", "--cached", "seeds/second.txt")
    (seed_repo / "seeds" / "second.txt").unlink()

    add_seeds(seed_repo, {"unrelated.txt": prose(5, paragraphs=10)})
    proc = commit(seed_repo, precommit_env)
    assert proc.returncode == 0, proc.stdout
    assert "near-duplicate of" not in proc.stdout


def test_two_hundred_staged_seeds_at_once(seed_repo, precommit_env):
    seeds = {f"seed_{i:03d}.txt": with_newsletter(prose(1000 + i)) if i % 10 == 3 else prose(1000 + i)
             for i in range(200)}
    add_seeds(seed_repo, seeds)
    first = commit(seed_repo, precommit_env)
    assert first.returncode != 0
    dirty = sorted(name for name, text in seeds.items() if NEWSLETTER in text)
    assert len(dirty) == 20
    named = {line.split(":")[0].removeprefix("seeds/") for line in first.stdout.splitlines()
             if "spans to remove" in line}
    assert named == set(dirty)
    assert first.stdout.count("newsletter-signup-line") == 2 * len(dirty)  # reported by check and by fix
    assert "near-duplicate of" not in first.stdout and "error:" not in first.stdout
    records = sorted(p.name for p in (seed_repo / "seeds").glob("*.provenance.json"))
    assert records == [name.replace(".txt", ".provenance.json") for name in dirty]
    assert not any(NEWSLETTER in p.read_text("utf-8") for p in (seed_repo / "seeds").glob("*.txt"))

    git(seed_repo, "add", "seeds")
    second = commit(seed_repo, precommit_env)
    assert second.returncode == 0, second.stdout
    assert len(git(seed_repo, "ls-files", "seeds").stdout.split()) == 220


def test_a_binary_seed_fails_with_a_message_and_is_left_alone(seed_repo, precommit_env):
    add_seeds(seed_repo, {"image.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
                          "fine.txt": prose(6)})
    before = sha(seed_repo / "seeds" / "image.txt")
    proc = commit(seed_repo, precommit_env)
    assert proc.returncode != 0
    assert "seeds/image.txt: looks binary" in proc.stdout
    assert "Traceback" not in proc.stdout
    assert sha(seed_repo / "seeds" / "image.txt") == before
    assert not (seed_repo / "seeds" / "image.provenance.json").exists()


OURS_PACK = '''
id = "ours"
version = "1"
description = "The seed repository's own pack"

[[rules]]
id = "podcast-plug"
kind = "line"
pattern = '^Listen to our podcast\\b'
rationale = "A site's own promotion"
examples.remove = ["Listen to our podcast on the way home"]
'''


def readme_precommit_config() -> str:
    """The `.pre-commit-config.yaml` the README's "Pre-commit hook" section shows, as written."""
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("## Pre-commit hook"):]
    start = section.index("```yaml\n") + len("```yaml\n")
    return section[start:section.index("\n```", start)] + "\n"


def test_the_readme_precommit_example_works_as_written(tmp_path, hook_clone, precommit_env):
    """The README's config, with only its two explained placeholders filled in (this project as a
    local git repository, and one of its commits), cleans a seed with the repository's own pack."""
    clone, rev = hook_clone
    config = readme_precommit_config()
    assert "repo: https://example.invalid/cleaner.git" in config and "rev: <commit sha>" in config
    repo = init_repo(tmp_path / "seeds-repo")
    (repo / ".pre-commit-config.yaml").write_text(
        config.replace("https://example.invalid/cleaner.git", clone.as_posix()).replace("<commit sha>", rev), "utf-8")
    (repo / "rules").mkdir()
    (repo / "rules" / "ours.toml").write_text(OURS_PACK, "utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "config and rules")
    installed = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=repo, env=precommit_env,
                               capture_output=True, text=True)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    body = prose(7)
    add_seeds(repo, {"interview.txt": body.replace("\n\n", "\n\nListen to our podcast every Friday\n\n", 1)})
    first = commit(repo, precommit_env)
    assert first.returncode != 0 and "podcast-plug" in first.stdout, first.stdout
    assert (repo / "seeds" / "interview.txt").read_text("utf-8") == body
    git(repo, "add", "seeds")
    assert commit(repo, precommit_env).returncode == 0


def test_a_keep_list_and_a_hand_edit_pass_through_the_real_hooks(seed_repo, precommit_env):
    """A line kept by NAME.keep.toml commits as it is; lines deleted by hand from a cleaned seed are
    recorded as rule 'manual' (the commit fails once, as formatters do, then passes) and restore
    still gives the original."""
    kept = with_newsletter(prose(7))
    add_seeds(seed_repo, {"kept.txt": kept,
                          "kept.keep.toml": f'keep = [{{ text = "{NEWSLETTER}" }}]\n'})
    assert commit(seed_repo, precommit_env).returncode == 0
    assert (seed_repo / "seeds" / "kept.txt").read_text("utf-8") == kept

    original = with_newsletter(prose(8))
    add_seeds(seed_repo, {"article.txt": original})
    assert commit(seed_repo, precommit_env).returncode != 0  # cleaned by cleaner-fix
    git(seed_repo, "add", "seeds")
    assert commit(seed_repo, precommit_env).returncode == 0, "cleaned seed did not commit"
    seed = seed_repo / "seeds" / "article.txt"
    paragraphs = seed.read_text("utf-8").split("\n\n")
    seed.write_text("\n\n".join(paragraphs[:1] + paragraphs[2:]), "utf-8")  # the second paragraph, by hand
    git(seed_repo, "add", "seeds")
    first = commit(seed_repo, precommit_env)
    assert first.returncode != 0 and "removed by hand" in first.stdout, first.stdout
    git(seed_repo, "add", "seeds")
    second = commit(seed_repo, precommit_env)
    assert second.returncode == 0, second.stdout
    record = json.loads((seed_repo / "seeds" / "article.provenance.json").read_text("utf-8"))
    assert any(r["rule_id"] == "manual" and paragraphs[1] in r["text"] for r in record["removals"])
    restored = subprocess.run([sys.executable, "-m", "cleaner", "restore", str(seed),
                               str(seed.with_suffix(".provenance.json")), "-o", "-"], capture_output=True)
    assert restored.returncode == 0 and restored.stdout == original.encode("utf-8")
