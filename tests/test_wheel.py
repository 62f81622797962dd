"""The built wheel carries the default rule packs and cleans with them when installed elsewhere."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest

from .conftest import EXPECTED, ROOT, SEEDS


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        pytest.fail(f"pip wheel failed:\n{proc.stdout}\n{proc.stderr}")
    (path,) = out.glob("cleaner-*.whl")
    return path


def test_wheel_contains_every_default_rule_pack(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for pack in (ROOT / "rules").glob("*.toml"):
        assert f"cleaner/default_rules/{pack.name}" in names


def test_code_from_the_wheel_cleans_seeds_with_its_own_rules(wheel, tmp_path):
    unpacked = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(unpacked)
    # Run from an empty folder with only the unpacked wheel on the path ahead of the checkout,
    # so the packs can only come from inside the wheel.
    code = (
        "import cleaner, sys, pathlib;"
        "assert pathlib.Path(cleaner.__file__).is_relative_to(sys.argv[1]), cleaner.__file__;"
        "from cleaner.rules.loader import default_rules_dir;"
        "assert default_rules_dir().name == 'default_rules', default_rules_dir();"
        "sys.stdout.write(cleaner.clean_file(sys.argv[2]).text)"
    )
    seed = SEEDS / "002_5d7dadc0c9256121.txt"
    env = {**os.environ, "PYTHONPATH": str(unpacked)}
    proc = subprocess.run([sys.executable, "-c", code, str(unpacked), str(seed)], cwd=tmp_path, env=env,
                          capture_output=True, check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout == (EXPECTED / seed.name).read_bytes()
