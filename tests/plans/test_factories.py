"""``plan_with_kpis(n)`` builds the plan it describes, with its progress stored as the services write it."""

import pytest

from plans.models import Actual, KpiYearProgress, OfficialRating, ProgressTally, PublishedYear, YearlyTarget
from tests.factories import plan_with_kpis
from tests.plans.test_stored_progress import assert_current

pytestmark = pytest.mark.django_db


def test_plan_with_kpis_builds_goals_directions_and_kpis_with_their_values():
    plan = plan_with_kpis(
        7,
        goals=3,
        directions_per_goal=2,
        years=(2020, 2021, 2022),
        published=(2020,),
        department="企画課",
        on_goal=lambda index: index == 0,
        names=("観光入込客数",),
        ratings=(("outlook", 2021, "B"),),
        package_kpis=2,
    )
    assert plan.goals.count() == 3
    assert plan.directions.count() == 6
    kpis = list(plan.kpis.order_by("order"))
    assert [kpi.level for kpi in kpis] == ["goal"] + ["direction"] * 6 + ["package"] * 2
    assert kpis[0].name == "観光入込客数"
    assert {kpi.department.name for kpi in kpis} == {"企画課"}
    assert Actual.objects.filter(kpi__plan=plan).count() == 9 * 3
    assert YearlyTarget.objects.filter(kpi__plan=plan, year=2021).count() == 9
    assert OfficialRating.objects.filter(kpi__plan=plan).count() == 9
    assert list(PublishedYear.objects.filter(plan=plan).values_list("year", flat=True)) == [2020]


def test_plan_with_kpis_stores_the_progress_the_services_would_have():
    plan = plan_with_kpis(12, published=(2020,), on_goal=lambda index: index % 3 == 0)
    assert KpiYearProgress.objects.filter(plan=plan).exists()
    assert_current(plan)


def test_plan_with_kpis_can_leave_the_progress_unstored():
    plan = plan_with_kpis(3, store_progress=False)
    assert not KpiYearProgress.objects.filter(plan=plan).exists()
    assert not ProgressTally.objects.filter(plan=plan).exists()
