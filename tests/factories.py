"""factory_boy factories for tests that build small plans of their own, and ``plan_with_kpis(n)``
for tests that need a whole plan of ``n`` KPIs (query counts, bulk writes)."""

import itertools
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

import factory

from plans.models import (
    Actual,
    Department,
    Goal,
    Kpi,
    Municipality,
    OfficialRating,
    Package,
    Plan,
    PolicyDirection,
    PublishedYear,
    RatingLabel,
    YearlyTarget,
)
from plans.services.progress import recompute_plan


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"テスト市{n}")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"企画課{n}")


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    slug = factory.Sequence(lambda n: f"test-plan-{n}")
    title = factory.Sequence(lambda n: f"テスト総合戦略{n}")
    municipality = factory.SubFactory(MunicipalityFactory)
    first_year = 2020
    last_year = 2024


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"基本目標{n}")


class PolicyDirectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyDirection

    goal = factory.SubFactory(GoalFactory)
    plan = factory.SelfAttribute("goal.plan")
    code = factory.Sequence(lambda n: f"{n}(1)")
    title = factory.Sequence(lambda n: f"施策{n}")


class KpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kpi

    policy_direction = factory.SubFactory(PolicyDirectionFactory)
    plan = factory.SelfAttribute("policy_direction.plan")
    level = "direction"
    code = factory.Sequence(lambda n: f"K{n}")
    name = factory.Sequence(lambda n: f"指標{n}")
    unit = "人"
    baseline_year = 2019
    baseline_value = Decimal("100")
    baseline_raw = "100人"
    target_year = 2024
    target_value = Decimal("150")
    target_raw = "150人"


class YearlyTargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = YearlyTarget

    kpi = factory.SubFactory(KpiFactory)
    year = 2021
    value = Decimal("120")
    raw = "120人"


class ActualFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Actual

    kpi = factory.SubFactory(KpiFactory)
    year = 2021
    value = Decimal("120")
    raw = "120人"
    status = "measured"


_plan_numbers = itertools.count(1)


def _never(index: int) -> bool:
    return False


def plan_with_kpis(
    n: int,
    *,
    slug: str | None = None,
    title: str | None = None,
    goals: int = 2,
    directions_per_goal: int = 2,
    years: Iterable[int] = (2020, 2021),
    published: Iterable[int] = (),
    municipality: Municipality | None = None,
    department: str | None = None,
    on_goal: Callable[[int], bool] = _never,
    numerical_targets_on_goals: bool = False,
    names: Sequence[str] = (),
    stated_targets: dict[int, Decimal] | None = None,
    scale: Sequence[tuple[str, str]] = (),
    ratings: Sequence[tuple[str, int, str]] = (),
    package_kpis: int = 0,
    store_progress: bool = True,
) -> Plan:
    """A plan of 2020–2024 with ``n`` KPIs, built with a few bulk statements.

    - ``goals`` goals (基本目標1…), each with ``directions_per_goal`` directions coded
      ``"{goal}({index})"``; KPI ``K{index}`` sits on direction ``index % directions`` or, when
      ``on_goal(index)``, on goal ``index % goals`` (a numerical target (数値目標) with
      ``numerical_targets_on_goals``). Its name is ``names[index]`` or ``指標{index}``.
    - Every KPI: baseline 100人 in 2019, target 150人 in 2024, the ``stated_targets`` (default
      120人 in 2021), a measured actual of ``100 + index % 40 + year - 2019`` in each of ``years``,
      and the printed ``ratings`` (kind, year, label), e.g. ``("outlook", 2021, "B")``.
    - ``package_kpis`` more KPIs (``P{index}``) under one policy package, with the same actuals,
      stated targets and ratings but no baseline or target.
    - ``scale``: the plan's own rating labels, as (label, canonical outlooks) pairs.
    - ``published``: the years open to citizens. ``department``: a department of that name, in
      charge of every KPI. ``municipality``: default a new 「{slug}市」.

    Then the stored progress is written as the services would have (``recompute_plan``), unless
    ``store_progress=False``.
    """
    slug = slug or f"plan-with-kpis-{next(_plan_numbers)}"
    town = municipality or MunicipalityFactory(name=f"{slug}市")
    plan = Plan.objects.create(
        slug=slug, title=title or f"{slug} 総合戦略", municipality=town, first_year=2020, last_year=2024
    )
    RatingLabel.objects.bulk_create(
        RatingLabel(plan=plan, label=label, canonical=canonical, order=order)
        for order, (label, canonical) in enumerate(scale)
    )
    goal_rows = Goal.objects.bulk_create(
        Goal(plan=plan, number=number, title=f"基本目標{number}") for number in range(1, goals + 1)
    )
    directions = PolicyDirection.objects.bulk_create(
        PolicyDirection(plan=plan, goal=goal, code=f"{goal.number}({index})", title="施策", order=index)
        for goal in goal_rows
        for index in range(1, directions_per_goal + 1)
    )
    in_charge = Department.objects.create(municipality=town, name=department) if department else None
    rows = []
    for index in range(n):
        goal_level = on_goal(index)
        rows.append(
            Kpi(
                plan=plan,
                level="goal" if goal_level else "direction",
                goal=goal_rows[index % goals] if goal_level else None,
                policy_direction=None if goal_level else directions[index % len(directions)],
                is_numerical_target=goal_level and numerical_targets_on_goals,
                code=f"K{index}",
                name=names[index] if index < len(names) else f"指標{index}",
                unit="人",
                department=in_charge,
                baseline_year=2019,
                baseline_value=Decimal(100),
                baseline_raw="100人",
                target_year=2024,
                target_value=Decimal(150),
                target_raw="150人",
                order=index,
            )
        )
    if package_kpis:
        package = Package.objects.create(plan=plan, number=1, title="政策パッケージ")
        rows += [
            Kpi(
                plan=plan,
                level="package",
                package=package,
                code=f"P{index}",
                name=f"パッケージ指標{index}",
                unit="人",
                department=in_charge,
                order=1000 + index,
            )
            for index in range(package_kpis)
        ]
    kpis = Kpi.objects.bulk_create(rows)
    Actual.objects.bulk_create(
        Actual(kpi=kpi, year=year, value=value, status="measured", raw=f"{value}人")
        for index, kpi in enumerate(kpis)
        for year in years
        for value in [Decimal(100 + index % 40 + year - 2019)]
    )
    stated = {2021: Decimal(120)} if stated_targets is None else stated_targets
    YearlyTarget.objects.bulk_create(
        YearlyTarget(kpi=kpi, year=year, value=value, raw=f"{value}人")
        for kpi in kpis
        for year, value in stated.items()
    )
    OfficialRating.objects.bulk_create(
        OfficialRating(kpi=kpi, kind=kind, year=year, label=label) for kpi in kpis for kind, year, label in ratings
    )
    PublishedYear.objects.bulk_create(PublishedYear(plan=plan, year=year) for year in published)
    if store_progress:
        recompute_plan(plan.pk)
    return plan
