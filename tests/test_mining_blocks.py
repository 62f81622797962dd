"""Mined blocks: a frame of two repeated lines around what changes from page to page (comments, a
"more from" list), never around a page's body."""

from __future__ import annotations

import json
import random

import cleaner
from cleaner.authoring.check import check_examples
from cleaner.authoring.mine import Thresholds, mine_site
from cleaner.authoring.mineblocks import body_span
from cleaner.authoring.minepack import render_pack
from cleaner.rules.loader import load_pack

from .test_mining import FOOTER, NAV, WORDS, cli, sentence

COMMENTS, END = "Voices from the town hall", "Add your voice"
RELATED, SHARE = "Picked by the desk", "Desk picks end"


def commented_page(n: int, rng: random.Random, *, comments: bool = True, related_first: bool = False) -> str:
    """A page: navigation, headline, body; then (on most pages) reader comments framed by two lines that
    repeat, each comment different; then a related list framed by two repeated lines; then the footer.
    With `related_first`, the related frame holds the article's body instead (a page whose template puts
    the story there)."""
    body = [sentence(rng) for _ in range(6)]
    thread = [f"{name(rng)} wrote\n{sentence(rng)}" for _ in range(rng.randint(1, 3))]
    related = [f"{name(rng).title()} in pictures" for _ in range(3)]
    parts = [*NAV, f"Headline about the {name(rng)}", ""]
    if related_first:
        parts += [RELATED, *body, SHARE, ""]
    else:
        parts += [*body, "", RELATED, *related, SHARE, ""]
    if comments:
        parts += [COMMENTS, *thread, END, ""]
    return "\n".join([*parts, FOOTER]) + "\n"


def name(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(3))


def commented_site(count: int = 24, seed: int = 2, *, odd_page: bool = False) -> list[str]:
    rng = random.Random(seed)
    pages = [commented_page(n, rng, comments=n % 4 != 0) for n in range(count)]
    if odd_page:
        pages.append(commented_page(count, rng, related_first=True))
    return pages


def frames(blocks) -> set[tuple[str, str]]:
    return {(b.start[0], b.ends[0][0]) for b in blocks}


def test_a_frame_around_changing_lines_becomes_a_block_rule(rules, tmp_path):
    pages = commented_site()
    mined = mine_site(pages, rules)
    assert frames(mined.blocks) == {(COMMENTS, END), (RELATED, SHARE)}
    comments = next(b for b in mined.blocks if b.start[0] == COMMENTS)
    assert comments.evidence() == {"pages": 18, "seen": 24}
    assert comments.max_lines >= 8  # the longest thread seen spans 8 lines, half again allowed
    path = tmp_path / "example.com.toml"
    path.write_text(render_pack("example.com", mined.lines, Thresholds(), blocks=mined.blocks), "utf-8")
    pack = load_pack(path)
    block_rules = [r for r in pack.rules if r.kind == "block"]
    assert len(block_rules) == 2 and all(dict(r.evidence) in ({"pages": 18, "seen": 24}, {"pages": 24, "seen": 24})
                                         for r in block_rules)
    loaded = cleaner.load_rules([path])
    checked, failures = check_examples(loaded.only(r.id for r in pack.rules))
    assert checked and not failures
    assert cli("rules", "test", "--rules", path).exit_code == 0
    # Cleaning a page with the pack removes the comments and the related list, and keeps the body.
    page = pages[1]
    cleaned = cleaner.clean(page, rules=loaded, url="https://example.com/a")
    kept = cleaned.text.splitlines()
    thread = page.split(COMMENTS)[1].split(END)[0].strip().splitlines()
    related = page.split(RELATED)[1].split(SHARE)[0].strip().splitlines()
    assert thread and related and not set(thread + related) & set(kept)
    body = [line for line in page.splitlines() if line.endswith(".") and line not in thread and line != FOOTER]
    assert len(body) == 6 and all(line in kept for line in body)
    owners = {r["rule_id"] for r in cleaned.provenance["removals"] if r["pack_id"] == pack.id}
    assert {r.id for r in block_rules} <= owners
    assert set(thread + related) <= set(cleaner.clean(page, rules=rules).text.splitlines())  # kept by the defaults


def test_a_frame_that_held_a_body_on_one_page_is_never_proposed(rules):
    assert (RELATED, SHARE) in frames(mine_site(commented_site(), rules).blocks)
    assert (RELATED, SHARE) not in frames(mine_site(commented_site(odd_page=True), rules).blocks)


def test_one_page_or_too_few_teach_no_block(rules):
    assert not mine_site(commented_site(1), rules).blocks
    assert not mine_site(commented_site(24), rules, Thresholds(min_pages=20, min_share=0.03)).blocks[1:]


def test_the_body_goes_on_over_a_short_list_between_its_paragraphs():
    """A review's pros and cons (repeated subheadings, short items) sit inside its body."""
    prose = "A paragraph of the review that is long enough to read as prose, number {}."
    lines = ["Menu", "Title", prose.format(1), prose.format(2), "Pros", "Cheap", "Fast", "Cons", "Loud",
             prose.format(3), "Share", "Like", "Tweet", "Comments", prose.format(4), "End"]
    anchor = [line in ("Menu", "Pros", "Cons", "Share", "Like", "Tweet", "Comments", "End") for line in lines]
    assert body_span(lines, anchor) == (1, 9)  # through the third paragraph, not into the comments


def test_the_body_does_not_go_on_past_a_paragraph_the_site_repeats():
    """A blurb found on the site's other pages ends the article: the teasers after it are not its body."""
    prose = "A paragraph of the post that is long enough to read as prose, number {}."
    blurb = "The Daily Pick is one thing the editors recommend each morning for your enjoyment."
    teaser = "Another Story Worth Reading: it is long enough to read as prose too, number {}."
    lines = ["Menu", "Title", prose.format(1), prose.format(2), "Advertisement", blurb, teaser.format(1),
             teaser.format(2), "Sponsored links"]
    anchor = [line in ("Menu", "Advertisement", blurb, "Sponsored links") for line in lines]
    assert body_span(lines, anchor) == (1, 3)  # the post, not the teasers after the blurb
    lines[5] = "Read more"  # a short repeated line there is a subheading: the body goes on over it
    anchor[5] = False
    assert body_span(lines, [line in ("Menu", "Advertisement", "Read more", "Sponsored links") for line in lines]
                     ) == (1, 7)


def test_the_body_is_the_first_run_of_prose_with_its_head():
    lines = ["Menu", "Headline", "By A Writer", "", "First paragraph of the story, long enough to be prose here.",
             "Second paragraph of the story, long enough to be prose too.", "Share", "Like", "Comments",
             "A comment that goes on and on, long enough to read as prose.", "End"]
    anchor = [line in ("Menu", "Share", "Like", "Comments", "End") for line in lines]
    assert body_span(lines, anchor) == (1, 5)  # headline and byline above; below, up to the next anchor
    assert body_span(["Menu", "Home"], [True, True]) is None


def test_blocks_are_the_same_whatever_the_order_and_the_workers(tmp_path):
    pages = commented_site(30)
    shuffled = pages[:]
    random.Random(5).shuffle(shuffled)
    outs = []
    for name, order in (("a", pages), ("b", shuffled)):
        recs = [{"id": n, "text": t, "url": "https://example.com/x"} for n, t in enumerate(order)]
        (tmp_path / f"{name}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs), "utf-8")
    for name, jobs in (("a", "1"), ("b", "2"), ("b", "1")):
        out = tmp_path / f"packs-{name}-{jobs}"
        assert cli("mine", tmp_path / f"{name}.jsonl", "-o", out, "--jobs", jobs).exit_code == 0
        outs.append((out / "example.com.toml").read_bytes())
    assert outs[0] == outs[1] == outs[2] and outs[0].count(b'kind = "block"') == 2
