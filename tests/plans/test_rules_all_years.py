"""``evaluate_kpi_years`` (a KPI's years in one pass) equals ``evaluate_kpi`` year by year, field for
field; ``evaluate_kpi_views`` (staff and citizens at once) equals it for each view;
``rating.outlooks_as_actuals_accrue`` (the outlook's least squares as running sums) equals
``rating.outlook`` for every count of actuals; ``rating.rate_and_mark`` and ``rating.year_targets``
equal the rate, the mark and each year's target: on random KPIs, on straight series (exact ties,
where the running sums hand over to ``outlook``), on the documents' cases and on every KPI of the
seed plans."""

from dataclasses import replace
from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from plans.models import Plan
from plans.rules import rating
from plans.rules.progress import (
    BASELINE,
    TARGET,
    KpiValues,
    Revision,
    evaluate_kpi,
    evaluate_kpi_views,
    evaluate_kpi_years,
)
from plans.rules.rating import ScaleLabel
from plans.selectors.base import kpis_with_values
from plans.selectors.progress import kpi_values, plan_scale
from tests.kpis import SOCIAL_INCREASE, worked_case

D = Decimal
YEARS = range(2010, 2033)
KURUME = (ScaleLabel("A", ("A", "B")), ScaleLabel("B", ("C",)), ScaleLabel("C", ("D", "E")))

numbers = st.one_of(
    st.decimals(min_value=-(10**6), max_value=10**6, allow_nan=False, allow_infinity=False, places=2),
    st.integers(min_value=-50, max_value=50).map(D),  # small integers: equal values, ties
    st.decimals(min_value=0, max_value=100, allow_nan=False, allow_infinity=False, places=1),
)
years = st.integers(min_value=2012, max_value=2031)
directions = st.sampled_from([rating.INCREASE, rating.DECREASE, rating.MAINTAIN])


@st.composite
def straight_series(draw):
    """A baseline and actuals on one straight line, the target on it or at 0.7 of the way to it:
    the projection lands exactly on a bound of the outlook's grades."""
    baseline_year, step, baseline = draw(years), draw(st.integers(-5, 5)), draw(numbers)
    actual_years = draw(st.lists(years.filter(lambda year: year > baseline_year), unique=True, max_size=8))
    actuals = {year: baseline + step * (year - baseline_year) for year in actual_years}
    target_year = draw(st.integers(baseline_year + 1, 2035))
    share = draw(st.sampled_from([D(1), D("0.7"), D(0), D("1.4")]))
    target = baseline + step * (target_year - baseline_year) * share
    return {
        "baseline_year": baseline_year,
        "baseline": baseline,
        "target_year": target_year,
        "target": target,
        "actuals": actuals,
    }


@st.composite
def random_values(draw):
    """Any baseline, target, stated targets and actuals (with gaps: 集計中 is None)."""
    return {
        "baseline_year": draw(st.one_of(st.none(), years)),
        "baseline": draw(st.one_of(st.none(), numbers)),
        "target_year": draw(st.one_of(st.none(), years)),
        "target": draw(st.one_of(st.none(), numbers)),
        "stated_targets": draw(st.dictionaries(years, st.one_of(st.none(), numbers), max_size=4)),
        "actuals": draw(st.dictionaries(years, st.one_of(st.none(), numbers), max_size=10)),
    }


@st.composite
def kpis(draw):
    values = draw(st.one_of(random_values(), straight_series()))
    kind = draw(st.sampled_from(["plain", "plain", "plain", "total", "revised"]))
    extra = {}
    if kind == "total":
        extra = {"total_years": draw(st.integers(1, 5)), "cumulative": draw(st.booleans())}
    elif kind == "revised":
        extra = {
            "revisions": (
                Revision(
                    draw(st.sampled_from([TARGET, BASELINE])),
                    draw(years),
                    draw(st.one_of(st.none(), numbers)),
                    draw(st.one_of(st.none(), years)),
                ),
            ),
            "target_follows_baseline": draw(st.booleans()),
        }
    return KpiValues(
        id=1,
        code="K1",
        name="KPI",
        direction=draw(directions),
        at_least=draw(st.booleans()),
        official_outlooks=draw(st.dictionaries(years, st.sampled_from(["A", "B", "C", "D", "E", "Z"]), max_size=3)),
        **values,
        **extra,
    )


def assert_equal_year_by_year(kpi: KpiValues, judged_years, scale=rating.DEFAULT_SCALE) -> None:
    judged_years = list(judged_years)
    expected = [evaluate_kpi(kpi, year=year, scale=scale) for year in judged_years]
    assert evaluate_kpi_years(kpi, judged_years, scale) == expected
    # equal Decimals can differ in their digits (80 and 80.0); the stored rows keep them as given
    for got, want in zip(evaluate_kpi_years(kpi, judged_years, scale), expected, strict=True):
        assert (str(got.rate), str(got.year_target.value), str(got.actual)) == (
            str(want.rate),
            str(want.year_target.value),
            str(want.actual),
        )


@settings(max_examples=400, deadline=None)
@given(kpis(), st.sampled_from([rating.DEFAULT_SCALE, KURUME]), st.lists(years, max_size=12))
def test_every_year_in_one_pass_equals_each_year_alone(kpi, scale, some_years):
    assert_equal_year_by_year(kpi, YEARS, scale)
    assert_equal_year_by_year(kpi, some_years, scale)  # any order, repeats, none


def assert_views_equal_each_view_alone(kpi: KpiValues, judged_years, published, scale=rating.DEFAULT_SCALE) -> None:
    judged_years = list(judged_years)
    staff, public = evaluate_kpi_views(kpi, judged_years, scale, published=published)
    assert staff == [evaluate_kpi(kpi, year=year, scale=scale) for year in judged_years]
    public_kpi = replace(kpi, actuals={year: value for year, value in kpi.actuals.items() if year in published})
    # every item carries the KPI as given; the rest is the public KPI's, field for field
    assert [item._replace(kpi=public_kpi) for item in public] == [
        evaluate_kpi(public_kpi, year=year, scale=scale) for year in judged_years
    ]
    assert all(item.kpi is kpi for item in public)
    for got, want in zip(public, evaluate_kpi_years(public_kpi, judged_years, scale), strict=True):
        assert (str(got.rate), str(got.year_target.value), str(got.actual)) == (
            str(want.rate),
            str(want.year_target.value),
            str(want.actual),
        )


@settings(max_examples=400, deadline=None)
@given(kpis(), st.sampled_from([rating.DEFAULT_SCALE, KURUME]), st.sets(years, max_size=12))
def test_both_views_at_once_equal_each_view_alone(kpi, scale, published):
    assert_views_equal_each_view_alone(kpi, YEARS, published, scale)
    # the usual case: every year published but the latest ones (citizens' outlooks a prefix of staff's)
    measured_years = sorted(kpi.actuals)
    for unpublished in range(min(3, len(measured_years)) + 1):
        published_years = set(measured_years[: len(measured_years) - unpublished])
        assert_views_equal_each_view_alone(kpi, YEARS, published_years, scale)


@settings(max_examples=300, deadline=None)
@given(kpis(), st.lists(years, max_size=12))
def test_year_targets_equal_the_target_of_each_year(kpi, some_years):
    arguments = {
        "baseline_year": kpi.baseline_year,
        "baseline": kpi.baseline,
        "target_year": kpi.target_year,
        "target": kpi.target,
        "stated": kpi.stated_targets,
    }
    expected = [rating.year_target(year=year, **arguments) for year in some_years]
    assert rating.year_targets(years=some_years, **arguments) == expected


@settings(max_examples=400, deadline=None)
@given(
    directions,
    st.one_of(random_values(), straight_series()),
    st.booleans(),
)
def test_outlooks_as_actuals_accrue_equal_the_outlook_of_each_count(direction, values, at_least):
    points = sorted((year, value) for year, value in values["actuals"].items() if value is not None)
    arguments = {
        "direction": direction,
        "baseline_year": values["baseline_year"],
        "baseline": values["baseline"],
        "target_year": values["target_year"],
        "target": values["target"],
        "at_least": at_least,
    }
    expected = [rating.outlook(actuals=dict(points[:count]), **arguments) for count in range(len(points) + 1)]
    assert rating.outlooks_as_actuals_accrue(points=points, **arguments) == expected


@settings(max_examples=600, deadline=None)
@given(
    directions,
    st.one_of(st.none(), numbers),
    st.one_of(st.none(), numbers),
    st.one_of(st.none(), numbers),
    st.booleans(),
)
def test_rate_and_mark_equal_the_rate_and_the_mark(direction, baseline, target, actual, at_least):
    values = {"baseline": baseline, "target": target, "actual": actual}
    assert rating.rate_and_mark(direction=direction, at_least=at_least, **values) == (
        rating.achievement_rate(direction=direction, **values),
        rating.progress_mark(direction=direction, at_least=at_least, **values),
    )


@pytest.mark.parametrize(
    ("arguments", "points", "grades"),
    [
        # exactly on the target (110, 120 from 100: 150 in 2025): B, as outlook says, not an E from rounding
        (
            {"baseline_year": 2020, "baseline": D(100), "target_year": 2025, "target": D(150)},
            [(2021, D(110)), (2022, D(120))],
            ["-", "B", "B"],
        ),
        # years 2020, 2021, 2023: the mean year is 2021.333…, which Decimal rounds
        (
            {"baseline_year": 2020, "baseline": D(100), "target_year": 2026, "target": D(160)},
            [(2021, D(110)), (2023, D(130))],
            ["-", "B", "B"],
        ),
        # no baseline: the first actual stands in; one point draws no line
        (
            {"baseline_year": None, "baseline": None, "target_year": 2026, "target": D(160)},
            [(2021, D(110)), (2023, D(100))],
            ["-", "-", "E"],
        ),
        # already met: A
        (
            {"baseline_year": 2020, "baseline": D(100), "target_year": 2026, "target": D(105)},
            [(2021, D(110))],
            ["-", "A"],
        ),
    ],
)
def test_outlooks_as_actuals_accrue_on_worked_series(arguments, points, grades):
    arguments = {"direction": rating.INCREASE, **arguments}
    assert rating.outlooks_as_actuals_accrue(points=points, **arguments) == grades
    assert [rating.outlook(actuals=dict(points[:count]), **arguments) for count in range(len(points) + 1)] == grades


def test_a_value_that_is_not_a_finite_number_gets_outlooks_answer():
    arguments = {"direction": rating.INCREASE, "baseline_year": 2020, "baseline": D(100), "target_year": 2025}
    points = [(2021, D("Infinity"))]
    assert rating.outlooks_as_actuals_accrue(points=points, target=D(150), **arguments) == ["-", "A"]


def test_a_coarser_decimal_context_leaves_every_grade_to_outlook():
    """With fewer than 28 digits outlook's rounding may exceed the tolerance: no exact shortcut."""
    arguments = {
        "direction": rating.INCREASE,
        "baseline_year": 2020,
        "baseline": D(100),
        "target_year": 2026,
        "target": D("160.0001"),
    }
    points = [(2021, D(110)), (2023, D(130))]
    with localcontext() as context:
        context.prec = 4
        expected = [rating.outlook(actuals=dict(points[:count]), **arguments) for count in range(3)]
        assert rating.outlooks_as_actuals_accrue(points=points, **arguments) == expected


@pytest.mark.parametrize(
    "kpi",
    [
        worked_case(),
        worked_case(actuals={2015: D("75.9"), 2016: D("76.4"), 2017: None, 2018: D("78.0")}),
        worked_case(direction=rating.DECREASE, target=D("70.0")),
        worked_case(official_outlooks={2016: "B", 2018: "D"}),
        SOCIAL_INCREASE,
    ],
    ids=["worked", "worked-series", "decreasing", "official", "social-increase-total"],
)
def test_the_documents_cases(kpi):
    assert_equal_year_by_year(kpi, range(2012, 2027))
    assert_equal_year_by_year(kpi, range(2012, 2027), KURUME)
    for published in (set(), set(range(2012, 2017)), set(range(2012, 2027)), {2016, 2018}):
        assert_views_equal_each_view_alone(kpi, range(2012, 2027), published, KURUME)


@pytest.mark.django_db
def test_every_kpi_of_the_seed_plans(seed):
    checked = 0
    for plan in Plan.objects.all():
        scale = plan_scale(plan.pk)
        for public in (False, True):
            for kpi in kpis_with_values(plan.pk, public=public):
                assert_equal_year_by_year(kpi_values(kpi), range(2012, 2032), scale)
                checked += 1
    assert checked > 200
