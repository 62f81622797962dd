"""Hard-wrapped text: a paragraph broken over several lines is read, and removed, as one
(`cleaner.lines.wrapped_paragraphs`, `cleaner.engine.units`), and the output is still the input's own
lines, byte for byte, restorable and idempotent."""

from __future__ import annotations

import textwrap

from hypothesis import given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.engine.decide import MANUAL, apply_rules
from cleaner.lines import wrapped_paragraphs

PARAGRAPHS = [
    "How to grow tomatoes in a small garden",
    "Tomatoes need sun and water, and they grow best when the soil is warm; plant them out in late spring, "
    "once the nights stay mild, and water them deeply twice a week rather than a little every day.",
    "They also need support as they grow, so stake them early, before the stems get heavy with fruit, and "
    "tie each stem loosely with soft string so that it can still thicken over the summer.",
    "Pinch out the side shoots every week, feed the plants once the first flowers have set, and pick the "
    "fruit as soon as it colours, which keeps the plant producing until the first frosts arrive.",
    "Sign up for our newsletter",
    "Get the best gardening tips, seasonal planting guides and exclusive offers from our partners delivered "
    "straight to your inbox every Friday morning.",
    "Share this article: Facebook Twitter LinkedIn",
]


def wrapped(paragraphs: list[str], width: int = 72, end: str = "\n") -> str:
    return end.join(end.join(textwrap.wrap(p, width)) + end for p in paragraphs)


def test_paragraphs_of_a_wrapped_text_and_none_for_a_plain_one() -> None:
    lines = wrapped(PARAGRAPHS).split("\n")
    found = wrapped_paragraphs(lines)
    assert found is not None
    joined = [" ".join(lines[i] for i in r) for r in found if any(lines[i] for i in r)]
    assert joined == PARAGRAPHS
    assert wrapped_paragraphs("\n".join(PARAGRAPHS).split("\n")) is None  # a paragraph a line
    menu = ["Home", "News", "Sport", "Weather", "Contact us", "About", "Jobs", "Privacy", "Terms"]
    assert wrapped_paragraphs(menu) is None


def test_a_wrapped_sign_up_block_goes_whole_and_the_body_stays() -> None:
    text = wrapped(PARAGRAPHS)
    result = cleaner.clean(text)
    assert result.text == wrapped(PARAGRAPHS[:4])
    assert cleaner.restore(result.text, result.provenance) == text
    assert cleaner.clean(result.text).text == result.text
    promo = [r for r in result.removals if "inbox" in r.text]
    assert len(promo) == 1 and promo[0].last_line == promo[0].first_line + 2  # one removal of its three lines


def test_crlf_wrapped_text_is_read_alike() -> None:
    result = cleaner.clean(wrapped(PARAGRAPHS, end="\r\n"))
    assert result.text == wrapped(PARAGRAPHS[:4], end="\r\n")


words = st.sampled_from(["the", "garden", "newsletter", "Sign", "up", "Share", "Facebook", "water,", "plants.",
                         "inbox", "every", "week", "Home", "tomatoes", "and", "•", "#"])
paragraph = st.one_of(st.lists(words, min_size=1, max_size=5), st.lists(words, min_size=12, max_size=60)).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(st.lists(paragraph, min_size=2, max_size=14), st.sampled_from([40, 60, 72]), st.sampled_from(["\n", "\r\n"]))
def test_wrapped_text_restores_exactly_and_cleans_idempotently(paragraphs, width, end) -> None:
    text = wrapped(paragraphs, width, end)
    result = cleaner.clean(text)
    assert cleaner.restore(result.text, result.provenance) == text
    assert cleaner.clean(result.text).text == result.text


def test_a_line_removed_by_hand_inside_a_wrapped_paragraph_goes_alone() -> None:
    text = wrapped(PARAGRAPHS)
    by_rules = apply_rules(text, cleaner.load_rules())
    lines = text.split("\n")
    by_hand = apply_rules(text, cleaner.load_rules(), manual=[3])  # the second line of the second paragraph
    assert [r.first_line for r in by_hand.removals if r.rule_id == MANUAL] == [4]
    assert by_hand.text == by_rules.text.replace(lines[3] + "\n", "", 1)


# An article in a script without case (Arabic), then a share box. The wrapping tool's breaks cannot be told by
# a lower-case letter after them, so only the width tells them (`_runs_on_in_case`); read as fragments, the
# paragraphs' last lines went with the box (the line model reads no Arabic word).
ARABIC = [
    "افتتحت البلدية أمس حديقة عامة جديدة في وسط المدينة بعد عامين من أعمال البناء والتشجير، "
    "وحضر الافتتاح عدد كبير من السكان.",
    "وقال رئيس البلدية إن الحديقة تضم ملاعب للأطفال ومسارات للمشي وأكثر من ألف شجرة، "
    "وإن الدخول إليها مجاني طوال أيام الأسبوع.",
    "ورحب أصحاب المحلات القريبة بالمشروع، وتوقعوا أن يزيد عدد الزوار في المنطقة خلال فصل الصيف المقبل بشكل ملحوظ.",
]
SHARE_BOX = ["طباعة", "إرسال بالبريد", "مشاركة الخبر", "تم نسخ الرابط"]


def test_a_wrapped_text_in_a_script_without_case_is_read_as_paragraphs() -> None:
    article = wrapped(ARABIC, width=44)
    assert wrapped_paragraphs(article.split("\n")) is not None
    result = cleaner.clean(article + "\n" + "\n".join(SHARE_BOX) + "\n")
    assert article in result.text  # every line of the article's paragraphs


# Korean wrapped at 40 columns where the wrapped lines start with numbers ("120억", "2027년"): a digit says
# nothing of a wrap, so only breaks after a letter of a script without case tell one (read as fragments,
# the first line of the article went as a lone line beside the share box).
KOREAN_LINES = [
    "서울시는 내년 공원 조성 예산으로 강북과 강남의 여러 자치구에 걸쳐 모두",
    "120억 원을 배정했다고 어제 시청에서 열린 기자회견에서 발표했다.",
    "",
    "새로 문을 여는 공원은 주거지와 가까운 곳에 들어서며 시민들이 쉴 수 있는",
    "15곳의 쉼터와 함께 어린이를 위한 놀이터와 운동 시설을 갖추게 된다고",
    "2027년까지 차례로 개장할 예정이라고 공원녹지국 관계자가 설명했다.",
    "",
    "시 관계자는 공원마다 주민들이 걷기 좋은 산책로를 새로 만들고 길이는",
    "3킬로미터 이상이 되도록 설계하며 나무도 지역에 맞는 수종으로 골라",
    "10만 그루를 새로 심겠다고 덧붙였으며 주민 의견도 듣겠다고 밝혔다.",
]
KOREAN_SHARE_BOX = ["공유하기", "페이스북", "카카오톡", "링크 복사", "기사 스크랩"]


def test_wrapped_lines_that_start_with_numbers_in_a_script_without_case() -> None:
    assert wrapped_paragraphs(KOREAN_LINES) == [range(0, 2), range(2, 3), range(3, 6), range(6, 7), range(7, 10)]
    article = "\n".join(KOREAN_LINES) + "\n"
    result = cleaner.clean(article + "\n" + "\n".join(KOREAN_SHARE_BOX) + "\n")
    assert result.text == article
