"""Precision on prose: furniture wording inside an article's own sentences stays, and the
`context = "standalone"` condition that keeps it is decided as `cleaner/rules/kinds/context.py` says.

The five passages are the cases of issue 12 a new user found removed, written as article text: each
has the trigger sentence (or list) between the article's own paragraphs, and the default rules
must keep every line of it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import cleaner
from cleaner.errors import RuleError
from cleaner.rules.kinds.context import ARTICLE_LINES, is_sentence

# (rule whose wording the passage uses, the passage's lines)
PROSE_CASES = [
    ("cookie-notice", [
        "Regulators in Paris fined the publisher on Thursday for the way its consent banner worked.",
        'Investigators found that readers who clicked the "Accept all cookies" button were tracked by forty '
        "advertising firms, while the button to refuse was hidden two screens away.",
        "The publisher said it would appeal, and that it had changed the banner in the spring.",
    ]),
    ("app-promo", [
        "The bank's call centre was closed in March, and customers were told to use its website instead.",
        '"Click here is not a customer service strategy," said Maria Lopez, who runs a consumer group in Leeds, '
        "after the bank's chief executive defended the change.",
        "The bank said waiting times on its chat service had fallen by half since the spring.",
    ]),
    ("bulleted-headline-run", [
        "The academy handed out its awards on Sunday night in a ceremony that ran almost four hours.",
        "The winners in the main categories were:",
        "- Best Picture: The Quiet Harbour Of Saint Malo",
        "- Best Director: Ana Maria Costa For The Quiet Harbour",
        "- Best Actress: Lena Okafor In Northern Lights Again",
        "- Best Actor: Tomas Berg In The Last Ferry Home",
        "The ceremony drew its smallest television audience in a decade, the broadcaster said.",
    ]),
    ("related-link-line", [
        "The ceremony itself was short, and the host kept the speeches to a minute each.",
        "Related: the night's biggest snubs were the two documentaries that critics had tipped for months.",
        "Neither film's director attended, and the studio declined to comment on Monday.",
    ]),
    ("inbox-promo", [
        "Asked how she copes with the volume of e-mail her job brings, the editor laughed.",
        '"I started subscribing to fewer newsletters and now I actually read the ones delivered to my inbox '
        'every morning," she said.',
        "She reads them on the train, she added, before the office opens at nine.",
    ]),
]

# Job-category lists in forms no rule file quotes: inline, and as a list under a heading.
JOB_LISTS = [
    "Jobs in: Sales / Marketing / Finance / IT\n",
    "Browse jobs by sector\nSales\nMarketing\nFinance\nIT\n",
    "Vacancies by region: North West | Yorkshire | Scotland | Wales\n",
    "Popular job searches\n  • Warehouse Operative\n  • Care Assistant\n  • HGV Driver\n  • Receptionist\n",
    "Search jobs by category:\n- Accounting\n- Engineering\n- Healthcare\n- Teaching\n",
]


# Newsletter sign-up blocks in wordings no rule file quotes.
NEWSLETTER_BLOCKS = [
    "Never miss a story\nGet our weekly digest of the best long reads delivered to your inbox.\n"
    "Your email address\nSubscribe\nUnsubscribe at any time.\n",
    "Sign up to receive the latest updates from the field station\nEnter your email\nSign me up\n",
    "Join 40,000 gardeners who get our seasonal planting newsletter\nEmail address*\nSign Up\n",
    "Enjoyed this piece? Subscribe to the Sunday bulletin for more stories like it.\n",
    "Monthly newsletter\nNewsletter sign-up\n",
]


# Share and follow footers: a label over its buttons, in forms no rule file quotes.
SHARE_FOOTERS = [
    "Spread the word\nShare on Facebook\nShare on WhatsApp\nCopy link\n",
    "Keep in touch with us\nInstagram · Threads · Bluesky\n",
    "Loved this guide? Share it with your running club\n  • Facebook\n  • Email\n",
    "Find me online:\nMastodon\nRSS\n",
]


def _article(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("rule_id,lines", PROSE_CASES, ids=[rule for rule, _ in PROSE_CASES])
def test_default_rules_keep_furniture_wording_inside_an_article(rule_id, lines):
    text = _article(lines)
    alone = cleaner.load_rules().only([rule_id])
    assert cleaner.clean(text, rules=alone).text == text, f"{rule_id} removed article text"
    result = cleaner.clean(text)
    assert result.text == text, [(r.rule_id, r.text) for r in result.removals]


@pytest.mark.parametrize("rule_id,lines", PROSE_CASES, ids=[rule for rule, _ in PROSE_CASES])
def test_the_same_wording_standing_apart_is_still_removed(rule_id, lines):
    """The trigger line, with the prose around it replaced by page furniture, goes: the context
    condition spares prose, it does not switch the rule off."""
    trigger = [line for line in lines if line.startswith("- ")] or [lines[1]]
    page = "\n".join(["Home", "News", *trigger, "About us", "Contact"]) + "\n"
    alone = cleaner.load_rules().only([rule_id])
    removed = [r.text for r in cleaner.clean(page, rules=alone).removals if r.pack_id != "layout"]
    assert "".join(removed).splitlines() == trigger


# The three named kinds, in forms no rule file quotes: each block is removed whole.
@pytest.mark.parametrize("text", JOB_LISTS + NEWSLETTER_BLOCKS + SHARE_FOOTERS)
def test_default_rules_remove_job_lists_sign_up_blocks_and_share_footers(text):
    assert cleaner.clean(text).text.strip() == ""


# Articles about the same things keep every line.
ARTICLES_ABOUT_FURNITURE = [
    [
        "The council's own newsletter went out to 40,000 homes last year, at a cost of 12p a copy.",
        "Residents who sign up for the e-mail edition instead save the council about £4,000 a year.",
        "The leader said the printed edition would continue for readers without internet access.",
    ],
    [
        "The band announced the tour on Monday, two years after their last record came out.",
        "Follow us",
        "was the name of their first single, released in 2009 on a label in Bristol.",
    ],
    [
        "The economy added 210,000 jobs in May, more than economists had expected.",
        "Jobs in the sectors that led the gains:",
        "- Health care: 68,000",
        "- Construction: 31,000",
        "- Leisure and hospitality: 42,000",
        "Wages rose 0.4 per cent over the month, the bureau said on Friday.",
    ],
]


@pytest.mark.parametrize("lines", ARTICLES_ABOUT_FURNITURE, ids=["newsletters", "follow-us", "jobs"])
def test_articles_about_newsletters_follows_and_jobs_keep_every_line(lines):
    text = _article(lines)
    assert cleaner.clean(text).text == text


RULE = """
id = "t"
version = "1"
[[rules]]
id = "promo"
kind = "{kind}"
context = "{context}"
{field} = '{pattern}'
min_items = 2
rationale = "r"
examples.remove = ["{example}"]
"""


def _rules(tmp_path: Path, context: str, kind: str = "line") -> cleaner.RuleSet:
    field, pattern, example = ("pattern", "(?i)newsletter", "Newsletter") if kind == "line" else \
        ("item", "^- ", "- a\\n- b")
    text = RULE.format(kind=kind, context=context, field=field, pattern=pattern, example=example)
    if kind == "line":
        text = text.replace("min_items = 2\n", "")
    path = tmp_path / "t.toml"
    path.write_text(text, "utf-8")
    return cleaner.load_rules([path], defaults=False)


P1 = "The council published its accounts on Monday, two months later than the law requires."
P2 = "Auditors said the delay came from a software change that nobody had tested before April."
INSIDE = "Residents learnt about the overspend from the parish newsletter, which reported it first."


def test_standalone_line_keeps_a_sentence_between_prose_lines(tmp_path):
    rules = _rules(tmp_path, "standalone")
    assert cleaner.clean(f"{P1}\n{INSIDE}\n{P2}\n", rules=rules).removals == ()
    assert cleaner.clean(f"{P1}\n\n{INSIDE}\n\n{P2}\n", rules=rules).text.count(INSIDE) == 1


@pytest.mark.parametrize("text", [
    f"{P1}\nSign up for our newsletter\n{P2}\n",           # short: not a sentence
    f"{INSIDE}\n{P2}\n",                                  # at the edge of the document
    f"Latest news\n{INSIDE}\n{P2}\n",                     # under a heading
    f"{P1}\n{INSIDE}\nThe newsletter is free to read.\n",  # next to another matching line
    f"{P1}\n{INSIDE}\n{P2}\n{INSIDE}\n{P1}\n",            # repeated
    f"{P1}\nGet Our Free Weekly Newsletter For Council Watchers Today.\n{P2}\n",  # headline case
])
def test_standalone_line_removes_a_match_that_stands_as_furniture(tmp_path, text):
    rules = _rules(tmp_path, "standalone")
    removed = [r for r in cleaner.clean(text, rules=rules).removals if r.pack_id != "layout"]
    assert removed and all("ewsletter" in r.text for r in removed)


def test_any_context_removes_the_sentence_too(tmp_path):
    rules = _rules(tmp_path, "any")
    assert cleaner.clean(f"{P1}\n{INSIDE}\n{P2}\n", rules=rules).text == f"{P1}\n{P2}\n"


def test_standalone_run_keeps_a_list_after_a_lead_in_or_between_prose(tmp_path):
    rules = _rules(tmp_path, "standalone", kind="list_run")
    items = "- one\n- two\n- three\n"
    assert cleaner.clean(f"The three options were:\n{items}", rules=rules).removals == ()
    assert cleaner.clean(f"{P1}\n{items}{P2}\n", rules=rules).removals == ()
    assert cleaner.clean(f"Read next\n{items}", rules=rules).text == "Read next\n"
    assert cleaner.clean(f"{P1}\n{items}Photo: Agency\n", rules=rules).text == f"{P1}\nPhoto: Agency\n"


def test_article_run_keeps_a_list_with_prose_near_it_on_both_sides(tmp_path):
    rules = _rules(tmp_path, "article", kind="list_run")
    items = "- Tent and poles\n- Sleeping bag\n- Stove\n"
    # under a section heading, with the article's prose above it and below it: the article's list
    assert cleaner.clean(f"{P1}\nWhat to pack\n{items}{P2}\n", rules=rules).removals == ()
    assert cleaner.clean(f"The kit was:\n{items}", rules=rules).removals == ()  # standalone keeps it too
    # a section's lists under their own headings, prose a few headings away: still the article's
    sections = f"Pros\n{items}Cons\n- Heavy\n- Dear\nServices\n{items}Prices\n"
    assert cleaner.clean(f"{P1}\nWhat to pack\n{sections}{P2}\n", rules=rules).removals == ()
    # at the edge of the page, among other short lines, or with prose on one side only: a menu
    assert cleaner.clean(f"{items}{P1}\n", rules=rules).text == f"{P1}\n"
    labels = "".join(f"Label {k}\n" for k in range(ARTICLE_LINES))
    assert cleaner.clean(f"{P1}\n{labels}{items}{P2}\n", rules=rules).text == f"{P1}\n{labels}{P2}\n"
    assert cleaner.clean(f"{P1}\n{items}", rules=rules).text == f"{P1}\n"


def test_article_wide_run_keeps_an_articles_closing_list_and_a_listicles_lists(tmp_path):
    rules = _rules(tmp_path, "article_wide", kind="list_run")
    items = "- Tent and poles\n- Sleeping bag\n- Stove\n"
    # the article's closing list (its links, contributors), with nothing after it: `article` removes it
    assert cleaner.clean(f"{P1}\n{items}", rules=rules).removals == ()
    # short lists under their headings, the article's prose near above and far below
    sections = "".join(f"Shop {k}\n{items}" for k in range(ARTICLE_LINES + 2))
    assert cleaner.clean(f"{P1}\n{sections}{P2}\n", rules=rules).removals == ()
    # a menu at the top of the text, and a run whose only prose is a teaser cut off with an ellipsis
    assert cleaner.clean(f"{items}{P1}\n", rules=rules).text == f"{P1}\n"
    teaser = "The minister said the new plan would cost far more than anyone had..."
    assert cleaner.clean(f"Latest\n{teaser}\n{items}", rules=rules).text == f"Latest\n{teaser}\n"


def test_article_context_on_a_line_rule_is_standalone(tmp_path):
    rules = _rules(tmp_path, "article")
    assert cleaner.clean(f"{P1}\n{INSIDE}\n{P2}\n", rules=rules).removals == ()
    assert cleaner.clean(f"{P1}\nSign up for our newsletter\n{P2}\n", rules=rules).text == f"{P1}\n{P2}\n"


def test_context_must_be_one_of_its_choices(tmp_path):
    with pytest.raises(RuleError, match="context"):
        _rules(tmp_path, "inside")


@pytest.mark.parametrize("text,expected", [
    ("The council published its accounts on Monday, late again.", True),
    ("Related: the night's biggest snubs were the two documentaries.", True),
    ("READ MORE: Will The New Rules Change How Students Apply To College?", False),
    ("Sign up for our newsletter.", False),  # too short
    ("A long line of words without any closing punctuation at all here", False),
])
def test_what_counts_as_a_sentence(text, expected):
    assert is_sentence(text) is expected


def test_every_sentence_matching_default_rule_declares_a_context_and_a_prose_example():
    """A line rule that can hold a sentence (no `max_chars`, or 100 characters and more) declares
    `context = "standalone"` and keeps a prose sentence among its examples."""
    missing = []
    for rule in cleaner.load_rules().rules():
        if rule.kind != "line" or 0 < rule.max_chars < 100:
            continue
        if rule.context != "standalone":
            missing.append(f"{rule.id}: context")
        if not any(is_sentence(line.strip()) for keep in rule.examples_keep for line in keep.splitlines()):
            missing.append(f"{rule.id}: no prose sentence in examples.keep")
    assert not missing, missing


def test_label_context_keeps_a_short_match_only_between_prose_lines(tmp_path):
    rules = _rules(tmp_path, "label")
    assert cleaner.clean(f"{P1}\nNewsletter\n{P2}\n", rules=rules).removals == ()  # quoted, between prose
    assert cleaner.clean(f"{P1}\nNewsletter\nSubscribe\n", rules=rules).text == f"{P1}\nSubscribe\n"
    assert cleaner.clean(f"{P1}\nNewsletter\n", rules=rules).text == f"{P1}\n"  # at the end of the text


def test_structure_matches_keeps_a_pattern_that_pervades_the_document(tmp_path):
    path = tmp_path / "t.toml"
    text = RULE.format(kind="line", context="any", field="pattern", pattern="^Pictured:", example="Pictured: x")
    path.write_text(text.replace("min_items = 2\n", "structure_matches = 3\n"), "utf-8")
    rules = cleaner.load_rules([path], defaults=False)
    two = f"{P1}\nPictured: a\nPictured: b\n{P2}\n"
    assert cleaner.clean(two, rules=rules).text == f"{P1}\n{P2}\n"  # one or two captions: furniture
    three = f"{P1}\nPictured: a\nPictured: b\nPictured: c\n{P2}\n"
    assert cleaner.clean(three, rules=rules).removals == ()  # a gallery's own list


FERRY = [
    "The city council voted on Tuesday to extend the harbour ferry service into the winter months, after two "
    "years of complaints from commuters on the eastern shore.",
    "Officials said the extension would cost about £1.2 million a year, paid for in part by a small rise in the "
    "fare for single journeys bought on board.",
    "Commuters who spoke to the paper welcomed the decision, though several said the timetable still leaves a gap "
    "of almost an hour in the early evening.",
    "The operator has until March to hire the extra crew it needs, and the council will review the service again "
    "after its first full winter.",
]


@pytest.mark.parametrize("label, headline", [
    ("Read next", "The hidden cost of cheap flights"),
    ("You might also like", "Why the bus lane failed"),
    ("Related stories", "Harbour dredging to begin in spring"),
])
def test_a_teaser_box_between_two_paragraphs_goes_whole_and_the_article_stays(label, headline):
    """A related box standing as a block of its own inside the article, its label over a headline: the line
    model, trained on pages whose furniture stands outside the article, scored the label as body and its veto
    gave it back (`veto_spares_blocks` spares such a block), and the label rule did not know "Read next"."""
    points = ["- Ferries will run every 30 minutes from 6am", "- Single fares rise by 20p on board",
              "- The council reviews the service next autumn"]
    blocks = ["Ferry service extended into winter", FERRY[0], f"{label}\n{headline}", *FERRY[1:3], "Key points",
              *points, FERRY[3]]
    result = cleaner.clean("\n\n".join(blocks) + "\n")
    assert label not in result.text and headline not in result.text
    assert all(line in result.text for line in [*FERRY, *points, "Key points"])


@pytest.mark.parametrize("box", [
    ["You've read 3 of your 5 free articles this month.", "Subscribe today for unlimited access from £1 a week."],
    ["Join our newsroom", "The Harbour Gazette is hiring a local democracy reporter, based in Portsmouth.",
     "Apply now →"],
])
def test_a_box_of_furniture_sentences_between_two_paragraphs_goes_whole(box):
    """A block of its own between two paragraphs whose lines the furniture-line classifiers score as one kind of
    furniture (`box_lines`) goes, though its lines read as sentences; the paywall box stayed whole on a442a83."""
    result = cleaner.clean("\n\n".join(["Ferry service extended into winter", FERRY[0], "\n".join(box), *FERRY[1:]]))
    assert not [line for line in box if line in result.text]
    assert all(paragraph in result.text for paragraph in FERRY)
