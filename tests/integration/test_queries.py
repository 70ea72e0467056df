"""Query counts of the service layer's thin wrappers do not grow with the number of KPIs."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import Actual, Kpi, PolicyDirection, YearlyTarget
from plans.services.progress import plan_progress, plan_tallies
from tests.factories import GoalFactory, PlanFactory

pytestmark = pytest.mark.django_db


def build_plan(kpi_count: int):
    plan = PlanFactory()
    goals = [GoalFactory(plan=plan, number=number) for number in (1, 2)]
    directions = [
        PolicyDirection.objects.create(plan=plan, goal=goal, code=f"{goal.number}({index})", title="施策", order=index)
        for goal in goals
        for index in (1, 2)
    ]
    kpis = Kpi.objects.bulk_create(
        Kpi(
            plan=plan,
            level="direction",
            policy_direction=directions[index % len(directions)],
            code=f"K{index}",
            name=f"指標{index}",
            baseline_year=2019,
            baseline_value=Decimal(100),
            target_year=2024,
            target_value=Decimal(150),
            order=index,
        )
        for index in range(kpi_count)
    )
    Actual.objects.bulk_create(
        Actual(kpi=kpi, year=year, value=Decimal(100 + index + year - 2019), status="measured", raw="x")
        for index, kpi in enumerate(kpis)
        for year in (2020, 2021)
    )
    YearlyTarget.objects.bulk_create(YearlyTarget(kpi=kpi, year=2021, value=Decimal(120)) for kpi in kpis)
    return plan


def count_queries(function) -> int:
    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


@pytest.mark.parametrize("kpi_count", [2, 40])
def test_plan_progress_uses_a_fixed_number_of_queries(kpi_count, django_assert_num_queries):
    plan = build_plan(kpi_count)
    # plan, measured years, scale, stored progress, KPIs (with attachments and department), targets,
    # actuals, ratings
    with django_assert_num_queries(8):
        progress = plan_progress(plan.pk)
    assert len(progress.kpis) == kpi_count
    assert progress.year == 2021


@pytest.mark.parametrize("kpi_count", [2, 40])
def test_plan_tallies_use_a_fixed_number_of_queries(kpi_count, django_assert_num_queries):
    plan = build_plan(kpi_count)
    # plan_progress for a given year (7: no measured-years query) + goals, their directions, printed tallies
    with django_assert_num_queries(10):
        tallies = plan_tallies(plan.pk, 2021)
    assert tallies.total.kpi_count == kpi_count
    assert sum(direction.tally.kpi_count for goal in tallies.goals for direction in goal.directions) == kpi_count


def test_query_count_is_the_same_for_50_and_500_kpis():
    small, large = build_plan(50), build_plan(500)
    assert count_queries(lambda: plan_tallies(small.pk)) == count_queries(lambda: plan_tallies(large.pk))
