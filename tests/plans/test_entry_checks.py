"""check_entry: what staff type, read in the KPI's own unit, refused or warned about (issue 12)."""

from decimal import Decimal

import pytest

from plans.rules import notation
from plans.rules.entry_checks import split_unit
from plans.services.entry_checks import check_entry


def test_the_issue_example_is_read_in_the_kpis_unit():
    result = check_entry(text="18万件", unit="件", previous=Decimal("214199"), cumulative=False)
    assert result.value == Decimal("180000")
    assert result.status == "measured"
    assert result.errors == []
    # A fall of 16%: more than a tenth of last year's value, so the person confirms it.
    assert result.warnings == [
        "前年度の214,199件から180,000件へ、16.0%減っています（1割以上の変化）。値を確認してください。"
    ]
    assert result.conversion == "18万件 → 180,000件"
    assert result.raw == "180,000件"


def test_the_issue_example_typed_without_its_multiplier_is_warned_about():
    result = check_entry(text="18件", unit="件", previous=Decimal("214199"), cumulative=False)
    assert result.value == Decimal("18")
    assert result.errors == []
    assert result.warnings == ["前年度の214,199件から18件へ、10分の1以下になっています。桁や単位を確認してください。"]


@pytest.mark.parametrize(
    ("text", "unit", "value", "conversion"),
    [
        ("18万件", "件", Decimal("180000"), "18万件 → 180,000件"),
        ("781,000人", "千人", Decimal("781"), "781,000人 → 781千人"),
        ("3,209億円", "百万円", Decimal("320900"), "3,209億円 → 320,900百万円"),
        ("1.2万人", "人", Decimal("12000"), "1.2万人 → 12,000人"),
        ("1.5千万円", "円", Decimal("15000000"), "1.5千万円 → 15,000,000円"),
        ("2百万円", "千円", Decimal("2000"), "2百万円 → 2,000千円"),
        ("39.3万人", "千人", Decimal("393"), "39.3万人 → 393千人"),
        ("18万", "件", Decimal("180000"), "18万 → 180,000件"),  # the multiplier alone: the KPI's base
        ("781,123人", "千人", Decimal("781.123"), "781,123人 → 781.123千人"),
    ],
)
def test_a_multiplier_with_the_base_unit_converts_into_the_kpis_unit(text, unit, value, conversion):
    result = check_entry(text, unit)
    assert (result.value, result.conversion, result.errors) == (value, conversion, [])


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("781千人", "千人", Decimal("781")),  # the KPI's exact unit: as is
        ("39.3 万人", "万人", Decimal("39.3")),
        ("16,507", "人", Decimal("16507")),  # a plain number is in the KPI's unit
        ("781", "千人", Decimal("781")),
        ("△69人", "人", Decimal("-69")),
        ("１８，１６５人", "人", Decimal("18165")),
        ("3ヶ所", "か所", Decimal("3")),  # one unit spelled otherwise
        ("63.0%", "%", Decimal("63.0")),
        ("36事業/39事業", "事業", Decimal("36")),
        ("150件", "", Decimal("150")),  # a KPI without a unit cannot compare units
        ("16,507人(速報値)", "人", Decimal("16507")),
    ],
)
def test_a_value_in_the_kpis_unit_or_without_a_unit_is_as_typed(text, unit, value):
    result = check_entry(text, unit)
    assert (result.value, result.conversion, result.errors, result.raw) == (value, "", [], text)


def test_a_converted_value_keeps_its_annotations_in_the_stored_text():
    result = check_entry("18万件(速報値)", "件")
    assert result.value == Decimal("180000")
    assert result.raw == "180,000件 (速報値)"
    assert result.parsed.preliminary


@pytest.mark.parametrize(
    ("text", "unit"),
    [("150%", "人"), ("150件", "人"), ("5千円", "千人"), ("3人", "%"), ("1.2万件", "人")],
)
def test_a_unit_of_another_kind_is_refused(text, unit):
    result = check_entry(text, unit)
    assert result.value is None
    assert len(result.errors) == 1
    assert "種類が違います" in result.errors[0] and unit in result.errors[0]


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("=SUM(A1:A3)", "数式"),
        ("+A1", "数式"),
        ("@SUM(1)", "数式"),
        ("-=1+1", "数式"),
        ('=HYPERLINK("http://example.com","1")', "数式"),
        ("1e5", "指数"),
        ("1E+5人", "指数"),
        ("12345678901.23456", "桁が多すぎます"),  # 16 significant digits
        ("1,000,000,000,000,000", "大きすぎます"),  # 10^15
        ("-1000000000000000", "大きすぎます"),
        ("0.1234567", "小数点以下"),  # 7 decimals
        ("abc", "読めません"),
        ("1と2", "複数"),
    ],
)
def test_formulas_exponents_and_numbers_past_the_bounds_are_refused(text, fragment):
    result = check_entry(text, "人")
    assert result.value is None
    assert result.errors and fragment in result.errors[0]


@pytest.mark.parametrize(
    ("text", "unit", "value"),
    [
        ("999,999,999,999,999", "", Decimal("999999999999999")),  # 15 digits, under 10^15
        ("0.123456", "", Decimal("0.123456")),  # 6 decimals
        ("-999,999,999,999,999", "", Decimal("-999999999999999")),
    ],
)
def test_values_at_the_bounds_are_taken(text, unit, value):
    assert (check_entry(text, unit).value, check_entry(text, unit).errors) == (value, [])


@pytest.mark.parametrize(
    ("text", "unit", "fragment"),
    [
        ("1,000兆円", "円", "大きすぎます"),  # 10^15
        ("0.0000001万人", "億人", "小数点以下"),  # 10^-11 億人
        ("10,000,000億円", "円", "大きすぎます"),  # 10^15
    ],
)
def test_a_converted_value_is_held_to_the_same_bounds(text, unit, fragment):
    result = check_entry(text, unit)
    assert result.value is None
    assert result.errors and fragment in result.errors[0]


@pytest.mark.parametrize(
    ("text", "status", "expected"),
    [
        ("集計中", "", notation.PENDING),
        ("未把握", "", notation.UNMEASURED),
        ("", "集計中", notation.PENDING),
        ("", "未把握", notation.UNMEASURED),
        ("", "pending", notation.PENDING),
        ("", "", notation.BLANK),
        ("-", "", notation.BLANK),
    ],
)
def test_a_value_left_out_has_its_status_and_no_value(text, status, expected):
    result = check_entry(text, "人", status=status)
    assert (result.value, result.status, result.errors, result.warnings) == (None, expected, [], [])


@pytest.mark.parametrize(
    ("text", "status", "fragment"),
    [("120人", "集計中", "状態を空欄"), ("", "済", "選べません")],
)
def test_a_status_beside_a_value_or_an_unknown_status_is_refused(text, status, fragment):
    result = check_entry(text, "人", status=status)
    assert result.errors and fragment in result.errors[0]


@pytest.mark.parametrize(
    ("text", "unit", "previous", "cumulative", "warnings"),
    [
        # Ten times or a tenth of the previous value or more, both values in the message.
        ("2,141,990件", "件", "214199", False, ["前年度の214,199件から2,141,990件へ、10倍以上になっています。"]),
        ("21,419件", "件", "214199", False, ["前年度の214,199件から21,419件へ、10分の1以下になっています。"]),
        (
            "2,141,989件",
            "件",
            "214199",
            False,
            ["前年度の214,199件から2,141,989件へ、900.0%増えています（1割以上の変化）。"],
        ),
        ("21,420件", "件", "214199", False, ["前年度の214,199件から21,420件へ、90.0%減っています（1割以上の変化）。"]),
        # A change of a tenth or more, and just under.
        ("235,619件", "件", "214199", False, ["前年度の214,199件から235,619件へ、10.0%増えています"]),
        ("235,618件", "件", "214199", False, []),
        ("192,780件", "件", "214199", False, []),
        ("0件", "件", "214199", False, ["前年度の214,199件から0件へ、10分の1以下になっています。"]),
        ("5件", "件", "0", False, []),  # nothing to compare with
        ("781,000人", "千人", "800", False, []),  # converted first: 781千人 is near 800千人
        ("781,000", "千人", "800", False, ["前年度の800千人から781,000千人へ、10倍以上になっています。"]),
        # A cumulative KPI that falls.
        ("1,250件", "件", "1300", True, ["累計のKPIですが、前年度の1,300件から1,250件へ減っています。"]),
        ("1,300件", "件", "1300", True, []),
        ("1,250件", "件", "1300", False, []),
        # Percentages above 100, and ratios typed for a percentage.
        ("150%", "%", None, False, ["150%は100%を超えています。"]),
        ("100%", "%", None, False, []),
        ("0.63", "%", None, False, ["「0.63」は割合のように見えます。63%のつもりではありませんか"]),
        ("1", "%", None, False, ["「1」は割合のように見えます。100%のつもりではありませんか"]),
        ("0.63%", "%", None, False, []),  # the % written: a small percentage meant
        ("0", "%", None, False, []),
        ("1.5", "%", None, False, []),
        ("0.63", "人", None, False, []),
    ],
)
def test_warnings_ask_for_confirmation_without_refusing(text, unit, previous, cumulative, warnings):
    result = check_entry(text, unit, Decimal(previous) if previous else None, cumulative)
    assert result.errors == []
    assert result.value is not None
    assert len(result.warnings) == len(warnings)
    for message, fragment in zip(result.warnings, warnings, strict=True):
        assert message.startswith(fragment)


def test_an_earlier_previous_year_is_named_in_the_warning():
    result = check_entry("18件", "件", Decimal("214199"), previous_label="R4年度")
    assert result.warnings[0].startswith("R4年度の214,199件から18件へ")


@pytest.mark.parametrize(
    ("unit", "split"),
    [
        ("件", (1, "件")),
        ("千人", (1000, "人")),
        ("万人", (10**4, "人")),
        ("百万円", (10**6, "円")),
        ("千万円", (10**7, "円")),
        ("億円", (10**8, "円")),
        ("万", (10**4, "")),
        ("%", (1, "%")),
        ("百人", (1, "百人")),  # 百 alone is not a multiplier
    ],
)
def test_split_unit(unit, split):
    assert split_unit(unit) == split
