"""Every public page, download and API response loads in a fixed number of queries, the same for
a small and a large plan (and, for the lists, for one plan and several)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import Plan
from tests.factories import plan_with_kpis

pytestmark = pytest.mark.django_db


def build_plan(slug: str, *, goals: int, kpis: int) -> Plan:
    """A plan with a scale of its own, every third KPI on a goal, a tenth as many package KPIs,
    actuals of 2020–2022 with 2020 and 2021 published, and a printed outlook for each KPI."""
    return plan_with_kpis(
        kpis,
        slug=slug,
        goals=goals,
        years=(2020, 2021, 2022),
        published=(2020, 2021),
        on_goal=lambda index: index % 3 == 0,
        scale=(("A", "AB"), ("B", "C"), ("C", "DE")),
        ratings=(("outlook", 2021, "B"),),
        package_kpis=max(1, kpis // 10),
    )


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
    # Every page first reads its data version (public.caching: the plan's, or the nation's aggregate).
    # Home: the number of plans, the prefectures' municipality and plan counts (2);
    # plans, their partners, each plan's latest year with a measured actual, the stored plan tallies
    # (no KPI and no actual is loaded: the home page reads the stored progress); the data's dates
    # (KPIs per plan, official values per plan-year, publications, reopened years: 4)
    assert queries(client, "/") == 12
    # plan with partners (2), published years (1), plan_progress for the year, loaded once (7: the
    # plan, scale, stored progress, KPIs, targets, actuals, ratings), plan_tallies on it: goals,
    # directions, printed tallies (3); KPIs outside goals (1), their latest stored actuals (1), the
    # packages (1); the data's dates (4)
    assert queries(client, f"/plans/{plan.slug}/") == 22
    # goal with plan, published years, plan_progress for the year (plan, scale, stored progress,
    # KPIs, targets, actuals, ratings), the latest stored actual of each KPI up to the year, the
    # goal's directions, the plan's goals (for the links to the others); the data's dates (4)
    assert queries(client, f"/plans/{plan.slug}/goals/1/") == 18
    # plan, KPI with targets, actuals and ratings, the plan's scale, its stored years with data,
    # the KPIs that continue it; the data's dates (4)
    assert queries(client, f"/plans/{plan.slug}/kpis/K3/") == 14
    # data version (public_cache), the plan (view, then service), scale, KPIs with targets, actuals, ratings,
    # target revisions
    assert queries(client, f"/plans/{plan.slug}/downloads/kpi.csv") == 9
    # data version, the number of plans, the page's plans (opendata.PLANS_PER_PAGE at most), then
    # (cache empty) one query of the page's plans alone with a counting subquery per kind of row
    assert queries(client, "/api/v1/plans/") == 4
    # data version, the number of plans, the page's plans (opendata.PLANS_PER_PAGE at most), then
    # (cache empty) one count of the page's plans alone, the prefectures' plan counts (for the select)
    assert queries(client, "/opendata/") == 5
