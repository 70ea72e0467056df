"""Query counts of the service layer's thin wrappers do not grow with the number of KPIs."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.selectors.progress import plan_progress, plan_tallies
from tests.factories import plan_with_kpis

pytestmark = pytest.mark.django_db


def count_queries(function) -> int:
    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


@pytest.mark.parametrize("kpi_count", [2, 40])
def test_plan_progress_uses_a_fixed_number_of_queries(kpi_count, django_assert_num_queries):
    plan = plan_with_kpis(kpi_count)
    # plan, measured years, scale, stored progress, KPIs (with attachments and department), targets,
    # actuals, ratings, target revisions
    with django_assert_num_queries(9):
        progress = plan_progress(plan.pk)
    assert len(progress.kpis) == kpi_count
    assert progress.year == 2021


@pytest.mark.parametrize("kpi_count", [2, 40])
def test_plan_tallies_use_a_fixed_number_of_queries(kpi_count, django_assert_num_queries):
    plan = plan_with_kpis(kpi_count)
    # plan_progress for a given year (8: no measured-years query) + goals, their directions, printed tallies
    with django_assert_num_queries(11):
        tallies = plan_tallies(plan.pk, 2021)
    assert tallies.total.kpi_count == kpi_count
    assert sum(direction.tally.kpi_count for goal in tallies.goals for direction in goal.directions) == kpi_count


def test_query_count_is_the_same_for_50_and_500_kpis():
    small, large = plan_with_kpis(50), plan_with_kpis(500)
    assert count_queries(lambda: plan_tallies(small.pk)) == count_queries(lambda: plan_tallies(large.pk))
