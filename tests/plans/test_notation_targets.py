"""Targets in words and parts of a whole: how plans.rules.notation reads them."""

from decimal import Decimal

import pytest

from plans.rules import rating
from plans.rules.notation import BLANK, parse_target, parse_value


@pytest.mark.parametrize(
    ("text", "at_least", "at_most"),
    [
        ("全国平均以上", True, False),
        ("県平均を超", True, False),
        ("全国平均以下", False, True),
        ("滞在人口を維持", False, False),
    ],
)
def test_target_in_words_has_no_value_and_keeps_the_words(text, at_least, at_most):
    parsed = parse_target(text)
    assert (parsed.value, parsed.raw, parsed.note, parsed.status) == (None, text, text, BLANK)
    assert (parsed.at_least, parsed.at_most) == (at_least, at_most)


def test_a_target_with_a_number_reads_as_a_value():
    assert parse_target("16,507人以上") == parse_value("16,507人以上")


@pytest.mark.parametrize("text", ["目標を達成", "以上", "R7に100人以上", "=A1以上", "=維持", "\t全国平均以上"])
def test_what_is_not_a_target_in_words_raises_value_error(text):
    with pytest.raises(ValueError):
        parse_target(text)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("滞在人口を維持", None, ""),
        ("維持", None, ""),
        ("241,724人を維持", Decimal("241724"), "人"),
        ("２４１，７２４人 維持", Decimal("241724"), "人"),
    ],
)
def test_a_target_written_iji_is_a_maintain_target(text, value, unit):
    parsed = parse_target(text)
    assert (parsed.maintain, parsed.value, parsed.unit, parsed.raw) == (True, value, unit, text)


@pytest.mark.parametrize("text", ["16,507人以上", "全国平均以上", "740人"])
def test_other_targets_are_not_maintain_targets(text):
    assert parse_target(text).maintain is False


def test_a_value_is_never_in_words():
    with pytest.raises(ValueError):
        parse_value("全国平均以上")


def test_at_least_target_in_words_cannot_be_judged():
    # 全国平均以上 until the national average is known: no target number, so the mark is -.
    parsed = parse_target("全国平均以上")
    mark = rating.progress_mark(
        direction=rating.INCREASE, baseline=Decimal("-2.6"), target=parsed.value, actual=Decimal("-1.0"), at_least=True
    )
    assert mark == rating.NO_MARK == "-"


@pytest.mark.parametrize(
    ("text", "value", "unit", "note"),
    [
        ("36事業/39事業(92.3%)", Decimal("36"), "事業", "36事業/39事業 / 92.3%"),
        ("1,603人/2,000人", Decimal("1603"), "人", "1,603人/2,000人"),
    ],
)
def test_part_of_a_whole_in_one_unit_is_the_part(text, value, unit, note):
    parsed = parse_value(text)
    assert (parsed.value, parsed.unit, parsed.note) == (value, unit, note)


@pytest.mark.parametrize("text", ["5/10", "36事業/39件", "12% ▼ 17%"])
def test_two_numbers_that_are_not_a_part_of_a_whole_still_raise(text):
    with pytest.raises(ValueError):
        parse_value(text)


def test_a_unit_with_a_slash_is_still_one_value():
    assert (parse_value("52 人/ha").value, parse_value("52 人/ha").unit) == (Decimal("52"), "人/ha")
