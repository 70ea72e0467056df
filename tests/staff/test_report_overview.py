"""The dashboards' pure core (staff.overview): tallies on the plan's scale, bars, year marks."""

from decimal import Decimal

import pytest

from plans.choices import Mark
from plans.rules.progress import KpiValues, YearRow, evaluate_kpi, mark_for_year, tallies_by_goal
from plans.rules.rating import ScaleLabel, YearTarget
from plans.rules.tallies import bar_segments, tally
from plans.selectors.progress import PlanProgress, StoredYear
from staff.overview import (
    Bars,
    Counts,
    GoalInfo,
    bars_for,
    build_kpi_detail,
    build_plan_overview,
    choose_year,
    computed_counts,
    marks_by_year,
    normalise_printed_mark,
    outlook_colours,
    outlooks_on_plan_scale,
    printed_counts,
    year_marks,
    year_options,
)

KURUME_SCALE = (
    ScaleLabel("A", ("A", "B"), "目標を達成できる見込み"),
    ScaleLabel("B", ("C",), "目標達成には努力を要する"),
    ScaleLabel("C", ("D", "E"), "目標達成には厳しい状況にある"),
)

# 住みたいと思う市民の割合 (DOMAIN.md's worked case): baseline 75.4 (H26), H28 target 77.0.
LIVE_HERE = KpiValues(
    id=1,
    code="G4-1",
    name="住みたいと思う市民の割合",
    unit="%",
    level="goal",
    goal_number=4,
    baseline_year=2014,
    baseline=Decimal("75.4"),
    target_year=2019,
    target=Decimal("80"),
    stated_targets={2015: Decimal("76.0"), 2016: Decimal("77.0"), 2017: Decimal("78.0")},
    actuals={2015: Decimal("73.0"), 2016: Decimal("76.4"), 2017: Decimal("72.2")},
)


def test_canonical_outlooks_count_on_the_plan_scale():
    assert outlooks_on_plan_scale({"A": 1, "B": 2, "C": 0, "D": 1, "E": 1, "-": 3}, KURUME_SCALE) == {
        "A": 3,
        "B": 0,
        "C": 2,
        "-": 3,
    }


def test_on_the_canonical_scale_outlooks_count_as_they_are():
    from plans.rules.rating import DEFAULT_SCALE

    assert outlooks_on_plan_scale({"A": 2, "E": 1}, DEFAULT_SCALE) == {"A": 2, "B": 0, "C": 0, "D": 0, "E": 1, "-": 0}


def test_computed_counts_read_like_the_printed_tally():
    counts = computed_counts(tally([("○", "A"), ("○", "B"), ("△", "C"), ("-", "-")]), KURUME_SCALE)
    assert counts.as_text() == ("○ 2 △ 1 - 1", "A 2 B 1 - 1")


def test_printed_tally_is_zero_filled_and_reads_the_long_dash_as_no_mark():
    printed = printed_counts(
        {"kpi_count": 10, "marks": {"○": 2, "△": 3, "×": 1, "—": 4}, "outlooks": {"A": 7, "B": 3}}, KURUME_SCALE
    )
    assert printed == Counts(10, {"○": 2, "△": 3, "×": 1, "-": 4}, {"A": 7, "B": 3, "C": 0})
    assert printed.as_text() == ("○ 2 △ 3 × 1 - 4", "A 7 B 3")


def test_no_printed_tally_is_none():
    assert printed_counts(None, KURUME_SCALE) is None


@pytest.mark.parametrize(("label", "mark"), [("—", "-"), ("－", "-"), (" ○ ", "○"), ("", "")])
def test_normalise_printed_mark(label, mark):
    assert normalise_printed_mark(label) == mark


def test_bars_colour_each_segment_of_the_rules_bar():
    bars = bars_for(Counts(6, {"○": 3, "△": 0, "×": 2, "-": 1}, {"A": 2, "B": 4}), KURUME_SCALE)
    assert [segment for segment, _ in bars.marks] == list(bar_segments({"○": 3, "△": 0, "×": 2, "-": 1}))
    assert [colour for _, colour in bars.marks] == [Mark.ACHIEVED.colour, Mark.NOT_ACHIEVED.colour, Mark.NONE.colour]
    colours = outlook_colours(["A", "B", "C"])
    assert [(segment.label, colour) for segment, colour in bars.outlooks] == [("A", colours["A"]), ("B", colours["B"])]


def test_an_empty_tally_has_no_bar():
    assert bars_for(Counts(0, {"○": 0, "△": 0}, {}), KURUME_SCALE) == Bars((), ())
    assert bars_for(None, KURUME_SCALE) is None


def test_outlook_colours_run_from_best_to_worst():
    colours = outlook_colours(["A", "B", "C"])
    assert colours["A"] != colours["C"]
    assert set(colours) == {"A", "B", "C", "-"}


def stored_marks(kpi: KpiValues, years) -> dict[int, str]:
    """A KPI's marks by year as the rules store them."""
    return {year: mark_for_year(kpi, year) for year in years}


def test_year_marks_stand_beside_the_printed_ones():
    marks = year_marks(
        stored_marks(LIVE_HERE, [2015, 2016, 2017]), [2015, 2016, 2017], {2015: "×", 2016: "×", 2017: "○"}
    )
    assert [(mark.year, mark.mark) for mark in marks] == [(2015, "×"), (2016, "×"), (2017, "×")]
    # the worked case: 76.4 is 99% of 77.0 but only 62.5% of the way from the baseline
    assert [mark.agrees for mark in marks] == [True, True, False]


def test_marks_by_year_count_every_kpi():
    other = KpiValues(
        id=2,
        code="X",
        name="x",
        baseline_year=2014,
        baseline=Decimal(0),
        target_year=2019,
        target=Decimal(10),
        actuals={2015: Decimal(5)},
    )
    marks = [stored_marks(kpi, [2015, 2016]) for kpi in (LIVE_HERE, other)]
    assert marks_by_year(marks, [2015, 2016]) == [
        (2015, {"○": 1, "△": 0, "×": 1, "-": 0}),
        (2016, {"○": 0, "△": 0, "×": 1, "-": 1}),
    ]


def test_year_options_widen_the_plan_span_to_years_with_data():
    assert year_options(first_year=2020, last_year=2022, measured_years=[2019], report_year=2023) == [
        2019,
        2020,
        2021,
        2022,
        2023,
    ]


@pytest.mark.parametrize(("requested", "chosen"), [(2021, 2021), (1999, 2022), (None, 2022)])
def test_choose_year_falls_back_to_the_default(requested, chosen):
    assert choose_year(requested, [2020, 2021, 2022], default=2022) == chosen


def _direction_kpi(kpi_id, code, mark_actual):
    return KpiValues(
        id=kpi_id,
        code=f"K{kpi_id}",
        name=f"指標{kpi_id}",
        level="direction",
        goal_number=1,
        direction_code=code,
        baseline_year=2019,
        baseline=Decimal(100),
        target_year=2024,
        target=Decimal(150),
        actuals={2021: mark_actual},
    )


def test_build_plan_overview_puts_targets_directions_and_others_in_their_place():
    kpis = [
        KpiValues(
            id=10,
            code="G1-1",
            name="数値目標",
            level="goal",
            goal_number=1,
            baseline_year=2019,
            baseline=Decimal(100),
            target_year=2024,
            target=Decimal(150),
            actuals={2021: Decimal(120)},
        ),
        _direction_kpi(11, "①", Decimal(120)),
        _direction_kpi(12, "①", Decimal(101)),
        KpiValues(id=13, code="P1", name="パッケージ", level="package"),
    ]
    progress = PlanProgress(
        plan_id=1,
        year=2021,
        scale=KURUME_SCALE,
        kpis=[evaluate_kpi(kpi, year=2021, scale=KURUME_SCALE) for kpi in kpis],
    )
    from plans.selectors.progress import DirectionTally, GoalTally, PlanTallies

    ((number, title, goal_tally, directions),) = tallies_by_goal(progress.kpis, [(1, "雇用", [("①", "企業")])])
    tallies = PlanTallies(
        plan_id=1,
        year=2021,
        total=tally((item.mark, item.outlook) for item in progress.kpis),
        goals=[
            GoalTally(
                number,
                title,
                goal_tally,
                [
                    DirectionTally(code, name, computed, {"kpi_count": 12, "marks": {"○": 7}, "outlooks": {"A": 9}})
                    for code, name, computed in directions
                ],
                None,
            )
        ],
    )
    overview = build_plan_overview(
        progress=progress,
        tallies=tallies,
        goals=[GoalInfo(1, "雇用", "基本目標")],
        printed_marks={10: {2020: "○"}},
        years=[2020, 2021, 2022],
        first_year=2020,
        stored_marks={kpi.id: stored_marks(kpi, [2020, 2021]) for kpi in kpis},
    )
    goal = overview.goal(1)
    assert goal.kind_label == "基本目標"
    assert [target.progress.kpi.code for target in goal.targets] == ["G1-1"]
    assert [(mark.year, mark.mark, mark.printed) for mark in goal.targets[0].years] == [
        (2020, "-", "○"),
        (2021, "○", ""),
    ]
    direction = goal.directions[0]
    assert direction.computed.kpi_count == 2
    assert direction.printed.kpi_count == 12
    assert direction.differs_from_print
    assert [item.kpi.code for item in overview.others] == ["P1"]
    assert overview.total.kpi_count == 4
    assert [year for year, _counts in overview.marks_over_years] == [2020, 2021]
    assert len(goal.kpis) == 3


def test_build_kpi_detail_gives_each_year_its_rate_and_printed_mark():
    progress = evaluate_kpi(LIVE_HERE, year=2016, scale=KURUME_SCALE)
    stored = [
        StoredYear(
            row=YearRow(
                year, YearTarget(item.year_target.value, item.year_target.stated), item.actual, None, item.mark
            ),
            rate=item.rate,
            outlook=item.outlook,
            official_label=item.official_label,
            disagrees=item.disagrees,
        )
        for year in (2015, 2016, 2017)
        for item in [evaluate_kpi(LIVE_HERE, year=year, scale=KURUME_SCALE)]
    ]
    detail = build_kpi_detail(
        LIVE_HERE, progress=progress, stored=stored, printed_marks={2016: "×"}, years=[2015, 2016]
    )
    row_2016 = next(row for row in detail.series if row.row.year == 2016)
    assert row_2016.rate == Decimal("0.625")
    assert row_2016.printed_mark == "×"
    assert detail.progress.year == 2016
    assert detail.progress.mark == "×"
    assert detail.trend  # baseline and actuals give a line to the target year
