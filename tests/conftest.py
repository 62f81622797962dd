"""Shared fixtures: paths to the project's seeds and the expected clean bodies."""

from __future__ import annotations

from pathlib import Path

import pytest

import cleaner

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
EXPECTED = ROOT / "tests" / "data" / "expected"
# CI and developers have the project's shared folder beside the checkout.
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def rules() -> cleaner.RuleSet:
    return cleaner.load_rules()


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    paths = sorted(SEEDS.glob("*.txt"))
    assert len(paths) == 3
    return paths
