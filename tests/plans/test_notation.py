"""Every notation of DOMAIN.md ("Numbers as the documents write them", "Years") as a table row."""

from decimal import Decimal

import pytest

from plans.rules.notation import (
    decimal_places,
    format_year,
    normalize_text,
    parse_era_month,
    parse_era_year,
    parse_value,
    parse_year,
    written_places,
)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("16,507人", Decimal("16507"), "人"),
        ("△69人", Decimal("-69"), "人"),
        ("▲2.6", Decimal("-2.6"), ""),
        ("１８，１６５人", Decimal("18165"), "人"),
        ("１８，１６５", Decimal("18165"), ""),
        ("15,048 億円", Decimal("15048"), "億円"),
        ("9,028 千人", Decimal("9028"), "千人"),
        ("39.3 万人", Decimal("39.3"), "万人"),
        ("320,975 百万円", Decimal("320975"), "百万円"),
        ("52 人/ha", Decimal("52"), "人/ha"),
        ("870g/人・日", Decimal("870"), "g/人・日"),
        ("63.0%", Decimal("63.0"), "%"),
        ("0円", Decimal("0"), "円"),
        ("+1,520人", Decimal("1520"), "人"),
        ("2,439千円", Decimal("2439"), "千円"),
        ("1.65", Decimal("1.65"), ""),
    ],
)
def test_parse_value_reads_numbers_and_units_as_written(text, value, unit):
    parsed = parse_value(text)
    assert parsed.value == value
    assert parsed.unit == unit
    assert parsed.status == "measured"
    assert parsed.raw == text


def test_unit_is_kept_as_stated_not_rescaled():
    assert parse_value("39.3 万人").value == Decimal("39.3")


@pytest.mark.parametrize(
    ("text", "at_least"),
    [("16,507人以上", True), ("1,603人以上", True), ("16,507人", False), ("5人以下", False)],
)
def test_ijou_means_at_least(text, at_least):
    assert parse_value(text).at_least is at_least


def test_ika_means_at_most():
    assert parse_value("5人以下").at_most is True


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("-", "blank"),
        ("—", "blank"),
        ("－", "blank"),
        ("", "blank"),
        ("集計中", "pending"),
        ("未把握", "unmeasured"),
        ("未実施により未把握", "unmeasured"),
        ("イベント未実施により未把握", "unmeasured"),
    ],
)
def test_no_value_markers_give_none_and_keep_the_reason(text, status):
    parsed = parse_value(text)
    assert parsed.value is None
    assert parsed.status == status


def test_unmeasured_keeps_its_reason_as_note():
    assert parse_value("未実施により未把握").note == "未実施により未把握"


@pytest.mark.parametrize("text", ["39.3 万人 (速報値)", "(速報値) 81.7%", "（速報値）81.7％"])
def test_preliminary_annotation_before_or_after(text):
    parsed = parse_value(text)
    assert parsed.preliminary is True
    assert parsed.value in (Decimal("39.3"), Decimal("81.7"))


def test_survey_year_annotation():
    parsed = parse_value("81.7%(R3 調査)")
    assert parsed.value == Decimal("81.7")
    assert parsed.survey_year == 2021
    assert "R3 調査" in parsed.note


def test_cumulative_to_year_annotation():
    parsed = parse_value("397件 (R4年度までの累計)")
    assert parsed.value == Decimal("397")
    assert parsed.cumulative is True
    assert parsed.cumulative_to_year == 2022


@pytest.mark.parametrize(
    ("text", "value", "note"),
    [
        ("46人(年3人)", Decimal("46"), "年3人"),
        ("31件(うち人的交流を伴うもの19件)", Decimal("31"), "うち人的交流を伴うもの19件"),
        ("全国平均から▲2.6", Decimal("-2.6"), "全国平均から"),
    ],
)
def test_annotations_travel_with_the_value_as_a_note(text, value, note):
    parsed = parse_value(text)
    assert parsed.value == value
    assert parsed.note == note


def test_annotated_year_is_read_so_that_it_can_win_over_the_column():
    parsed = parse_value("1.50 (R1)")
    assert parsed.value == Decimal("1.50")
    assert parsed.annotated_year == 2019


@pytest.mark.parametrize("text", ["二", "abc", "目標を達成", "12% ▼ 17%", "179人→230人"])
def test_text_that_cannot_be_a_value_raises_value_error_quoting_it(text):
    with pytest.raises(ValueError, match=text[:2]):
        parse_value(text)


def test_numbers_pass_through():
    assert parse_value(12).value == Decimal("12")
    assert parse_value(Decimal("1.5")).value == Decimal("1.5")
    assert parse_value(76.4).value == Decimal("76.4")


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("R元年度", 2019),
        ("H31", 2019),
        ("令和元年度", 2019),
        ("R1", 2019),
        ("H27", 2015),
        ("H26年度", 2014),
        ("平成22年度", 2010),
        ("R4 年度", 2022),
        ("R5年", 2023),
        ("令和3年度", 2021),
        ("Ｒ７年度", 2025),
        ("2025", 2025),
        ("2025年度", 2025),
        ("平成25～29年", 2017),
        ("R2～R6", 2024),
    ],
)
def test_parse_year(text, year):
    assert parse_year(text) == year


def test_fiscal_and_calendar_are_told_apart():
    assert parse_era_year("R4年度").fiscal is True
    assert parse_era_year("R5年").fiscal is False
    assert parse_era_year("H27").fiscal is None


def test_period_keeps_its_first_year():
    assert parse_era_year("平成25～29年").first_year == 2013


@pytest.mark.parametrize("text", ["", "R", "R0", "平成", "令和百年", "1800", "R5.12", "来年度"])
def test_parse_year_refuses_what_is_not_a_year(text):
    with pytest.raises(ValueError):
        parse_year(text)


@pytest.mark.parametrize(
    ("year", "fiscal", "text"),
    [
        (2025, True, "R7年度 (2025)"),
        (2019, True, "R元年度 (2019)"),
        (2018, True, "H30年度 (2018)"),
        (2023, False, "R5年 (2023)"),
    ],
)
def test_format_year(year, fiscal, text):
    assert format_year(year, fiscal=fiscal) == text


def test_parse_era_month():
    assert str(parse_era_month("R5.12")) == "2023-12-01"
    assert parse_era_month("改訂") is None


def test_normalize_text_turns_triangles_before_digits_into_minus():
    assert normalize_text("△69") == "-69"
    assert normalize_text("△") == "△"


def test_format_era_year_is_the_year_as_staff_write_it():
    from plans.rules.notation import format_era_year

    assert format_era_year(2019) == "R元年度"
    assert format_era_year(2023, fiscal=False) == "R5年"
    assert parse_year(format_era_year(2017)) == 2017


@pytest.mark.parametrize(
    ("text", "places"),
    [
        ("63.0%", 1),
        ("16,507人", 0),
        ("17,891人", 0),
        ("37.60%", 2),
        ("(速報値) 81.7%", 1),
        ("△69人", 0),
        ("1,070人 (H27～R1)", 0),
        ("39.3 万人", 1),
        ("滞在人口を維持", None),
        ("集計中", None),
        ("", None),
        (1.5, 1),
        (3, 0),
    ],
)
def test_decimal_places_as_written(text, places):
    assert decimal_places(text) == places


@pytest.mark.parametrize(
    ("texts", "places"),
    [
        (["17,891人", "18,500人", "18,100人"], 0),
        (["35.9%", "40.0%", "37.60%"], 2),
        (["63.0%", "", None, "集計中"], 1),
        (["全国平均以上", "-"], None),
    ],
)
def test_a_kpi_precision_is_the_most_places_its_values_are_written_with(texts, places):
    assert written_places(texts) == places
