"""``selectors.kpi_values_of_plans`` (rows of values, no model instances) builds the same
``KpiValues`` as ``kpi_values`` reading the KPIs ``kpis_with_values`` loads, for staff and for
citizens, in five queries whatever the number of KPIs; ``plan_progress`` reads it."""

import datetime
from decimal import Decimal

import pytest

from plans import selectors
from plans.choices import ActualStatus
from plans.models import Actual, Kpi, OfficialRating, Plan, Project, PublishedYear, TargetRevision
from plans.selectors.progress import kpi_values, kpi_values_of_plans, plan_progress
from plans.services.progress import recompute_plan
from tests.factories import plan_with_kpis


def assert_same_values(plan: Plan, *, public: bool) -> int:
    """Every KPI of ``plan``, both ways, field by field (in the plan's order); the KPIs compared."""
    from_models = [kpi_values(kpi) for kpi in selectors.kpis_with_values(plan.pk, public=public)]
    from_rows = [loaded.values for loaded in kpi_values_of_plans([plan.pk], public=public)]
    assert [values.id for values in from_rows] == [values.id for values in from_models]
    for expected, loaded in zip(from_models, from_rows, strict=True):
        assert loaded == expected, expected.code
        # dict equality ignores order; screens iterate these, so the order counts too
        for name in ("stated_targets", "actuals", "official_outlooks", "actual_details"):
            assert list(getattr(loaded, name)) == list(getattr(expected, name)), (expected.code, name)
    return len(from_rows)


@pytest.mark.django_db
@pytest.mark.parametrize("public", [False, True])
def test_every_kpi_of_the_seed_plans_loads_as_kpi_values_would(seed, public):
    compared = sum(assert_same_values(plan, public=public) for plan in Plan.objects.order_by("pk"))
    assert compared > 100


def plan_with_revisions_packages_and_projects() -> Plan:
    """A factory plan with hidden years, goal, direction, package and project KPIs, target and
    baseline revisions, an official outlook, actual details and a maintain KPI without a target."""
    plan = plan_with_kpis(
        8,
        years=(2020, 2021, 2022),
        published=(2020, 2021),
        on_goal=lambda index: index % 3 == 0,
        package_kpis=2,
        department="企画課",
        ratings=[("outlook", 2021, "B"), ("evaluation", 2021, "A")],
        store_progress=False,
    )
    project = Project.objects.create(plan=plan, code="1-1", title="事業")
    Kpi.objects.create(plan=plan, level="project", project=project, code="J1", name="事業指標", unit="件", order=2000)
    first, second = Kpi.objects.filter(plan=plan, code__in=["K1", "K2"]).order_by("code")
    TargetRevision.objects.bulk_create(
        [
            TargetRevision(
                kpi=first,
                field="target",
                effective_from_year=2022,
                revised_on=datetime.date(2022, 4, 1),
                reason="見直し",
                old_value=Decimal(130),
                old_raw="130人",
                old_year=2023,
                new_value=Decimal(150),
            ),
            TargetRevision(
                kpi=first,
                field="baseline",
                effective_from_year=2021,
                revised_on=datetime.date(2021, 4, 1),
                reason="見直し",
                old_value=Decimal(90),
                old_raw="90人",
                old_year=2018,
                new_value=Decimal(100),
            ),
        ]
    )
    Kpi.objects.filter(pk=second.pk).update(direction="maintain", target_value=None, target_raw="維持")
    Actual.objects.filter(kpi=second, year=2021).update(
        raw="12.50人", value=Decimal("12.5"), is_preliminary=True, note="速報"
    )
    Actual.objects.filter(kpi=second, year=2022).update(status=ActualStatus.PENDING, value=None, raw="集計中")
    return plan


@pytest.mark.django_db
@pytest.mark.parametrize("public", [False, True])
def test_a_factory_plan_with_revisions_packages_and_projects_loads_the_same(db, public):
    plan = plan_with_revisions_packages_and_projects()
    assert assert_same_values(plan, public=public) == 11
    loaded = {item.values.code: item for item in kpi_values_of_plans([plan.pk], public=public)}
    assert len(loaded["K1"].values.revisions) == 2  # the case under test is there
    assert loaded["K1"].values.official_outlooks == {2021: "B"}  # outlooks only
    assert loaded["K2"].values.places == 2 and loaded["K2"].values.target_follows_baseline
    assert loaded["P0"].package_id is not None and loaded["J1"].values.level == "project"
    assert (2022 in loaded["K0"].values.actuals) is not public  # a hidden year stays hidden


@pytest.mark.django_db
def test_without_details_only_what_the_rules_read_is_loaded(db):
    """The bulk recompute's load: the same values without the actuals' details and precision."""
    plan = plan_with_revisions_packages_and_projects()
    full = {item.values.id: item.values for item in kpi_values_of_plans([plan.pk])}
    for item in kpi_values_of_plans([plan.pk], details=False):
        assert item.values.actual_details == {} and item.values.places is None
        assert item.values.actuals == full[item.values.id].actuals
        assert item.values.revisions == full[item.values.id].revisions


@pytest.mark.django_db
def test_published_years_are_each_plans_own(db):
    """Loading two plans at once, citizens see each plan's published years, not the other's."""
    one = plan_with_kpis(2, years=(2020, 2021), published=(2020,), store_progress=False)
    two = plan_with_kpis(2, years=(2020, 2021), published=(2021,), store_progress=False)
    years = {}
    for item in kpi_values_of_plans([one.pk, two.pk], public=True):
        years.setdefault(item.plan_id, set()).update(item.values.actuals)
    assert years == {one.pk: {2020}, two.pk: {2021}}
    assert PublishedYear.objects.filter(plan__in=[one, two]).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("kpis", [5, 60])
def test_the_load_takes_five_queries_whatever_the_kpis(db, kpis, django_assert_num_queries):
    plan = plan_with_kpis(kpis, years=(2020, 2021), ratings=[("outlook", 2021, "B")], store_progress=False)
    with django_assert_num_queries(5):
        assert len(kpi_values_of_plans([plan.pk])) == kpis


@pytest.mark.django_db
def test_plan_progress_carries_the_loaded_values(db):
    plan = plan_with_revisions_packages_and_projects()
    recompute_plan(plan.pk)
    progress = plan_progress(plan.pk, 2021)
    expected = {kpi.pk: kpi_values(kpi) for kpi in selectors.kpis_with_values(plan.pk)}
    assert {item.kpi.id: item.kpi for item in progress.kpis} == expected
    assert OfficialRating.objects.filter(kpi__plan=plan).exists()
