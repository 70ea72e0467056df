"""Every public page, download and API response loads in a fixed number of queries, the same for
a small and a large plan (and, for the lists, for one plan and several)."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import (
    Actual,
    Goal,
    Kpi,
    OfficialRating,
    Package,
    Plan,
    PolicyDirection,
    PublishedYear,
    RatingLabel,
    YearlyTarget,
)
from tests.factories import MunicipalityFactory

pytestmark = pytest.mark.django_db


def build_plan(slug: str, *, goals: int, kpis: int) -> Plan:
    town = MunicipalityFactory(name=f"{slug}市")
    plan = Plan.objects.create(slug=slug, title=f"{slug} 総合戦略", municipality=town, first_year=2020, last_year=2024)
    RatingLabel.objects.bulk_create(
        RatingLabel(plan=plan, label=label, canonical=canonical, order=index)
        for index, (label, canonical) in enumerate((("A", "AB"), ("B", "C"), ("C", "DE")))
    )
    goal_rows = [
        Goal.objects.create(plan=plan, number=number, title=f"基本目標{number}") for number in range(1, goals + 1)
    ]
    directions = [
        PolicyDirection.objects.create(plan=plan, goal=goal, code=f"{goal.number}({index})", title="施策", order=index)
        for goal in goal_rows
        for index in (1, 2)
    ]
    rows = []
    for index in range(kpis):
        on_goal = index % 3 == 0
        rows.append(
            Kpi(
                plan=plan,
                level="goal" if on_goal else "direction",
                goal=goal_rows[index % goals] if on_goal else None,
                policy_direction=None if on_goal else directions[index % len(directions)],
                code=f"K{index}",
                name=f"指標{index}",
                unit="人",
                baseline_year=2019,
                baseline_value=Decimal(100),
                baseline_raw="100人",
                target_year=2024,
                target_value=Decimal(150),
                target_raw="150人",
                order=index,
            )
        )
    package = Package.objects.create(plan=plan, number=1, title="政策パッケージ")
    rows += [
        Kpi(
            plan=plan,
            level="package",
            package=package,
            code=f"P{index}",
            name=f"パッケージ指標{index}",
            order=1000 + index,
        )
        for index in range(max(1, kpis // 10))
    ]
    rows = Kpi.objects.bulk_create(rows)
    Actual.objects.bulk_create(
        Actual(kpi=kpi, year=year, value=Decimal(100 + index + year - 2019), status="measured", raw=f"{100 + index}人")
        for index, kpi in enumerate(rows)
        for year in (2020, 2021, 2022)
    )
    YearlyTarget.objects.bulk_create(YearlyTarget(kpi=kpi, year=2021, value=Decimal(120), raw="120人") for kpi in rows)
    OfficialRating.objects.bulk_create(OfficialRating(kpi=kpi, kind="outlook", year=2021, label="B") for kpi in rows)
    PublishedYear.objects.bulk_create(PublishedYear(plan=plan, year=year) for year in (2020, 2021))
    return plan


def queries(client, url: str) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


URLS = [
    "/plans/{slug}/",
    "/plans/{slug}/goals/1/",
    "/plans/{slug}/kpis/K3/",
    "/plans/{slug}/downloads/",
    "/plans/{slug}/downloads/kpi.csv",
    "/plans/{slug}/downloads/plan.json",
    "/plans/{slug}/downloads/plan.xlsx",
    "/api/v1/plans/{slug}/",
]


@pytest.mark.parametrize("url", URLS)
def test_plan_pages_cost_the_same_number_of_queries_for_a_small_and_a_large_plan(client, url):
    small = build_plan("small", goals=2, kpis=4)
    large = build_plan("large", goals=6, kpis=120)
    assert queries(client, url.format(slug=small.slug)) == queries(client, url.format(slug=large.slug))


@pytest.mark.parametrize(
    "url", ["/", "/opendata/", "/api/v1/plans/", "/search/?q=指標", "/api/v1/kpis/?q=指標", "/legend/", "/sitemap.xml"]
)
def test_lists_cost_the_same_number_of_queries_for_one_plan_and_for_several(client, url):
    build_plan("first", goals=2, kpis=4)
    one = queries(client, url)
    for slug in ("second", "third", "fourth"):
        build_plan(slug, goals=5, kpis=60)
    assert queries(client, url) == one


def test_what_each_page_costs(client):
    plan = build_plan("measured", goals=3, kpis=30)
    # plans, their partners, each plan's latest year with a measured actual, the stored plan tallies
    # (no KPI and no actual is loaded: the home page reads the stored progress)
    assert queries(client, "/") == 4
    # plan with partners (2), published years (1), plan_progress for the year, loaded once (7: the
    # plan, scale, stored progress, KPIs, targets, actuals, ratings), plan_tallies on it: goals,
    # directions, printed tallies (3); KPIs outside goals (1), their latest stored actuals (1), the
    # packages (1)
    assert queries(client, f"/plans/{plan.slug}/") == 16
    # goal with plan, published years, plan_progress for the year (plan, scale, stored progress,
    # KPIs, targets, actuals, ratings), the latest stored actual of each KPI up to the year, the
    # goal's directions, the plan's goals (for the links to the others)
    assert queries(client, f"/plans/{plan.slug}/goals/1/") == 12
    # plan, KPI with targets, actuals and ratings, the plan's scale, its stored years with data,
    # the KPIs that continue it
    assert queries(client, f"/plans/{plan.slug}/kpis/K3/") == 8
    # data version (public_cache), the plan (view, then service), scale, KPIs with targets, actuals, ratings
    assert queries(client, f"/plans/{plan.slug}/downloads/kpi.csv") == 8
    # data version, then one query with a counting subquery per kind of row
    assert queries(client, "/api/v1/plans/") == 2
