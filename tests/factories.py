"""factory_boy factories for tests that build small plans of their own."""

from decimal import Decimal

import factory

from plans.models import Actual, Department, Goal, Kpi, Municipality, Plan, PolicyDirection, YearlyTarget


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
