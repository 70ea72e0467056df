"""Summaries of the public pages (public.summary): pure, on the stored standing (built here by the rules)."""

from decimal import Decimal
from types import SimpleNamespace

from plans.rules.progress import ActualDetail, KpiValues, YearRow, evaluate_kpi
from plans.rules.rating import DEFAULT_SCALE, MARKS, OUTLOOKS, ScaleLabel
from plans.rules.tallies import Tally, bar_segments, tally
from plans.selectors.progress import StoredYear, series_years
from public.summary import (
    combined_tally,
    kpi_card,
    municipality_groups,
    ordered_counts,
    stored_table,
    summarize_stored,
)
from public.templatetags.public_pages import segments
from tests.kpis import worked_case

D = Decimal
KURUME_SCALE = (ScaleLabel("A", ("A", "B")), ScaleLabel("B", ("C",)), ScaleLabel("C", ("D", "E")))


kpi = worked_case


def stored(values: KpiValues, scale=DEFAULT_SCALE) -> list[StoredYear]:
    """The KPI's years with data as ``plans.services.progress`` stores them (the rules' standing)."""
    series = []
    for year in series_years(values):
        item = evaluate_kpi(values, year=year, scale=scale)
        if item.actual is None and item.year_target.value is None and year not in values.actual_details:
            continue
        row = YearRow(year, item.year_target, item.actual, values.actual_details.get(year), item.mark)
        series.append(StoredYear(row, item.rate, item.outlook, item.official_label, item.disagrees))
    return series


def test_the_latest_actual_carries_its_year_and_the_mark_of_that_year():
    latest = summarize_stored(kpi(), stored(kpi())).latest
    assert (latest.year, latest.actual, latest.mark) == (2016, D("76.4"), "×")  # 62.5% → ×


def test_the_latest_actual_skips_years_without_a_value():
    values = kpi(actuals={2016: D("76.4"), 2017: None}, actual_details={2017: ActualDetail("集計中", "pending")})
    assert summarize_stored(values, stored(values)).latest.year == 2016


def test_no_actual_means_no_latest_actual():
    values = kpi(actuals={})
    assert summarize_stored(values, stored(values)).latest is None


def test_the_table_keeps_an_actual_printed_for_the_baseline_year():
    # うきは's 合計特殊出生率: the 最新値 is the baseline year's own figure.
    values = kpi(
        baseline_year=2017,
        baseline=D("1.65"),
        target_year=2025,
        target=D("1.80"),
        stated_targets={},
        actuals={2017: D("1.65")},
        actual_details={2017: ActualDetail("1.65")},
    )
    rows = [line.row for line in stored_table(values, stored(values))]
    assert rows[0].year == 2017 and rows[0].actual == D("1.65")
    assert [row.year for row in rows] == list(range(2017, 2026))


def test_summary_shows_the_plans_latest_rating_beside_the_stored_outlook():
    values = kpi(actuals={2015: D("76.0"), 2016: D("76.4")}, official_outlooks={2016: "A"})
    summary = summarize_stored(values, stored(values, KURUME_SCALE), scale=KURUME_SCALE)
    assert summary.latest.year == 2016
    assert summary.latest_rate == D("0.625")
    assert summary.official_label == "A" and summary.official_year == 2016
    assert summary.outlook in "ABCDE"
    assert summary.disagrees == (summary.outlook not in ("A", "B"))


def test_summary_uses_a_rating_printed_after_the_last_actual():
    # 小郡 printed its ratings as of R6.4 (2024) for actuals up to R5 (2023).
    values = kpi(actuals={2016: D("76.4")}, official_outlooks={2018: "C"})
    summary = summarize_stored(values, stored(values, KURUME_SCALE), scale=KURUME_SCALE)
    assert (summary.official_label, summary.official_year) == ("C", 2018)


def test_summary_of_a_kpi_without_data():
    values = kpi(actuals={}, stated_targets={})
    summary = summarize_stored(values, stored(values))
    assert summary.latest is None and summary.outlook == "-" and summary.official_label == ""


def test_kpi_table_rates_only_years_with_an_actual():
    lines = {line.row.year: line for line in stored_table(kpi(), stored(kpi()))}
    assert lines[2016].rate == D("0.625")
    assert lines[2016].row.target.stated
    assert lines[2015].rate is None and not lines[2015].row.target.stated  # interpolated


def test_a_card_shows_the_stored_latest_actual_or_none():
    values = kpi()
    item = evaluate_kpi(values, year=2017)
    latest = SimpleNamespace(year=2016, actual=D("76.4"), mark="×")
    card = kpi_card(item, latest)
    assert (card.latest.year, card.latest.actual, card.latest.mark) == (2016, D("76.4"), "×")
    assert card.latest_is_earlier
    assert kpi_card(item).latest is None


def test_the_tally_bar_is_the_rules_stacked_bar():
    # The public tally bar is plans.rules.tallies.bar_segments (tested in tests/plans/test_tallies.py).
    assert segments({"○": 7, "△": 2, "×": 2, "-": 1}) == bar_segments({"○": 7, "△": 2, "×": 2, "-": 1})


def test_combined_tally_adds_a_goals_targets_and_its_directions():
    total = combined_tally([tally([("○", "A")]), tally([("×", "E"), ("-", "-")]), Tally()])
    assert total.kpi_count == 3 and total.marks["○"] == 1 and total.marks["×"] == 1 and total.outlooks["-"] == 1


def test_a_regional_plan_is_listed_under_its_lead_and_each_partner():
    kurume = SimpleNamespace(pk=1, code="402036", name="久留米市")
    okawa = SimpleNamespace(pk=2, code="402079", name="大川市")
    ogori = SimpleNamespace(pk=3, code="402168", name="小郡市")

    def overview(slug, lead, partners=()):
        plan = SimpleNamespace(slug=slug, municipality=lead, partners=SimpleNamespace(all=lambda: list(partners)))
        return SimpleNamespace(plan=plan)

    groups = municipality_groups([overview("ogori", ogori), overview("vision", kurume, [okawa, ogori])])
    assert [group.municipality.name for group in groups] == ["久留米市", "大川市", "小郡市"]
    assert [item.plan.slug for item in groups[2].led] == ["ogori"]
    assert [item.plan.slug for item in groups[2].partner] == ["vision"]
    assert [item.plan.slug for item in groups[1].partner] == ["vision"] and groups[1].led == []


def test_printed_counts_come_in_the_reports_order_whatever_order_they_were_stored_in():
    # PostgreSQL's jsonb returns keys shortest first: {"-": 1, "×": 2, "○": 7, "△": 2}.
    assert ordered_counts({"-": 1, "×": 2, "○": 7, "△": 2}, MARKS) == [("○", 7), ("△", 2), ("×", 2), ("-", 1)]
    assert ordered_counts({"B": 3, "A": 9}, OUTLOOKS) == [("A", 9), ("B", 3)]
    assert ordered_counts({"A-": 1, "A+": 2, "B": 1}, OUTLOOKS) == [("B", 1), ("A+", 2), ("A-", 1)]
