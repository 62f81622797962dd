"""Bad input never stops a run: each case has a defined outcome, a message naming the file, exit 1
at the end, untouched inputs, and the good files of the same run cleaned correctly.

Every case is a real file made in a temporary folder and run through the `cleaner clean` command.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

import cleaner
from cleaner.cli.main import main
from cleaner.run.documents import clean_one
from cleaner.run.plan import Job

from .conftest import SEEDS

FURNITURE = "View all newsletters"  # a line the bundled rules remove
BODY = "Caf\u00e9 cr\u00e8me, na\u00efve fa\u00e7ade: \u201cthe council\u2019s vote\u201d \u2014 \u00bd of it."


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def manifest(out: Path) -> dict[str, dict]:
    rows = [json.loads(line) for line in (out / "manifest.jsonl").read_text("utf-8").splitlines()]
    return {Path(r["source"]).name: r for r in rows if "source" in r}  # the first line: the run's rule set


def record(out: Path, name: str) -> dict:
    return json.loads((out / name).with_suffix(".provenance.json").read_text("utf-8"))


def restored(out: Path, name: str, tmp_path: Path) -> bytes:
    back = tmp_path / "restored.bin"
    result = run("restore", str(out / name), str((out / name).with_suffix(".provenance.json")), "-o", str(back))
    assert result.exit_code == 0, result.output
    return back.read_bytes()


def png_bytes() -> bytes:
    header = b"\x00\x00\x00\rIHDR" + bytes([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + header + zlib.compress(b"\x00\xff\x00\x00")


@pytest.fixture
def src(tmp_path) -> Path:
    """A source folder holding the three seeds (good files) next to whatever a test adds."""
    folder = tmp_path / "src"
    shutil.copytree(SEEDS, folder / "good")
    return folder


def assert_good_files_cleaned(out: Path) -> None:
    """The good files of a run with bad ones come out as they do cleaned alone."""
    for seed in SEEDS.glob("*.txt"):
        assert (out / "good" / seed.name).read_text("utf-8") == cleaner.clean_file(seed).text


# ---- files that are refused ---------------------------------------------------------------------

REFUSED = {
    "empty.txt": (b"", "empty document"),
    "spaces.txt": (b"  \n\t\r\n   \n", "document holds only whitespace"),
    "bom-only.txt": (codecs.BOM_UTF8, "empty document"),
    "utf16-spaces.txt": (codecs.BOM_UTF16_LE + "\u3000 \n".encode("utf-16-le"), "document holds only whitespace"),
    "image.txt": (png_bytes(), "looks binary (contains NUL bytes)"),
    "archive.txt": (gzip.compress(b"The council voted.\n" * 50, mtime=0), "looks binary (contains NUL bytes)"),
    "nul.txt": (b"Body line.\n\x00\x00\nMore body.\n", "looks binary (contains NUL bytes)"),
    "controls.txt": (bytes(range(1, 32)) * 20 + b"\xff", "looks binary (many control bytes)"),
    "broken-utf8.txt": ((BODY + "\n").encode("utf-8") * 5 + b"\xff\xfe stray bytes\n",
                        f"invalid UTF-8 (first bad byte at offset {len((BODY + chr(10)).encode()) * 5}, 2 in all)"),
    "ambiguous.txt": ("\u0421\u0451\u0441\u0442\u0440\u044b\n".encode("cp1251"),
                      "not UTF-8, and the encoding cannot be told reliably"),
}


def test_each_refused_file_is_named_and_the_rest_is_cleaned(src, tmp_path):
    for name, (data, _) in REFUSED.items():
        (src / name).write_bytes(data)
    before = digest(src)
    out = tmp_path / "out"
    result = run("clean", str(src), "-o", str(out))
    assert result.exit_code == 1, result.output
    rows = manifest(out)
    for name, (_, message) in REFUSED.items():
        assert f"error: {src / name}: {message}" in result.output, name
        assert rows[name]["status"] == "failed" and message in rows[name]["error"]
        assert not (out / name).exists() and not (out / name).with_suffix(".provenance.json").exists()
    assert f"cleaned 3 documents, 0 up to date, {len(REFUSED)} failed" in result.output
    assert_good_files_cleaned(out)
    assert digest(src) == before  # inputs untouched


# ---- files that are decoded, cleaned to UTF-8, and restored byte for byte -----------------------

def document(eol: str = "\n") -> str:
    return eol.join([BODY, FURNITURE, BODY, ""])


DECODED = {
    "utf8-bom.txt": (codecs.BOM_UTF8 + document().encode("utf-8"), "utf-8-sig"),
    "utf16-le.txt": (codecs.BOM_UTF16_LE + document().encode("utf-16-le"), "utf-16-le-bom"),
    "utf16-be.txt": (codecs.BOM_UTF16_BE + document().encode("utf-16-be"), "utf-16-be-bom"),
    "utf32-le.txt": (codecs.BOM_UTF32_LE + document().encode("utf-32-le"), "utf-32-le-bom"),
    "cp1252.txt": (document().encode("cp1252") * 3, "cp1252"),
    "latin1-short.txt": ("Caf\u00e9\n".encode("latin-1"), "cp1252"),
    "cp1251.txt": (("\u0421\u043e\u0432\u0435\u0442 \u043f\u0440\u043e\u0433\u043e\u043b\u043e\u0441\u043e"
                    "\u0432\u0430\u043b \u0437\u0430 \u0441\u043e\u0445\u0440\u0430\u043d\u0435\u043d\u0438"
                    "\u0435 \u0431\u0438\u0431\u043b\u0438\u043e\u0442\u0435\u043a\u0438.\n" * 3
                    + FURNITURE + "\n").encode("cp1251"), "cp1251"),
}


@pytest.mark.parametrize("name", sorted(DECODED))
def test_encodings_are_detected_recorded_written_as_utf8_and_restored(src, tmp_path, name):
    data, encoding = DECODED[name]
    (src / name).write_bytes(data)
    out = tmp_path / "out"
    result = run("clean", str(src), "-o", str(out))
    assert result.exit_code == 0, result.output
    prov = record(out, name)
    assert prov["source"]["encoding"] == encoding
    text = cleaner.io.decode.decode(data)[0]
    clean = (out / name).read_bytes().decode("utf-8")  # strict: the output is UTF-8
    assert clean == cleaner.clean(text).text
    assert FURNITURE not in clean and not clean.startswith("\ufeff")
    assert text.lstrip("\ufeff").splitlines()[0] in clean
    assert restored(out, name, tmp_path) == data
    assert_good_files_cleaned(out)


@pytest.mark.parametrize("eol", ["\r\n", "\r"], ids=["CRLF", "CR"])
def test_crlf_and_lone_cr_keep_their_endings_and_exact_offsets(src, tmp_path, eol):
    text = document(eol)
    data = text.encode("utf-8")
    (src / "endings.txt").write_bytes(data)
    out = tmp_path / "out"
    assert run("clean", str(src), "-o", str(out)).exit_code == 0
    assert (out / "endings.txt").read_bytes() == (BODY + eol + BODY + eol).encode("utf-8")
    prov = record(out, "endings.txt")
    [removal] = [r for r in prov["removals"] if r["pack_id"] != "layout"]
    assert text[removal["start"]:removal["end"]] == removal["text"] == FURNITURE + eol
    assert (removal["first_line"], removal["last_line"]) == (2, 2)
    assert restored(out, "endings.txt", tmp_path) == data


def test_a_5_mb_line_without_a_newline_is_cleaned(src, tmp_path):
    line = ("word " * 1_000_000)[:5_000_000]
    (src / "one-line.txt").write_text(line, "utf-8")
    out = tmp_path / "out"
    assert run("clean", str(src), "-o", str(out)).exit_code == 0
    assert (out / "one-line.txt").read_text("utf-8") == line + "\n"
    assert record(out, "one-line.txt")["layout"]["final_newline_added"] is True
    assert restored(out, "one-line.txt", tmp_path) == line.encode("utf-8")


MEASURE = """
import resource, sys
import cleaner
from cleaner.run.documents import clean_one
from cleaner.run.plan import Job
rules = cleaner.load_rules()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
report = clean_one(Job(sys.argv[1], "big.txt", "big.provenance.json"), sys.argv[2], rules)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(report.status, (after - before) * 1024)
"""


def test_memory_grows_linearly_with_a_large_document(tmp_path):
    """Peak memory while cleaning stays a bounded multiple of the file (measured in a fresh process).

    50 MB measures the same multiple (see README, Guarantees); 6 MB keeps the suite quick.
    """
    seeds = [p.read_text("utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    big = tmp_path / "big.txt"
    big.write_text("".join(seeds) * (6_000_000 // sum(len(s.encode()) for s in seeds)), "utf-8")
    proc = subprocess.run([sys.executable, "-c", MEASURE, str(big), str(tmp_path / "out")],
                          capture_output=True, text=True, check=True)
    status, growth = proc.stdout.split()
    assert status == "cleaned"
    assert int(growth) < 20 * big.stat().st_size, f"{int(growth) / big.stat().st_size:.1f}x the file size"



# ---- names, symlinks, unreadable folders --------------------------------------------------------

NAMES = ["with space.txt", "na\u00efve caf\u00e9 \u2013 \u65b0\u95fb.txt", "-rf.txt", "--help.txt"]


def test_odd_file_names_work_in_folders_and_as_arguments(src, tmp_path):
    for name in NAMES:
        (src / "odd" / name).parent.mkdir(exist_ok=True)
        (src / "odd" / name).write_text(document(), "utf-8")
    out = tmp_path / "out"
    assert run("clean", str(src), "-o", str(out)).exit_code == 0
    for name in NAMES:
        assert (out / "odd" / name).read_text("utf-8") == BODY + "\n" + BODY + "\n"
        assert record(out, f"odd/{name}")["source"]["path"] == str(src / "odd" / name)
    original_cwd = os.getcwd()
    os.chdir(src / "odd")  # a bare "-rf.txt" argument, passed after "--"
    try:
        result = run("clean", "-o", str(tmp_path / "args"), "--", *NAMES)
    finally:
        os.chdir(original_cwd)  # later tests find the configuration from the working directory
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "args").glob("*.txt")) == sorted(NAMES)


def test_a_file_name_that_is_not_utf8_is_cleaned_and_reported(src, tmp_path):
    raw = os.fsencode(src) + b"/caf\xe9.txt"
    with open(raw, "wb") as f:
        f.write(document().encode("utf-8"))
    out = tmp_path / "out"
    result = run("clean", str(src), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert (out / os.fsdecode(b"caf\xe9.txt")).read_text("utf-8") == BODY + "\n" + BODY + "\n"
    rows = [json.loads(line) for line in (out / "manifest.jsonl").read_text("utf-8").splitlines()]
    assert os.fsdecode(raw) in [r.get("source") for r in rows]


def test_symlinks_inside_followed_outside_not_directories_not_and_loops_cannot_hang(src, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "outside.txt").write_text(document(), "utf-8")
    (src / "linked.txt").symlink_to(elsewhere / "outside.txt")  # leaves SRC: not followed
    (src / "inner.txt").symlink_to(src / "good" / next(SEEDS.glob("*.txt")).name)  # stays inside: read
    (src / "good" / "loop").symlink_to(src)  # a directory link back up: not descended
    (src / "dir-link").symlink_to(elsewhere)  # not descended either
    (src / "dangling.txt").symlink_to(tmp_path / "missing.txt")
    before = digest(tmp_path)
    out = tmp_path / "out"
    result = run("clean", str(src), "-o", str(out))
    assert result.exit_code == 1, result.output
    assert f"error: {src / 'dangling.txt'}: cannot read" in result.output
    assert f"note: {src / 'linked.txt'}: links outside" in result.output and "--follow-symlinks" in result.output
    assert not (out / "linked.txt").exists() and (out / "inner.txt").exists()
    assert sorted(manifest(out)) == sorted(["inner.txt", "dangling.txt"] + [p.name for p in SEEDS.glob("*.txt")])
    assert not (out / "good" / "loop").exists() and not (out / "dir-link").exists()
    assert_good_files_cleaned(out)
    assert {k: v for k, v in digest(tmp_path).items() if not k.startswith("out/")} == before

    followed = run("clean", str(src), "-o", str(tmp_path / "followed"), "--follow-symlinks")
    assert (tmp_path / "followed" / "linked.txt").read_text("utf-8") == BODY + "\n" + BODY + "\n"
    assert (tmp_path / "followed" / "dir-link" / "outside.txt").exists()  # folder links descended, once
    assert not (tmp_path / "followed" / "good" / "loop").exists()  # the loop back to SRC is not
    assert followed.exit_code == 1  # the dangling link


def test_a_folder_unreadable_part_way_is_named_and_the_rest_is_cleaned(src, tmp_path, monkeypatch):
    locked = src / "locked"
    locked.mkdir()
    (locked / "secret.txt").write_text(document(), "utf-8")
    if os.geteuid() == 0:  # root reads anything: make the walk meet the error a real one would
        real_scandir = os.scandir

        def scandir(path="."):
            if Path(os.fsdecode(path)) == locked:
                raise PermissionError(13, "Permission denied", os.fsdecode(path))
            return real_scandir(path)

        monkeypatch.setattr(os, "scandir", scandir)
    else:
        locked.chmod(0)
    try:
        out = tmp_path / "out"
        result = run("clean", str(src), "-o", str(out))
    finally:
        locked.chmod(0o755)
    assert result.exit_code == 1, result.output
    assert f"error: {locked}: cannot read directory: Permission denied" in result.output
    assert manifest(out)["locked"]["status"] == "failed"
    assert not (out / "locked").exists()
    assert_good_files_cleaned(out)


# ---- writes stay inside OUT ---------------------------------------------------------------------

def test_an_output_symlink_pointing_outside_out_fails_that_document_only(src, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (src / "a").mkdir()
    (src / "a" / "x.txt").write_text(document(), "utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "a").symlink_to(elsewhere)
    result = run("clean", str(src), "-o", str(out))
    assert result.exit_code == 1, result.output
    assert "a/x.txt would leave the output folder" in result.output
    assert list(elsewhere.iterdir()) == []
    assert_good_files_cleaned(out)


def test_output_paths_from_the_plan_cannot_leave_out(tmp_path):
    rules = cleaner.load_rules(defaults=False)
    (tmp_path / "doc.txt").write_text(document(), "utf-8")
    for rel in ["../escape.txt", "/tmp/escape.txt", "a/../../escape.txt"]:
        job = Job(str(tmp_path / "doc.txt"), rel, rel.replace(".txt", ".provenance.json"))
        report = clean_one(job, str(tmp_path / "out"), rules)
        assert report.status == "failed" and "would leave the output folder" in report.error
    assert not (tmp_path / "escape.txt").exists() and not Path("/tmp/escape.txt").exists()


# ---- rules that misbehave at run time -----------------------------------------------------------

EVIL_PACK = """id = "evil"
version = "1"

[[rules]]
id = "evil-rule"
kind = "line"
pattern = '^(\\w|\\w\\w)+$'
rationale = "catastrophic on a long word followed by a non-word character"
examples.remove = ["abc"]
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_catastrophic_pattern_fails_only_the_documents_it_hangs_on(src, tmp_path, jobs):
    (tmp_path / "evil.toml").write_text(EVIL_PACK, "utf-8")
    for i in range(2):
        (src / f"trap{i}.txt").write_text(f"Intro {i}.\n" + "a" * 60 + "!\nEnd.\n", "utf-8")
    before = digest(src)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "cleaner", "clean", str(src), "-o", str(out), "--jobs", jobs,
                           "--rules", str(tmp_path / "evil.toml"), "--timeout", "0.2"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 1, proc.stderr
    for i in range(2):
        assert f"error: {src / f'trap{i}.txt'}: rule 'evil-rule' (pack 'evil') timed out" in proc.stderr
    assert "cleaned 3 documents, 0 up to date, 2 failed" in proc.stdout
    assert_good_files_cleaned(out)
    assert digest(src) == before


def test_a_huge_rule_pack_pattern_is_bounded_by_the_timeout(tmp_path):
    """Rule packs are data: TOML parsed by tomllib, patterns compiled by `regex`; nothing is
    evaluated or imported. A pattern's cost on a document is cut off by the regex timeout."""
    words = "|".join(f"w{i}x?" for i in range(3000))
    pack = tmp_path / "huge.toml"
    pack.write_text(EVIL_PACK.replace("'^(\\w|\\w\\w)+$'", f"'^(?:(?:{words})|\\w|\\w\\w)+$'"), "utf-8")
    rules = cleaner.load_rules([pack], defaults=False, timeout=0.2)
    with pytest.raises(cleaner.RuleTimeout, match="evil-rule"):
        cleaner.clean("Intro.\n" + "a" * 60 + "!\n", rules=rules)
