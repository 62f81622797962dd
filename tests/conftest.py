"""Shared fixtures: paths to the project's seeds and the expected clean bodies."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

import cleaner

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
EXPECTED = ROOT / "tests" / "data" / "expected"
# CI and developers have the project's shared folder beside the checkout.
SHARED = ROOT.parent / "shared"


# CI (CI=true) replays the same hypothesis examples on every run, so a landing never hangs on a new
# random draw; local runs keep exploring new examples (and tests/fuzz explores at scale).
# Compiled pattern databases (cleaner/multimatch.py) go to this session's own cache, not ~/.cache, and
# the hook and CLI subprocesses the tests start inherit it.
os.environ["CLEANER_CACHE_DIR"] = tempfile.mkdtemp(prefix="cleaner-test-cache-")
atexit.register(shutil.rmtree, os.environ["CLEANER_CACHE_DIR"], ignore_errors=True)

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def rules() -> cleaner.RuleSet:
    return cleaner.load_rules()


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    paths = sorted(SEEDS.glob("*.txt"))
    assert len(paths) == 3
    return paths
