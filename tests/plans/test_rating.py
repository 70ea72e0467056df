"""The rating rules of DOMAIN.md: achievement rate, marks, yearly targets, outlook, plan scales."""

from decimal import Decimal

import pytest

from plans.rules.rating import (
    DEFAULT_SCALE,
    ScaleLabel,
    achievement_rate,
    disagrees,
    effective_target,
    outlook,
    progress_mark,
    to_plan_scale,
    year_target,
)


def test_worked_case_from_domain_is_cross_although_99_percent_of_target():
    # 住みたいと思う市民の割合: 75.4% (H26) -> H28 target 77.0%, actual 76.4% -> 62.5% -> ×
    assert achievement_rate(baseline=75.4, target=77.0, actual=76.4) == Decimal("0.625")
    assert progress_mark(direction="increase", baseline=75.4, target=77.0, actual=76.4) == "×"


@pytest.mark.parametrize(
    ("direction", "baseline", "target", "actual", "mark"),
    [
        ("increase", 100, 200, 200, "○"),  # rate exactly 1.0
        ("increase", 100, 200, 250, "○"),
        ("increase", 100, 200, 170, "△"),  # rate exactly 0.7
        ("increase", 100, 200, "169.99", "×"),
        ("increase", 100, 200, 90, "×"),  # moved away
        ("decrease", 650, 550, 630, "×"),
        ("decrease", 650, 550, 580, "△"),  # rate 0.7
        ("decrease", 650, 550, 547, "○"),
        ("increase", 515, 650, None, "-"),
        ("increase", Decimal("12"), Decimal("13.0"), Decimal("12.9"), "△"),  # H27 就職率
        ("increase", Decimal("12"), Decimal("14.0"), Decimal("11.2"), "×"),
    ],
)
def test_progress_mark(direction, baseline, target, actual, mark):
    actual = Decimal(actual) if isinstance(actual, str) else actual
    assert progress_mark(direction=direction, baseline=baseline, target=target, actual=actual) == mark


def test_domain_examples_of_the_public_interface():
    assert progress_mark(direction="increase", baseline=75.4, target=77.0, actual=76.4) == "×"
    assert progress_mark(direction="decrease", baseline=650, target=550, actual=630) == "×"
    assert progress_mark(direction="increase", baseline=515, target=650, actual=None) == "-"


@pytest.mark.parametrize(
    ("direction", "baseline", "target", "actual", "at_least", "mark"),
    [
        ("increase", 16507, 16507, 16639, True, "○"),  # 基準年を上回る: met
        ("increase", 16507, 16507, 16400, True, "×"),
        ("maintain", 241724, 241724, 240014, False, "×"),  # 滞在人口を維持
        ("maintain", 241724, 241724, 241724, False, "○"),
        ("decrease", 5, 5, 4, False, "○"),
        ("decrease", 5, 5, 6, False, "×"),
    ],
)
def test_maintain_type_targets_are_met_or_not(direction, baseline, target, actual, at_least, mark):
    assert (
        progress_mark(direction=direction, baseline=baseline, target=target, actual=actual, at_least=at_least) == mark
    )


def test_without_baseline_a_met_target_is_achieved_and_otherwise_cannot_be_judged():
    assert progress_mark(direction="increase", baseline=None, target=12, actual=12) == "○"
    assert progress_mark(direction="increase", baseline=None, target=12, actual=5) == "-"


def test_maintain_target_written_without_a_number_targets_the_baseline():
    assert effective_target(direction="maintain", baseline=Decimal("10"), target=None) == Decimal("10")
    assert effective_target(direction="increase", baseline=Decimal("10"), target=None) is None


def test_achievement_rate_is_undefined_without_values_or_for_maintain():
    assert achievement_rate(baseline=None, target=1, actual=1) is None
    assert achievement_rate(baseline=1, target=1, actual=2) is None


def test_rate_is_exact_decimal_arithmetic():
    assert achievement_rate(baseline=0.1, target=1.1, actual=0.8) == Decimal("0.7")


def test_stated_year_target_wins():
    target = year_target(year=2016, baseline_year=2014, baseline=75.4, target_year=2019, target=80, stated={2016: 77})
    assert target.value == Decimal("77")
    assert target.stated is True


def test_year_target_interpolates_on_the_line_from_baseline_to_final_target():
    target = year_target(year=2022, baseline_year=2019, baseline=100, target_year=2024, target=150)
    assert target.value == Decimal("130")
    assert target.stated is False


@pytest.mark.parametrize(
    ("year", "value"), [(2019, None), (2018, None), (2024, Decimal("150")), (2026, Decimal("150"))]
)
def test_year_target_edges(year, value):
    assert year_target(year=year, baseline_year=2019, baseline=100, target_year=2024, target=150).value == value


def test_outlook_example_of_the_public_interface_is_e():
    assert (
        outlook(
            direction="increase",
            baseline_year=2014,
            baseline=12.0,
            target_year=2019,
            target=17.0,
            actuals={2015: 12.9, 2016: 11.2, 2017: 9.6},
        )
        == "E"
    )


INCREASE = {"direction": "increase", "baseline_year": 2020, "baseline": 100, "target_year": 2025, "target": 200}
DECREASE = {"direction": "decrease", "baseline_year": 2020, "baseline": 200, "target_year": 2025, "target": 100}


@pytest.mark.parametrize(
    ("kpi", "actuals", "grade"),
    [
        (INCREASE, {2022: 210}, "A"),  # already met
        (INCREASE, {2021: 120, 2022: 140}, "B"),  # trend reaches 200 by 2025
        (INCREASE, {2021: 115, 2022: 130}, "C"),  # projects 175 -> rate 0.75
        (INCREASE, {2021: 105, 2022: 110}, "D"),  # projects 125 -> rate 0.25
        (INCREASE, {2021: 95, 2022: 90}, "E"),  # moving away
        (INCREASE, {2021: 100}, "E"),  # no progress
        (INCREASE, {}, "-"),
        (INCREASE, {2021: None}, "-"),
        (DECREASE, {2022: 90}, "A"),
        (DECREASE, {2021: 180, 2022: 160}, "B"),
        (DECREASE, {2021: 185, 2022: 170}, "C"),
        (DECREASE, {2021: 195, 2022: 190}, "D"),
        (DECREASE, {2021: 210}, "E"),
    ],
)
def test_outlook_grades_for_increasing_and_decreasing_kpis(kpi, actuals, grade):
    assert outlook(**kpi, actuals=actuals) == grade


MAINTAIN = {"direction": "maintain", "baseline_year": 2020, "baseline": 100, "target_year": 2025, "target": 100}


@pytest.mark.parametrize(
    ("actuals", "grade"),
    [({2022: 101}, "A"), ({2021: 98, 2022: 105, 2023: 99}, "B"), ({2021: 98, 2022: 96}, "E"), ({}, "-")],
)
def test_maintain_kpis_are_only_a_b_or_e(actuals, grade):
    assert outlook(**MAINTAIN, actuals=actuals) == grade


def test_outlook_uses_the_least_squares_line_through_baseline_and_every_actual():
    # Points (2020,100) (2021,150) (2022,110): slope 5, intercept at mean -> 125 at 2025 -> rate .25 -> D
    assert outlook(**INCREASE, actuals={2021: 150, 2022: 110}) == "D"


def test_outlook_without_baseline_uses_the_earliest_actual():
    kpi = {**INCREASE, "baseline": None, "baseline_year": None}
    assert outlook(**kpi, actuals={2021: 100, 2022: 120}) == "C"  # 180 by 2025: rate 0.8 from 100
    assert outlook(**kpi, actuals={2021: 100}) == "-"


KURUME = (ScaleLabel("A", ("A", "B")), ScaleLabel("B", ("C",)), ScaleLabel("C", ("D", "E")))


@pytest.mark.parametrize(
    ("canonical", "label"), [("A", "A"), ("B", "A"), ("C", "B"), ("D", "C"), ("E", "C"), ("-", "-")]
)
def test_kurume_scale_maps_a_b_to_a_c_to_b_d_e_to_c(canonical, label):
    assert to_plan_scale(canonical, KURUME) == label


def test_default_scale_is_identity():
    assert [to_plan_scale(grade, DEFAULT_SCALE) for grade in "ABCDE"] == list("ABCDE")


def test_disagreement_between_computed_and_official():
    assert disagrees(computed_outlook="E", official_label="B", scale=KURUME) is True
    assert disagrees(computed_outlook="C", official_label="B", scale=KURUME) is False
    assert disagrees(computed_outlook="-", official_label="B", scale=KURUME) is False


def test_unknown_direction_is_refused():
    with pytest.raises(ValueError):
        progress_mark(direction="sideways", baseline=1, target=2, actual=1)


# The goal-level numerical targets of the H29 progress report (002): baseline, the year's stated
# target, the actual, and the mark the report prints. The rule must give every printed mark.
H29_TABLE = [
    # name, direction, baseline, year target, actual, printed mark
    ("新規雇用者数 H27", "increase", 16507, 16507, 16639, "○"),
    ("新規雇用者数 H28", "increase", 16507, 16507, 17375, "○"),
    ("新規雇用者数 H29", "increase", 16507, 16507, 17861, "○"),
    ("就職率 H27", "increase", "12", "13.0", "12.9", "△"),
    ("就職率 H28", "increase", "12", "14.0", "11.2", "×"),
    ("就職率 H29", "increase", "12", "15.0", "9.6", "×"),
    ("転出超過数 H27", "decrease", 650, 550, 547, "○"),
    ("転出超過数 H28", "decrease", 650, 550, 467, "○"),
    ("転出超過数 H29", "decrease", 650, 550, 630, "×"),
    ("年間観光客数 H27", "increase", 515, 530, 525, "×"),
    ("年間観光客数 H28", "increase", 515, 600, 537, "×"),
    ("年間観光客数 H29", "increase", 515, 650, None, "-"),
    ("子育てしやすい H27", "increase", "70.8", "72.0", "78.7", "○"),
    ("子育てしやすい H28", "increase", "70.8", "73.0", "78.1", "○"),
    ("子育てしやすい H29", "increase", "70.8", "75.0", "78.0", "○"),
    ("住みたい H27", "increase", "75.4", "76.0", "73.0", "×"),
    ("住みたい H28", "increase", "75.4", "77.0", "76.4", "×"),
    ("住みたい H29", "increase", "75.4", "78.0", "72.2", "×"),
    ("滞在人口（平日） H28", "maintain", 241724, 241724, 240014, "×"),
    ("滞在人口（休日） H28", "maintain", 240408, 240408, 239602, "×"),
]


@pytest.mark.parametrize(
    ("name", "direction", "baseline", "target", "actual", "mark"), H29_TABLE, ids=[r[0] for r in H29_TABLE]
)
def test_h29_report_marks(name, direction, baseline, target, actual, mark):
    def number(value):
        return Decimal(value) if isinstance(value, str) else value

    assert (
        progress_mark(direction=direction, baseline=number(baseline), target=number(target), actual=number(actual))
        == mark
    )
