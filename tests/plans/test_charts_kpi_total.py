"""The chart of a KPI whose target is a total over several years (plans.charts.kpi): the running
total of the actuals against the target prorated to the years elapsed, as the year is judged
(plans.rules.rating.total_standing), never the single-year actuals against the whole total."""

from dataclasses import replace
from decimal import Decimal

from plans import charts
from plans.rules.progress import ActualDetail, KpiValues, kpi_series
from tests.kpis import SOCIAL_INCREASE

D = Decimal


def stored_rows(kpi: KpiValues):
    """The KPI's years as they are stored: targets and marks, no running total (the chart adds it)."""
    return [replace(row, running_total=None) for row in kpi_series(kpi)]


def traces_by_name(kpi: KpiValues) -> dict[str, dict]:
    return {trace["name"]: trace for trace in charts.kpi_figure(kpi, stored_rows(kpi))["data"]}


def test_a_total_is_drawn_as_running_totals_against_the_prorated_target():
    traces = traces_by_name(SOCIAL_INCREASE)
    assert list(traces) == ["目標（合計の按分）", "実績の累計"]  # no baseline total, no single years, no trend
    target, total = traces["目標（合計の按分）"], traces["実績の累計"]
    assert target["x"] == [2020, 2021, 2022, 2023, 2024]
    assert target["y"] == [148.0, 296.0, 444.0, 592.0, 740.0]  # 740 × k/5
    assert total["x"] == [2020, 2021, 2022, 2023]
    assert total["y"] == [210.0, 141.0, 806.0, 570.0]  # 210, −69, 665, −236 added up
    assert total["text"] == ["○", "×", "○", "×"]  # each year as it is judged: 570 of 592 is not met


def test_a_total_chart_axis_and_description_say_it_is_a_running_total():
    layout = charts.kpi_figure(SOCIAL_INCREASE, stored_rows(SOCIAL_INCREASE))["layout"]
    assert layout["yaxis"]["title"]["text"] == "累計（人）"
    assert layout["xaxis"]["tickvals"] == [2020, 2021, 2022, 2023, 2024]  # the baseline year is not drawn
    text = charts.describe_kpi(SOCIAL_INCREASE, stored_rows(SOCIAL_INCREASE))
    assert "目標は5年間（R2年 (2020)〜R6年 (2024)）の合計で740人。" in text
    assert "基準値はR元年 (2019)までの5年間の合計で1,070人。" in text
    assert "実績の累計と、目標の合計を経過年数で按分した値" in text
    assert "最新の実績の累計はR5年 (2023)までで570人、按分した目標は592人（進捗度 ×）。" in text


def test_a_running_total_that_adds_a_preliminary_year_is_preliminary_and_a_gap_ends_it():
    kpi = KpiValues(
        **{
            **SOCIAL_INCREASE.__dict__,
            "actuals": {2020: D(210), 2021: D(-69), 2023: D(-236)},
            "actual_details": {2021: ActualDetail(raw="△69人", preliminary=True)},
        }
    )
    total = traces_by_name(kpi)["実績の累計"]
    assert total["x"] == [2020, 2021]  # 2022 unknown: no running total from then on
    assert total["text"] == ["○", "× 速報値"]


def test_a_total_with_no_running_total_yet_says_so():
    kpi = KpiValues(**{**SOCIAL_INCREASE.__dict__, "actuals": {2021: D(-69)}})
    assert "実績の累計" not in traces_by_name(kpi)
    assert "実績の累計はまだ出せません" in charts.describe_kpi(kpi, stored_rows(kpi))


def test_the_same_kpi_read_as_single_years_keeps_its_baseline_targets_actuals_and_trend():
    kpi = KpiValues(**{**SOCIAL_INCREASE.__dict__, "total_years": None, "target": D(1200)})
    names = ["基準値", "目標値（計画に記載）", "目標値（直線で補間）", "実績値", "傾向（最小二乗法）"]
    assert list(traces_by_name(kpi)) == names
    assert traces_by_name(kpi)["実績値"]["y"] == [210.0, -69.0, 665.0, -236.0]
    assert charts.kpi_figure(kpi, stored_rows(kpi))["layout"]["yaxis"]["title"]["text"] == "人"
