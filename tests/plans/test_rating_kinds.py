"""The KPI kinds the documents use: totals over several years, targets against the direction,
maintain targets, and how a KPI's year is judged for each (plans.rules.rating, plans.rules.progress)."""

from decimal import Decimal

import pytest

from plans.rules import rating
from plans.rules.progress import KpiValues, evaluate_kpi, kpi_series, mark_for_value, mark_for_year, trend_line
from tests.kpis import SOCIAL_INCREASE

D = Decimal


def test_the_minus_236_year_is_not_achieved():
    # Before: 1,070 → 740 read as single years gave (−236 − 1,070) / (806 − 1,070) = 494.7% → ○.
    progress = evaluate_kpi(SOCIAL_INCREASE, year=2023)
    assert progress.mark == rating.NOT_ACHIEVED
    assert progress.year_target.value == D(592)  # 740 × 4/5
    assert progress.actual == D(-236)  # the year's own actual is kept
    assert progress.rate is None  # a target below the baseline of an increasing KPI: met or not


@pytest.mark.parametrize(
    ("year", "running_total", "target", "mark"),
    [
        (2020, D(210), D(148), "○"),  # 210 ≥ 740 × 1/5
        (2021, D(141), D(296), "×"),  # 210 − 69
        (2022, D(806), D(444), "○"),
        (2023, D(570), D(592), "×"),  # 570 of 592: not met
        (2024, None, D(740), "-"),  # no actual yet
    ],
)
def test_each_year_of_a_total_is_judged_on_the_running_total(year, running_total, target, mark):
    row = next(row for row in kpi_series(SOCIAL_INCREASE) if row.year == year)
    assert (row.running_total, row.target.value, row.mark) == (running_total, target, mark)
    assert mark_for_year(SOCIAL_INCREASE, year) == mark
    assert row.target.stated is (year == 2024)


def test_a_missing_year_leaves_the_running_total_unknown():
    kpi = KpiValues(**{**SOCIAL_INCREASE.__dict__, "actuals": {2020: D(210), 2022: D(665)}})
    assert mark_for_year(kpi, 2022) == "-"


def test_the_entry_preview_adds_the_typed_value_to_the_years_before():
    assert mark_for_value(SOCIAL_INCREASE, 2023, D(-236)) == "×"
    assert mark_for_value(SOCIAL_INCREASE, 2023, D(0)) == "○"  # 806 ≥ 592


@pytest.mark.parametrize(
    ("year", "outlook"),
    [
        (2020, "B"),  # 210 a year carried over five years: 1,050 ≥ 740
        (2021, "E"),  # 141 → 352.5
        (2022, "A"),  # 806 already ≥ 740
        (2023, "E"),  # 570 → 712.5 < 740
    ],
)
def test_the_outlook_of_a_total_carries_the_pace_so_far_over_the_span(year, outlook):
    assert evaluate_kpi(SOCIAL_INCREASE, year=year).outlook == outlook


def test_a_total_has_no_single_year_trend_line():
    assert trend_line(SOCIAL_INCREASE) == []


def test_a_total_with_a_rate_measures_from_the_baseline_prorated():
    # 小郡 第3期 人口の社会増加数(R7-11): +1,080人 (R2～R6) → +1,520人 (R7～R11); say 300 in R7.
    kpi = KpiValues(
        id=2, code="G2-1", name="人口の社会増加数(R7-11)", baseline_year=2024, baseline=D(1080),
        target_year=2029, target=D(1520), actuals={2025: D(300)}, total_years=5,
    )  # fmt: skip
    progress = evaluate_kpi(kpi, year=2025)
    # (300 − 216) / (304 − 216) = 84 / 88
    assert progress.rate == (D(300) - D(216)) / (D(304) - D(216))
    assert progress.mark == "△"


def test_a_cumulative_total_reads_its_actual_as_the_running_total():
    # 小郡 ふるさと納税寄附件数(R2): 78,627件 (H27～R1), target 174,200件 R2～R6, actuals since R2.
    kpi = KpiValues(
        id=3, code="2(1)-3", name="ふるさと納税寄附件数(R2)", baseline_year=2019, baseline=D(78627),
        target_year=2024, target=D(174200), actuals={2020: D(123514), 2023: D(214199)}, total_years=5,
        cumulative=True,
    )  # fmt: skip
    assert kpi_series(kpi)[3].running_total == D(214199)
    assert evaluate_kpi(kpi, year=2023).mark == "○"
    assert evaluate_kpi(kpi, year=2023).outlook == "A"


@pytest.mark.parametrize(
    ("year", "target_year", "total_years", "years"),
    [(2023, 2024, 5, range(2020, 2025)), (2019, 2024, 5, None), (2025, 2024, 5, None), (2023, 2024, None, None)],
)
def test_the_span_of_a_total_ends_at_the_target_year(year, target_year, total_years, years):
    assert rating.total_span(target_year=target_year, total_years=total_years) == (
        range(target_year - total_years + 1, target_year + 1) if total_years else None
    )
    standing = rating.total_standing(
        year=year, baseline=1070, target=740, target_year=target_year, total_years=total_years, actuals={}
    )
    assert (standing.target is not None) is (years is not None and year in years)


@pytest.mark.parametrize(
    ("direction", "baseline", "target", "actual", "mark"),
    [
        (rating.INCREASE, 1070, 740, 806, "○"),  # a floor: met
        (rating.INCREASE, 1070, 740, -236, "×"),  # was 494.7% → ○
        (rating.DECREASE, 5, 8, 9, "×"),  # a ceiling: exceeded
        (rating.DECREASE, 5, 8, 7, "○"),
        (rating.INCREASE, 75.4, 77.0, 76.4, "×"),  # toward the target: the rate rule as before (62.5%)
    ],
)
def test_a_target_against_the_direction_is_met_or_not(direction, baseline, target, actual, mark):
    assert rating.progress_mark(direction=direction, baseline=baseline, target=target, actual=actual) == mark


def test_a_target_against_the_direction_has_no_rate():
    assert rating.achievement_rate(baseline=1070, target=806, actual=-236) == D("4.946969696969696969696969697")
    assert rating.achievement_rate(baseline=1070, target=806, actual=-236, direction=rating.INCREASE) is None


def test_a_kpi_without_a_baseline_year_is_judged_once_the_year_is_assumed():
    # うきは 1-1 新規就農者数: 179人 → 230人 (R7), no baseline year printed; R3 207人.
    kpi = KpiValues(id=4, code="1-1", name="新規就農者数", baseline=D(179), target_year=2025, target=D(230),
                    actuals={2021: D(207)})  # fmt: skip
    assert mark_for_year(kpi, 2021) == "-"
    assumed = KpiValues(**{**kpi.__dict__, "baseline_year": 2020, "baseline_year_assumed": True})
    assert mark_for_year(assumed, 2021) == "○"  # 207 ≥ 179 + 51 / 5 = 189.2
