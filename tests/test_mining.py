"""`cleaner mine` and `cleaner clean --learn-sites` on generated sites (and on ../shared/sites when present)."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import pytest
import regex
from click.testing import CliRunner

import cleaner
from cleaner.authoring.check import check_examples
from cleaner.authoring.lint import lint_ruleset
from cleaner.authoring.mine import SiteEvidence, Thresholds, line_key, mine_site, mine_texts
from cleaner.authoring.minepack import line_pattern, render_pack
from cleaner.cli.main import main
from cleaner.engine.decide import apply_rules
from cleaner.errors import RuleError
from cleaner.rules.loader import load_pack
from cleaner.run.mining import Sources, mine_local
from cleaner.run.options import RuleSpec

from .conftest import SEEDS, SHARED

WORDS = [
    "river", "council", "budget", "school", "water", "health", "market", "court", "police", "road",
    "housing", "energy", "night", "city", "people", "report", "plan", "office", "money", "families",
    "change", "weeks", "months", "years", "village", "farmers",
]
NAV = ["Home", "World", "Business", "Sport", "Sign in", "Subscribe to our newsletter"]
FOOTER = "Copyright 2010 The Daily Example. All rights reserved."
# Furniture that reads as prose, on a fifth of the pages, between paragraphs of the body.
PROSE_FURNITURE = "Readers who enjoyed this story also signed up for our morning briefing on the city."


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 20))]
    return " ".join(words).capitalize() + "."


def page(n: int, rng: random.Random, *, prose_furniture: bool = False) -> str:
    body = [sentence(rng) for _ in range(6)]
    if prose_furniture:
        body.insert(3, PROSE_FURNITURE)
    month = rng.choice(["May", "June", "March"])
    stamp = f"Edition {rng.randint(1, 28)} {month} 2010, {rng.randint(10, 23)}:{rng.randint(10, 59)}"
    return "\n".join([*NAV, f"Headline number {n} about the {rng.choice(WORDS)}", stamp, "", *body, "",
                      f"{rng.randint(2, 90)} comments", FOOTER]) + "\n"


def site_pages(count: int = 20, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    return [page(n, rng, prose_furniture=n % 5 == 0) for n in range(count)]


def write_site(folder: Path, pages: list[str], suffix: str = ".txt") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n, text in enumerate(pages):
        (folder / f"page-{n:03d}{suffix}").write_text(text, "utf-8")
    return folder


def cli(*args: str | Path):
    result = CliRunner().invoke(main, [*map(str, args)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def proposed(mined):
    return {m.spellings[0] for m in mined if m.proposed}


# -- what is mined -------------------------------------------------------------------------------------

def test_repeated_lines_are_proposed_and_the_body_is_not(rules):
    mined = mine_texts(site_pages(), rules)
    found = proposed(mined)
    assert set(NAV) <= found and FOOTER in found
    assert not any(w in " ".join(found).lower() for w in ("river council budget",))
    stamp = next(m for m in mined if m.spellings[0].startswith("Edition"))
    assert stamp.pages == 20 and len(stamp.spellings) > 1  # one rule over dates and times
    assert any(s.endswith("comments") for s in found)  # counts fold too


def test_a_prose_line_inside_the_body_is_held_back_and_reported(rules, tmp_path):
    mined = mine_texts(site_pages(), rules)
    held = [m for m in mined if not m.proposed]
    assert [m.spellings[0] for m in held] == [PROSE_FURNITURE]
    assert held[0].prose_pages == 4 and held[0].pages == 4
    text = render_pack("example.com", mined, Thresholds())
    assert "# Held back" in text and PROSE_FURNITURE[:60] in text
    assert f"'{PROSE_FURNITURE}'" not in text.split("# Held back")[0]
    # On most pages it is proposed, flagged for review, with its prose pages in the evidence.
    pages = [page(n, random.Random(n), prose_furniture=n % 5 != 0) for n in range(20)]
    flagged = next(m for m in mine_texts(pages, rules) if m.spellings[0] == PROSE_FURNITURE)
    assert flagged.proposed and flagged.evidence() == {"pages": 16, "seen": 20, "prose_pages": 16}
    assert "REVIEW" in render_pack("example.com", [flagged], Thresholds())


@pytest.mark.parametrize(("pages_with_line", "total", "thresholds", "expected"), [
    (3, 20, Thresholds(min_pages=3, min_share=0.1), True),
    (2, 20, Thresholds(min_pages=3, min_share=0.1), False),  # under min_pages
    (3, 100, Thresholds(min_pages=3, min_share=0.05), False),  # under the share of the site
    (5, 100, Thresholds(min_pages=3, min_share=0.05), True),
    (4, 40, Thresholds(min_pages=4, min_share=0.05), True),
])
def test_thresholds_on_pages_and_share(rules, pages_with_line, total, thresholds, expected):
    rng = random.Random(7)
    texts = ["\n".join(sentence(rng) for _ in range(4))
             + ("\nJoin the Tuesday club\n" if n < pages_with_line else "\n") for n in range(total)]
    found = proposed(mine_texts(texts, rules, thresholds))
    assert ("Join the Tuesday club" in found) is expected


TEASER = ("The council's plan to rebuild the river road was approved after months of debate, and work on the "
          "first section starts in the spring.")


@pytest.mark.parametrize(("long_chars", "long_pages", "expected"), [
    (100, 2, True), (100, 3, False), (0, 2, False), (len(TEASER) + 1, 2, False)])
def test_a_long_line_needs_long_pages_whatever_the_share(rules, long_chars, long_pages, expected):
    """A long line found word for word on 2 of 100 pages (under min_pages and the 5% share) is a copy."""
    rng = random.Random(11)
    texts = ["\n".join(sentence(rng) for _ in range(4)) + (f"\nMore from the city\n{TEASER}\n" if n < 2 else "\n")
             for n in range(100)]
    thresholds = Thresholds(min_pages=3, min_share=0.05, long_chars=long_chars, long_pages=long_pages)
    found = proposed(mine_texts(texts, rules, thresholds))
    assert (TEASER in found) is expected
    assert "More from the city" not in found  # short: min_pages and the share still apply


def test_a_page_saved_twice_teaches_nothing_about_its_long_lines(rules):
    """Two copies of one article (differing in a stamp, so not exact duplicates): its paragraphs are on two
    pages, but those pages copy each other, so the paragraphs are not taken for copies of a teaser."""
    rng = random.Random(12)
    article = [sentence(rng) + " " + sentence(rng) for _ in range(5)]
    texts = ["\n".join(sentence(rng) for _ in range(4)) + "\n" for _ in range(40)]
    texts += [f"Updated {n} minutes ago\n" + "\n".join(article) + "\n" for n in (5, 9)]
    found = proposed(mine_texts(texts, rules, Thresholds()))
    assert not set(article) & set(found)


def layout_site(old_pages: int, total: int) -> list[str]:
    """`old_pages` pages of an old design (its own menu and footer), the rest in the new design."""
    rng = random.Random(3)
    old = [f"Old site menu\nOld archive\nOld sections\nOld search\nOld index\n{sentence(rng)}\n{sentence(rng)}\n"
           f"Printer friendly version\n" for _ in range(old_pages)]
    new = [f"{sentence(rng)}\n" + "\n".join(f"menu entry {k}" for k in range(12)) + f"\n{sentence(rng)}\n"
           for _ in range(total - old_pages)]
    return old + new


def test_a_layout_of_few_pages_qualifies_by_its_own_share(rules):
    """A line on 12 of 600 pages (2 %) fails a 3 % site share, but it is on every page of its layout."""
    mined = mine_texts(layout_site(12, 600), rules, Thresholds(min_pages=3, min_share=0.03))
    line = next(m for m in mined if m.spellings[0] == "Printer friendly version")
    assert line.proposed and line.evidence() == {"pages": 12, "seen": 600, "layout_pages": 12, "layout_seen": 12}
    # A handful of pages alike (e.g. copies of one article) is no layout.
    mined = mine_texts(layout_site(4, 200), rules, Thresholds(min_pages=3, min_share=0.03))
    assert "Printer friendly version" not in proposed(mined)


def test_line_keys_and_generalised_patterns():
    assert line_key("Last Updated: Friday, 1 April, 2005") == line_key("Last Updated:  Monday, 30 May, 2010")
    assert line_key("You may also like") == "you may also like"
    assert line_key("  -----  ") is None
    built = line_pattern(["Updated 3 May 2010, 12:30", "Updated 14 June 2009, 9:05"])
    assert built.pattern == r"(?i)^\s*Updated\s+\d+\s+[a-z]{3,9}\.?\s+\d+,\s+\d+:\d+\s*$"
    assert built.keywords == ("updated",) and len(built.matches) == 2
    assert line_pattern(["• Home"]).pattern == r"^\s*•\s+Home\s*$"  # one spelling: literal


def test_table_rows_padded_with_empty_cells_are_one_line():
    """An extractor writes a table row with the empty cells of its layout around and between the text;
    the row is the same line however many there are (a cell's escaped pipe is text, not a border)."""
    rows = ["|  |  | You are in: Health |  |  |", "| You are in: Health |", "You are in: Health"]
    assert {line_key(row) for row in rows} == {"you are in: health"}
    assert line_key("| MSN Home |  | Hotmail |  |") == line_key("| MSN Home | Hotmail |") == "msn home | hotmail"
    assert line_key(r"|  | page 1 \| 2 |  |") == r"page 0 \| 0" != line_key("| page 1 | 2 |")
    built = line_pattern([*rows, "| MSN Home |"][:3])
    assert built.pattern == r"^[\s|]*You\s+are\s+in:\s+Health[\s|]*$" and built.matches == tuple(rows)
    assert line_pattern(["| MSN Home |  | Hotmail |", "| MSN Home | Hotmail |"]).pattern == (
        r"^[\s|]*MSN\s+Home\s*(?:\|\s*)+Hotmail[\s|]*$")
    assert line_pattern(["| Home |"]).pattern == r"^\s*\|\s+Home\s+\|\s*$"  # one spelling: literal
    assert not regex.search(built.pattern, "You are in: Health and Fitness")


def test_a_row_padded_differently_from_page_to_page_is_mined_as_one_rule(rules, tmp_path):
    """Each padding of the row is on two of the 40 pages (under the site's floor of 3 pages); together
    they are on six, and the one rule mined for them removes every padding."""
    paddings = ["| {} |", "|  |  | {} |  |", "{}"]
    rng = random.Random(3)
    pages = [page(n, rng).replace(FOOTER, paddings[n % 3].format("You are in: Health") + "\n" + FOOTER)
             if n < 6 else page(n, rng) for n in range(40)]
    row = next(m for m in mine_texts(pages, rules) if "You are in" in m.spellings[0])
    assert row.proposed and row.pages == 6 and len(row.spellings) == 3
    (tmp_path / "p.toml").write_text(render_pack("example.com", [row], Thresholds()), "utf-8")
    loaded = cleaner.load_rules([tmp_path / "p.toml"])
    for text in pages[:6]:
        assert "You are in" not in cleaner.clean(text, rules=loaded, url="https://example.com/a").text


# -- packs ---------------------------------------------------------------------------------------------

def test_mined_pack_passes_rules_test_and_lint_and_cites_evidence(rules, tmp_path):
    write_site(tmp_path / "site" / "example.com", site_pages())
    result = cli("mine", tmp_path / "site", "-o", tmp_path / "packs", "--report")
    assert result.exit_code == 0, result.output
    assert "example.com: 20 pages" in result.output and "held back" in result.output
    assert "whole pages to the line model: it cuts 0 of the" in result.output
    pack_path = tmp_path / "packs" / "example.com.toml"
    pack = load_pack(pack_path)
    assert pack.scope == ("example.com",) and pack.order == "last"
    assert all(r.kind == "line" and dict(r.evidence)["seen"] == 20 for r in pack.rules)
    loaded = cleaner.load_rules([pack_path])
    checked, failures = check_examples(loaded.only(r.id for r in pack.rules))
    assert checked > len(pack.rules) and not failures
    assert not lint_ruleset(loaded.only(r.id for r in pack.rules))
    assert cli("rules", "test", "--rules", tmp_path / "packs").exit_code == 0
    assert cli("rules", "lint", "--rules", tmp_path / "packs").exit_code == 0
    # Each removal by a mined rule names it and cites its evidence.
    cleaned = cleaner.clean(site_pages(1, seed=99)[0], rules=loaded, url="https://www.example.com/a")
    mined_removals = [r for r in cleaned.provenance["removals"] if r["pack_id"] == pack.id]
    assert mined_removals and all(r["evidence"]["seen"] == 20 for r in mined_removals)
    assert not [r for r in cleaner.clean(site_pages(1, seed=99)[0], rules=loaded).removals if r.pack_id == pack.id]


def test_evidence_is_validated(tmp_path):
    def pack(evidence: str) -> Path:
        path = tmp_path / "p.toml"
        path.write_text(f"id = 'p'\nversion = '1'\n[[rules]]\nid = 'r'\nkind = 'line'\npattern = '^x$'\n"
                        f"rationale = 'x'\nexamples.remove = ['x']\nevidence = {evidence}\n", "utf-8")
        return path
    assert load_pack(pack("{ pages = 3, seen = 9 }")).rules[0].evidence == (("pages", 3), ("seen", 9))
    for bad in ("{ pages = 3 }", "{ pages = 10, seen = 9 }", "{ pages = 3, seen = 9, colour = 1 }",
                "{ pages = 'x', seen = 9 }", "3"):
        with pytest.raises(RuleError):
            load_pack(pack(bad))


def test_whole_pages_is_learned_from_the_body_cores_the_line_model_would_cut(rules, tmp_path):
    """A site's documents are whole pages to the line model when, on its own pages, that cuts at most
    `page_body_loss` of their bodies' cores; the evidence sums over pages and is written into the pack."""
    evidence = SiteEvidence(pages=4, framed_pages=2, body_pages=3, body_chars=10_000, body_cut=30)
    assert evidence.whole_pages(Thresholds()) == {"pages": 3, "framed_pages": 2, "body_chars": 10_000,
                                                  "body_cut_chars": 30}
    assert evidence.whole_pages(Thresholds(page_body_loss=0.002)) is None
    assert evidence.whole_pages(Thresholds(min_pages=4)) is None  # too few pages measured
    assert evidence.whole_pages(Thresholds(page_body_loss=0)) is None
    assert evidence.whole_pages(Thresholds(frame_share=0.6)) is None  # most pages show no frame: many sites
    merged = evidence.merge(SiteEvidence(pages=1, body_pages=1, body_chars=1_000, body_cut=10))
    assert (merged.framed_pages, merged.body_pages, merged.body_chars, merged.body_cut) == (2, 4, 11_000, 40)
    assert merged.whole_pages(Thresholds()) is None  # 2 of 5 pages framed
    mined = mine_site(site_pages(), rules)
    assert mined.whole_pages is not None and mined.whole_pages["pages"] == 20
    path = tmp_path / "p.toml"
    path.write_text(render_pack("example.com", mined.lines, Thresholds(), whole_pages=mined.whole_pages), "utf-8")
    assert load_pack(path).whole_pages
    assert cli("rules", "test", "--rules", path).exit_code == 0
    # A site where nothing was learned gets no pack setting either.
    path.write_text(render_pack("example.com", [], Thresholds(), whole_pages=mined.whole_pages), "utf-8")
    assert not load_pack(path).whole_pages


def pattern_lines(removals) -> set[int]:
    """Lines removed by a pattern rule (not the line model, not the layout pass)."""
    return {n for r in removals if not r.rule_id.startswith(("line-model", "layout."))
            for n in range(r.first_line, r.last_line + 1)}


def test_a_whole_pages_pack_decides_the_line_model_s_regime_on_its_site_only(rules, tmp_path):
    path = tmp_path / "p.toml"
    for bad in ("'yes'", "{ pages = -1 }", "3"):
        path.write_text(f"id = 'p'\nversion = '1'\nrules = []\nwhole_pages = {bad}\n", "utf-8")
        with pytest.raises(RuleError):
            load_pack(path)
    path.write_text("id = 'p'\nversion = '1'\nscope = ['example.com']\nrules = []\nwhole_pages = true\n", "utf-8")
    loaded = cleaner.load_rules([path])
    assert loaded.whole_pages("news.example.com") and not loaded.whole_pages("example.org")
    changed = 0
    # The seeds, and each with a tail of tag lines after its body: a document the boundary takes for an
    # extract (few short lines), where only a whole page's threshold lets the model cut the tail.
    seeds = [seed.read_text("utf-8") for seed in sorted(SEEDS.glob("*.txt"))]
    for text in seeds + [text + "\nTags\nPolitics\nLabour\nElections\n" for text in seeds]:
        plain = apply_rules(text, rules, "example.org")
        assert apply_rules(text, loaded, "example.org").text == plain.text
        whole = apply_rules(text, loaded, "example.com")
        # Only the model decides otherwise: it removes more lines, and its veto may give some back.
        assert pattern_lines(whole.removals) <= pattern_lines(plain.removals)
        changed += whole.text != plain.text
        result = cleaner.clean(text, rules=loaded, url="https://example.com/a")
        assert cleaner.restore(result.text, result.provenance) == text
    assert changed  # some document the boundary takes for an extract is cut as a whole page


# -- grouping by site ----------------------------------------------------------------------------------

def html_page(url: str, text: str) -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in text.splitlines() if line.strip())
    return (f'<html><head><title>t</title><link rel="canonical" href="{url}"/>'
            f'<meta property="og:url" content="{url}"/></head><body><article>{paragraphs}</article></body></html>')


def sites_of(tmp_path: Path, *sources: Path) -> dict[str, int]:
    found = mine_local(Sources([str(s) for s in sources]), RuleSpec(), Thresholds())
    return {r.site: r.pages for r in found}


def test_grouping_by_folder_sidecar_html_jsonl_and_parquet(tmp_path):
    pages = site_pages(6)
    write_site(tmp_path / "by-folder" / "www.folder.org", pages[:3])
    sidecars = write_site(tmp_path / "by-sidecar" / "mixed", pages[3:])
    for n, p in enumerate(sorted(sidecars.glob("*.txt"))):
        p.with_suffix(".url").write_text(f"https://{'a' if n < 2 else 'b'}.example.net/story/{n}\n", "utf-8")
    stems = write_site(tmp_path / "by-stem" / "dev", pages[:3], suffix=".full.txt")  # page.url beside page.full.txt
    for n, p in enumerate(sorted(stems.glob("*.full.txt"))):
        p.with_name(p.name.split(".")[0] + ".url").write_text(f"https://c{n}.example.net/\n", "utf-8")
    html = tmp_path / "by-html" / "saved"
    html.mkdir(parents=True)
    for n, text in enumerate(pages[:2]):
        (html / f"p{n}.html").write_text(html_page(f"https://news.example.org/{n}", text), "utf-8")
    records = [{"id": n, "text": t, "url": f"https://www.jsonl.example/{n}"} for n, t in enumerate(pages[:4])]
    records.append({"id": 9, "text": pages[5]})  # no url: the corpus file's name
    (tmp_path / "web.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    assert sites_of(tmp_path, tmp_path / "by-folder", tmp_path / "by-sidecar", tmp_path / "by-html",
                    tmp_path / "web.jsonl", tmp_path / "by-stem") == {
        # an HTML page's site is the host name trafilatura reports (the one that selects site packs)
        "folder.org": 3, "a.example.net": 2, "b.example.net": 1, "example.org": 2, "jsonl.example": 4,
        "web": 1, "c0.example.net": 1, "c1.example.net": 1, "c2.example.net": 1}
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq
    pq.write_table(pa.Table.from_pylist(records), tmp_path / "rows.parquet")
    assert sites_of(tmp_path, tmp_path / "rows.parquet") == {"jsonl.example": 4, "rows": 1}


# -- determinism, learn-sites --------------------------------------------------------------------------

def test_packs_are_the_same_whatever_the_order_and_the_workers(tmp_path):
    pages = site_pages(30)
    shuffled = pages[:]
    random.Random(5).shuffle(shuffled)
    for name, order in (("a", pages), ("b", shuffled)):
        recs = [{"id": n, "text": t, "url": "https://example.com/x"} for n, t in enumerate(order)]
        (tmp_path / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs), "utf-8")
    outs = []
    for name, jobs in (("a", "1"), ("b", "2"), ("b", "1")):
        out = tmp_path / f"packs-{name}-{jobs}"
        assert cli("mine", tmp_path / f"{name}.jsonl", "-o", out, "--jobs", jobs).exit_code == 0
        outs.append((out / "example.com.toml").read_bytes())
    assert outs[0] == outs[1] == outs[2]


def test_learn_sites_cleans_with_mined_rules_and_is_deterministic(tmp_path):
    write_site(tmp_path / "src" / "example.com", site_pages(24))
    one = cli("clean", tmp_path / "src", "-o", tmp_path / "one", "--learn-sites", "--jobs", "1")
    two = cli("clean", tmp_path / "src", "-o", tmp_path / "two", "--learn-sites", "--jobs", "2")
    assert one.exit_code == two.exit_code == 0, one.output
    files = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*") if p.is_file())
    assert all((tmp_path / "one" / f).read_bytes() == (tmp_path / "two" / f).read_bytes() for f in files)
    body = (tmp_path / "one" / "example.com" / "page-005.txt").read_text("utf-8")
    assert "Subscribe to our newsletter" not in body and FOOTER not in body
    assert PROSE_FURNITURE in body  # held back: prose inside the body, on a fifth of the pages
    record = json.loads((tmp_path / "one" / "example.com" / "page-005.provenance.json").read_text("utf-8"))
    cited = [r for r in record["removals"] if r["pack_id"] == "mined-example.com"]
    assert cited and all(r["evidence"]["seen"] == 24 for r in cited)
    original = cleaner.restore(body, record)
    assert original == (tmp_path / "src" / "example.com" / "page-005.txt").read_text("utf-8")


def test_learn_sites_on_a_jsonl_corpus_uses_each_record_s_site(tmp_path):
    pages = site_pages(20)
    records = [{"id": n, "text": t, "url": f"https://www.example.com/{n}"} for n, t in enumerate(pages)]
    records += [{"id": 99, "text": pages[0], "url": "https://other.org/x"}]  # another site: one page, no rules
    (tmp_path / "web.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    result = cli("clean", tmp_path / "web.jsonl", "-o", tmp_path / "out", "--learn-sites", "--jobs", "1")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in (tmp_path / "out" / "web.jsonl").read_text("utf-8").splitlines()]
    provenance = [json.loads(line)["provenance"]
                  for line in (tmp_path / "out" / "web.provenance.jsonl").read_text("utf-8").splitlines()]
    assert "\nSport\n" not in out[3]["text"]
    # the other site has no learned rules: it is cleaned as the default rules alone clean it
    assert out[-1]["text"] == cleaner.clean(pages[0], url="https://other.org/x").text
    assert any(r.get("evidence", {}).get("seen") == 20 for r in provenance[3]["removals"])


def test_learn_sites_changes_nothing_when_each_site_has_one_page(tmp_path):
    assert cli("clean", SEEDS, "-o", tmp_path / "plain", "--jobs", "1").exit_code == 0
    assert cli("clean", SEEDS, "-o", tmp_path / "learned", "--jobs", "1", "--learn-sites").exit_code == 0
    for path in (tmp_path / "plain").rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (tmp_path / "learned" / path.relative_to(tmp_path / "plain")).read_bytes()


# -- the pre-commit hook applies a committed mined pack ------------------------------------------------

def test_hook_applies_a_mined_pack_to_a_new_seed(tmp_path):
    write_site(tmp_path / "corpus" / "example.com", site_pages(20))
    assert cli("mine", tmp_path / "corpus", "-o", tmp_path / "repo" / "rules").exit_code == 0
    seeds = tmp_path / "repo" / "seeds"
    seeds.mkdir()
    new = seeds / "new.txt"
    new.write_text(site_pages(1, seed=42)[0], "utf-8")
    new.with_suffix(".url").write_text("https://example.com/2011/new-story\n", "utf-8")
    result = cli("hook", "check", "--rules", tmp_path / "repo" / "rules", new)
    assert result.exit_code == 1 and "mined-example.com" in result.output
    result = cli("hook", "fix", "--rules", tmp_path / "repo" / "rules", new)
    assert result.exit_code == 1
    assert "Subscribe to our newsletter" not in new.read_text("utf-8")
    assert cli("hook", "check", "--rules", tmp_path / "repo" / "rules", new).exit_code == 0


# -- the real sites --------------------------------------------------------------------------------------

SITES = SHARED / "sites"


@pytest.mark.skipif(not SITES.is_dir(), reason="needs ../shared/sites")
def test_a_real_site_mines_a_pack_that_passes_its_own_examples(tmp_path):
    site = sorted(p for p in SITES.iterdir() if p.is_dir())[0]
    shutil.copytree(site, tmp_path / site.name, ignore=shutil.ignore_patterns("*.html", "*.gold.txt", "*.recall.txt"))
    assert cli("mine", tmp_path / site.name, "-o", tmp_path / "packs").exit_code == 0
    assert cli("rules", "test", "--rules", tmp_path / "packs").exit_code == 0
    assert cli("rules", "lint", "--rules", tmp_path / "packs").exit_code == 0


# -- the Dask reduction on a real LocalCluster -----------------------------------------------------------

def test_dask_reduction_mines_what_the_local_engine_mines(tmp_path):
    distributed = pytest.importorskip("distributed")
    from cleaner.run.mining_dask import mine_bag, units_bag

    from .test_mining_blocks import commented_site

    pages = site_pages(24)
    records = [{"id": n, "text": t, "url": f"https://{'a' if n % 2 else 'b'}.example.com/{n}"}
               for n, t in enumerate(pages)]
    records += [{"id": 100 + n, "text": t, "url": "https://c.example.com/"} for n, t in enumerate(commented_site())]
    corpus_path = tmp_path / "web.jsonl"
    corpus_path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    local = mine_local(Sources([str(corpus_path)]), RuleSpec(), Thresholds())
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as cluster, distributed.Client(cluster):
        bag = units_bag(Sources([str(corpus_path)]), blocksize=2000)
        assert bag.npartitions > 4  # partial counts to merge
        on_dask = mine_bag(bag, cleaner.load_rules(), Thresholds())
    def found(results):
        return [(r.site, r.pages, r.mined, r.blocks, r.whole_pages) for r in results]

    assert found(on_dask) == found(local)
    assert {r.site for r in local} == {"a.example.com", "b.example.com", "c.example.com"}
    assert len(next(r for r in local if r.site == "c.example.com").blocks) == 2


@pytest.mark.skipif(not (SHARED / "devset").is_dir(), reason="needs ../shared/devset")
def test_learn_sites_on_dev_set_pages_changes_nothing(tmp_path):
    """Dev-set pages (`ID.full.txt` beside `ID.url`) group by their URL's host; a host with fewer than
    3 pages teaches nothing, so --learn-sites leaves every page as page-by-page cleaning does."""
    src = tmp_path / "devset"
    src.mkdir()
    for url in sorted((SHARED / "devset").glob("*.url"))[:60]:
        for name in (url.name, url.stem + ".full.txt"):
            shutil.copy(url.with_name(name), src / name)
    assert cli("clean", src, "-o", tmp_path / "plain", "--jobs", "1").exit_code == 0
    learned = cli("clean", src, "-o", tmp_path / "learned", "--jobs", "1", "--learn-sites")
    assert learned.exit_code == 0 and "learned 0 rules" in learned.output, learned.output
    for path in (tmp_path / "plain").rglob("*.txt"):
        assert path.read_bytes() == (tmp_path / "learned" / path.relative_to(tmp_path / "plain")).read_bytes()
