"""The database refuses what the constraints forbid, on SQLite and on PostgreSQL alike."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from plans.models import (
    Actual,
    Department,
    Goal,
    Kpi,
    Municipality,
    OfficialRating,
    Plan,
    PolicyDirection,
    PrintedTally,
    ProjectReview,
    RatingLabel,
    YearlyTarget,
)
from tests.factories import ActualFactory, GoalFactory, KpiFactory, PlanFactory, PolicyDirectionFactory

pytestmark = pytest.mark.django_db


def refuses(create) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_actual_is_unique_per_kpi_and_year():
    actual = ActualFactory()
    refuses(lambda: Actual.objects.create(kpi=actual.kpi, year=actual.year, value=1, status="measured"))


def test_actual_value_present_exactly_when_measured():
    kpi = KpiFactory()
    refuses(lambda: Actual.objects.create(kpi=kpi, year=2021, value=None, status="measured"))
    refuses(lambda: Actual.objects.create(kpi=kpi, year=2022, value=Decimal("1"), status="pending"))
    Actual.objects.create(kpi=kpi, year=2023, value=None, status="pending", raw="集計中")


def test_actual_status_must_be_known():
    kpi = KpiFactory()
    refuses(lambda: Actual.objects.create(kpi=kpi, year=2021, value=None, status="guessed"))


@pytest.mark.parametrize("year", [0, 1700, 9999])
def test_years_must_be_plausible(year):
    kpi = KpiFactory()
    refuses(lambda: Actual.objects.create(kpi=kpi, year=year, value=1, status="measured"))
    refuses(lambda: YearlyTarget.objects.create(kpi=kpi, year=year, value=1))


def test_negative_years_are_refused_by_the_column_type_or_the_check():
    kpi = KpiFactory()
    refuses(lambda: Actual.objects.create(kpi=kpi, year=-1, value=1, status="measured"))


def test_plan_years_in_order():
    municipality = Municipality.objects.create(name="順序市")
    refuses(
        lambda: Plan.objects.create(slug="x", title="x", municipality=municipality, first_year=2025, last_year=2020)
    )


def test_kpi_has_exactly_one_attachment_matching_its_level():
    direction = PolicyDirectionFactory()
    goal = direction.goal
    base = {"plan": goal.plan, "name": "指標", "code": "X"}
    refuses(lambda: Kpi.objects.create(**base, level="goal", goal=goal, policy_direction=direction))
    refuses(lambda: Kpi.objects.create(**base, level="goal"))
    refuses(lambda: Kpi.objects.create(**base, level="plan", goal=goal))
    refuses(lambda: Kpi.objects.create(**base, level="direction", goal=goal))
    Kpi.objects.create(**base, level="goal", goal=goal)


def test_kpi_code_unique_within_plan():
    kpi = KpiFactory()
    refuses(lambda: KpiFactory(code=kpi.code, policy_direction=kpi.policy_direction))


def test_kpi_with_a_predecessor_says_what_kind_of_link():
    earlier = KpiFactory()
    refuses(lambda: KpiFactory(predecessor=earlier, predecessor_link=""))
    KpiFactory(predecessor=earlier, predecessor_link="continued")


def test_goal_number_and_direction_code_unique_within_plan():
    goal = GoalFactory()
    refuses(lambda: Goal.objects.create(plan=goal.plan, number=goal.number, title="重複"))
    direction = PolicyDirectionFactory(goal=goal)
    refuses(lambda: PolicyDirection.objects.create(plan=goal.plan, goal=goal, code=direction.code, title="重複"))


def test_rating_scale_maps_onto_a_to_e_only():
    plan = PlanFactory()
    refuses(lambda: RatingLabel.objects.create(plan=plan, label="A", canonical="AZ"))
    RatingLabel.objects.create(plan=plan, label="A", canonical="AB")
    refuses(lambda: RatingLabel.objects.create(plan=plan, label="A", canonical="C"))


def test_official_rating_unique_per_kind_and_year():
    kpi = KpiFactory()
    OfficialRating.objects.create(kpi=kpi, kind="outlook", year=2017, label="A")
    refuses(lambda: OfficialRating.objects.create(kpi=kpi, kind="outlook", year=2017, label="B"))


def test_printed_tally_scope_matches_its_attachment():
    direction = PolicyDirectionFactory()
    refuses(lambda: PrintedTally.objects.create(plan=direction.plan, scope="direction", year=2017, kpi_count=1))
    PrintedTally.objects.create(
        plan=direction.plan, scope="direction", policy_direction=direction, year=2017, kpi_count=1
    )


def test_project_review_carried_out_raw_needs_a_reading():
    from plans.models import Project

    project = Project.objects.create(plan=PlanFactory(), code="1", title="事業")
    refuses(lambda: ProjectReview.objects.create(project=project, year=2021, carried_out=None, carried_out_raw="○"))


def test_municipality_code_is_six_digits_and_unique():
    Municipality.objects.create(name="千代田区", code="131016")
    refuses(lambda: Municipality.objects.create(name="別の区", code="131016"))
    refuses(lambda: Municipality.objects.create(name="短い市", code="4020"))


def test_department_unique_within_municipality():
    municipality = Municipality.objects.create(name="課の市")
    Department.objects.create(municipality=municipality, name="企画課")
    refuses(lambda: Department.objects.create(municipality=municipality, name="企画課"))
