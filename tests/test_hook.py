"""`cleaner hook check|fix` on files (what pre-commit calls), through click's CliRunner."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import cleaner
from cleaner.cli.main import main
from cleaner.engine.fingerprint import MIN_TOKENS, NEAR_DUPLICATE, fingerprint, from_record

from .conftest import EXPECTED, ROOT, SEEDS

HTML = ROOT / "tests" / "data" / "html" / "newsletter_page.html"


def hook(*args: str | Path):
    result = CliRunner().invoke(main, ["hook", *map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def where(removal: cleaner.Removal) -> str:
    if removal.first_line == removal.last_line:
        return f"line {removal.first_line}: {removal.rule_id} ({removal.pack_id})"
    return f"lines {removal.first_line}-{removal.last_line}: {removal.rule_id} ({removal.pack_id})"


@pytest.fixture
def seeds(tmp_path) -> Path:
    folder = tmp_path / "seeds"
    shutil.copytree(SEEDS, folder)
    return folder


def test_check_reports_every_span_with_rule_and_lines_and_changes_nothing(seeds):
    before = digest(seeds)
    result = hook("check", *sorted(seeds.iterdir()))
    assert result.exit_code == 1
    for seed in sorted(seeds.iterdir()):
        removals = cleaner.clean_file(seed).removals
        assert removals
        assert f"{seed}: {len(removals)} spans to remove (cleaner-fix would clean it)" in result.output
        for removal in removals:
            assert where(removal) in result.output
    assert digest(seeds) == before


def test_check_passes_clean_bodies(tmp_path):
    shutil.copytree(EXPECTED, tmp_path / "seeds")
    result = hook("check", *sorted((tmp_path / "seeds").iterdir()))
    assert result.exit_code == 0, result.output
    assert result.output == ""


def test_fix_cleans_in_place_with_a_record_that_restores_the_original(seeds, tmp_path):
    originals = {p.name: p.read_bytes() for p in seeds.iterdir()}
    result = hook("fix", *sorted(seeds.iterdir()))
    assert result.exit_code == 1  # it changed files: the user reviews and re-stages
    for name, original in originals.items():
        seed = seeds / name
        assert seed.read_bytes() == (EXPECTED / name).read_bytes()
        record = json.loads(seed.with_suffix(".provenance.json").read_text("utf-8"))
        assert record["fingerprint"] == fingerprint(seed.read_text("utf-8")).to_dict()
        assert f"{seed}: {len(cleaner.clean_file(SEEDS / name).removals)} spans removed, record in " \
               f"{seed.stem}.provenance.json" in result.output
        out = tmp_path / f"restored-{name}"
        restored = CliRunner().invoke(main, ["restore", str(seed), str(seed.with_suffix(".provenance.json")),
                                             "-o", str(out)])
        assert restored.exit_code == 0, restored.output
        assert out.read_bytes() == original

    fixed = digest(seeds)
    again = hook("fix", *sorted(p for p in seeds.iterdir() if p.suffix == ".txt"))
    assert again.exit_code == 0 and again.output == ""
    assert digest(seeds) == fixed
    assert hook("check", *sorted(p for p in seeds.iterdir() if p.suffix == ".txt")).exit_code == 0


def test_html_seed_gets_its_clean_text_beside_it_and_is_never_modified(tmp_path):
    folder = tmp_path / "seeds"
    folder.mkdir()
    page = folder / "page.html"
    shutil.copy(HTML, page)
    html = page.read_bytes()
    checked = hook("check", page)
    assert checked.exit_code == 1 and "page.txt is missing" in checked.output
    assert sorted(p.name for p in folder.iterdir()) == ["page.html"]

    fixed = hook("fix", page)
    assert fixed.exit_code == 1 and "spans removed into page.txt" in fixed.output
    assert page.read_bytes() == html
    assert (folder / "page.txt").read_text("utf-8") == cleaner.clean_file(HTML).text
    record = json.loads((folder / "page.provenance.json").read_text("utf-8"))
    assert record["source"]["format"] == "html" and record["source"]["path"] == str(page)

    # pre-commit then passes both the page and its clean text; neither is a near-duplicate of the other
    both = hook("check", page, folder / "page.txt")
    assert both.exit_code == 0, both.output
    assert hook("fix", page, folder / "page.txt").exit_code == 0

    (folder / "page.txt").write_text("Edited by hand.\n", "utf-8")
    edited = hook("fix", page)
    assert edited.exit_code == 1 and "page.txt was edited after cleaning" in edited.output
    assert (folder / "page.txt").read_text("utf-8") == "Edited by hand.\n"


def test_html_next_to_a_text_seed_of_its_own_is_refused(tmp_path):
    folder = tmp_path / "seeds"
    folder.mkdir()
    shutil.copy(HTML, folder / "page.html")
    (folder / "page.txt").write_text("Another seed that happens to share the name.\n", "utf-8")
    before = digest(folder)
    result = hook("fix", folder / "page.html")
    assert result.exit_code == 1
    assert "page.txt or page.provenance.json exists and was not written from page.html" in result.output
    assert digest(folder) == before


def test_a_record_that_no_longer_describes_its_file_is_never_overwritten(seeds):
    seed = sorted(seeds.iterdir())[0]
    hook("fix", seed)
    seed.write_text(seed.read_text("utf-8") + "Sign up to our newsletters\n", "utf-8")
    before = digest(seeds)
    result = hook("fix", seed)
    assert result.exit_code == 1
    assert f"{seed}: {seed.stem}.provenance.json does not describe this file" in result.output
    assert digest(seeds) == before


def test_rules_added_later_clean_again_from_the_original(seeds, tmp_path):
    seed = sorted(seeds.iterdir())[0]
    original = seed.read_bytes()
    hook("fix", seed)
    body_line = next(line for line in seed.read_text("utf-8").splitlines() if len(line) > 40)
    pack = tmp_path / "rules" / "ours.toml"
    pack.parent.mkdir()
    pack.write_text(f'id = "ours"\nversion = "1"\n[[rules]]\nid = "our-line"\nkind = "line"\n'
                    f"pattern = {json.dumps('^' + re.escape(body_line[:30]))}\nrationale = 'r'\n"
                    f"examples.remove = [{json.dumps(body_line)}]\n", "utf-8")
    checked = hook("check", "--rules", pack.parent, seed)
    assert checked.exit_code == 1 and "our-line (ours)" in checked.output, checked.output

    result = hook("fix", "--rules", pack.parent, seed)
    assert result.exit_code == 1 and "cleaned again from the original" in result.output
    assert body_line not in seed.read_text("utf-8")
    record = json.loads(seed.with_suffix(".provenance.json").read_text("utf-8"))
    assert "our-line" in record["counts"]["by_rule"] and len(record["counts"]["by_rule"]) > 1
    assert cleaner.restore(seed.read_text("utf-8"), record).encode(record["source"]["encoding"]) == original
    assert hook("fix", "--rules", pack.parent, seed).exit_code == 0


def test_binary_empty_and_undecodable_files_fail_one_by_one_and_are_left_alone(seeds):
    (seeds / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (seeds / "empty.md").write_bytes(b"")
    (seeds / "blob.html").write_bytes(bytes(range(256)) * 4)
    bad = {name: hashlib.sha256((seeds / name).read_bytes()).hexdigest()
           for name in ("image.txt", "empty.md", "blob.html")}
    result = hook("fix", *sorted(seeds.iterdir()))
    assert result.exit_code == 1
    assert f"error: {seeds / 'image.txt'}: looks binary" in result.output
    assert f"error: {seeds / 'empty.md'}: empty document" in result.output
    assert f"error: {seeds / 'blob.html'}: " in result.output
    for name, before in bad.items():
        assert hashlib.sha256((seeds / name).read_bytes()).hexdigest() == before
        assert not (seeds / name).with_suffix(".provenance.json").exists()
    for seed in SEEDS.iterdir():  # the good seeds were still cleaned
        assert (seeds / seed.name).read_bytes() == (EXPECTED / seed.name).read_bytes()


def one_paragraph_changed(text: str, replacement: str) -> str:
    lines = text.splitlines(keepends=True)
    longest = max(range(len(lines)), key=lambda i: len(lines[i]))
    return "".join(lines[:longest] + [replacement] + lines[longest + 1:])


@pytest.fixture
def clean_folder(tmp_path) -> tuple[Path, list[str]]:
    """A folder with two of the three clean seed bodies (as a seed repository holds them); all three texts."""
    folder = tmp_path / "seeds"
    folder.mkdir()
    paths = sorted(EXPECTED.iterdir())
    for path in paths[:2]:
        shutil.copy(path, folder / path.name)
    return folder, [p.read_text("utf-8") for p in paths]


def test_a_near_duplicate_of_a_seed_in_the_folder_fails_check_and_an_unrelated_one_does_not(clean_folder):
    folder, texts = clean_folder
    other_paragraph = max(texts[1].splitlines(keepends=True), key=len)
    near = folder / "zz_near.txt"
    near.write_text(one_paragraph_changed(texts[0], other_paragraph), "utf-8")
    original = sorted(folder.iterdir())[0]
    result = hook("check", near)
    assert result.exit_code == 1
    assert f"{near}: near-duplicate of 1 seed(s)" in result.output
    assert f"{original} (similarity" in result.output
    assert f"trafilatura-simhash-64 {fingerprint(near.read_text('utf-8')).value}" in result.output

    allowed = hook("check", "--allow-near-duplicates", near)
    assert allowed.exit_code == 0 and "near-duplicate of" in allowed.output

    near.unlink()
    unrelated = folder / "zz_unrelated.txt"
    unrelated.write_text(texts[2], "utf-8")
    result = hook("check", unrelated)
    assert result.exit_code == 0, result.output


def test_a_pair_of_new_seeds_is_reported_once_on_the_later_path_however_pre_commit_splits_it(
        clean_folder, monkeypatch):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    folder, texts = clean_folder
    repo = folder.parent
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    first, second = folder / "new_a.txt", folder / "new_b.txt"
    first.write_text(texts[2] + "One more line, added to the first copy.\n", "utf-8")
    second.write_text(texts[2] + "Another line, added to the second copy.\n", "utf-8")
    subprocess.run(["git", "-C", str(repo), "add", "seeds/new_a.txt", "seeds/new_b.txt"], check=True)
    monkeypatch.chdir(repo)
    name_a, name_b = "seeds/new_a.txt", "seeds/new_b.txt"
    together = hook("check", name_a, name_b)
    alone_a, alone_b = hook("check", name_a), hook("check", name_b)
    assert alone_a.exit_code == 0 and alone_a.output == ""
    for result in (together, alone_b):
        assert result.exit_code == 1
        assert f"{name_b}: near-duplicate of 1 seed(s)" in result.output and f"  {name_a} (similarity" in result.output
        assert f"{name_a}: near-duplicate" not in result.output


def test_fingerprints_compare_bodies_and_come_back_from_records():
    body = (EXPECTED / sorted(p.name for p in EXPECTED.iterdir())[0]).read_text("utf-8")
    other = (EXPECTED / sorted(p.name for p in EXPECTED.iterdir())[1]).read_text("utf-8")
    assert fingerprint(body).tokens >= MIN_TOKENS
    assert fingerprint(body).similarity(fingerprint(body)) == 1.0
    assert fingerprint(body).similarity(fingerprint(other)) < NEAR_DUPLICATE
    short = fingerprint("Tiny note.\n")
    assert short.similarity(fingerprint("Another tiny note.\n")) == 0.0  # too short for a Simhash
    assert short.similarity(fingerprint("Tiny note.\n")) == 1.0  # but exact copies are caught
    record = cleaner.clean(body).provenance | {"fingerprint": fingerprint(body).to_dict()}
    assert from_record(record) == fingerprint(body)
    assert from_record(cleaner.clean(body).provenance) is None
