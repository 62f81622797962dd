"""Markdown input: rules read links, headings and emphasis as their words (`cleaner.lines.markdown_view`),
and cleaning still deletes the document's own lines, byte for byte."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.lines import markdown_view, split_lines

ARTICLE = """# How to grow tomatoes

Tomatoes need sun and water. Plant them in spring when the soil is warm, and water them deeply twice a week.

{furniture}

They also need support as they grow, so stake them early, before the stems get heavy with fruit.

Pinch out the side shoots every week, and feed the plants once the first flowers have set.
"""


def test_markup_is_read_as_its_words() -> None:
    assert markdown_view("## Related posts") == "Related posts"
    assert markdown_view("[**Free Demo**](/register/)") == "Free Demo"
    assert markdown_view('* [How to](https://x.com/a "t") and [b](c)') == "* How to and b"
    assert markdown_view("[![Logo](http://x/y.png)](http://z)") == "Logo"
    assert markdown_view("> quoted *and* **bold** text") == "quoted and bold text"
    assert markdown_view(r"en\_US and 1\. item") == "en_US and 1. item"
    assert markdown_view("Title #\r\n## Heading ##\r\n") == "Title #\r\nHeading\r\n"
    # a table row stays as written: an extractor gives an old table-layout page's menus as such rows, and
    # read as tab-separated cells they no longer looked like menus (tests/bench/mining.py's sites, session 51)
    rows = "| Home |  | Books |  | Celebs |\n| Weight | 5.2 oz |\n"
    assert markdown_view(rows) == rows


def test_plain_text_and_what_is_not_markup_stay_as_they_are() -> None:
    plain = "Tomatoes need sun.\n  • Related posts\n#hashtag and a * b * c\nsnake_case_name _x_\n"
    assert markdown_view(plain) is plain
    assert markdown_view("a [bracket] (aside)") == "a [bracket] (aside)"
    # a line the view would leave empty keeps its own text: it is not blank to the rules
    assert markdown_view("[![](http://x/y.png)](http://z)\nText\n") == "[![](http://x/y.png)](http://z)\nText\n"


markdownish = st.text(st.sampled_from("ab #*_>[]()!\\\r\n\t-"), max_size=60)


@settings(max_examples=300, deadline=None)
@given(markdownish)
def test_each_line_is_viewed_alone_with_its_terminator(text: str) -> None:
    lines, seen = split_lines(text), split_lines(markdown_view(text))
    assert [line.end_of_line for line in seen] == [line.end_of_line for line in lines]
    for line, view in zip(lines, seen, strict=True):
        assert view.text == markdown_view(line.text)


def test_a_long_text_is_viewed_in_pieces_as_each_line_alone() -> None:
    lines = ["## Related posts", "Plain prose, a * b.", "[Share](https://x.com/s) **now**", "> quoted", "| a | b |",
             "", "   # indented heading", "snake_case_name"]
    text = "\r\n".join(lines[i % len(lines)] for i in range(20_000)) + "\n"  # about 400 KB: many pieces
    assert len(text) > 4 * 65536
    assert markdown_view(text) == "\r\n".join(markdown_view(lines[i % len(lines)]) for i in range(20_000)) + "\n"
    plain = "Plain prose without a marker.\n" * 10_000
    assert markdown_view(plain) is plain


def test_markdown_furniture_goes_and_the_body_stays_byte_for_byte() -> None:
    furniture = ("**Sign up for our newsletter**\n\nGet the best gardening tips in your inbox every week.\n\n"
                 "[Subscribe](https://example.com/subscribe)\n\n"
                 "Share this article: [Facebook](https://facebook.com/share?u=x) [Twitter](https://x.com/i?u=x)")
    text = ARTICLE.format(furniture=furniture)
    result = cleaner.clean(text)
    assert result.text == ARTICLE.format(furniture="").replace("\n\n\n\n", "\n\n")
    assert cleaner.restore(result.text, result.provenance) == text
    assert cleaner.clean(result.text).text == result.text
    plain = cleaner.clean(ARTICLE.format(furniture="Sign up for our newsletter"))
    assert "newsletter" not in plain.text  # the same words without the markup go the same way
