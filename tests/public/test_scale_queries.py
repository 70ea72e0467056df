"""Every public page, the API and the downloads cost the same number of queries for a small nation
(2 plans of 10 KPIs) and a larger one (6 plans, the page's own plan of 40 KPIs), rendered and
served from the cache; a cached response costs no query at all (public.fastpath: the page and
its data version are both read from the cache)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import Kpi, Plan
from plans.rules.municipalities import full_code
from plans.services.versions import fill_search_text
from tests.factories import MunicipalityFactory, plan_with_kpis

pytestmark = pytest.mark.django_db

URLS = [
    "/",
    "/?municipality=テスト",
    "/prefectures/47/",
    "/municipalities/{town}/",
    "/plans/{slug}/",
    "/plans/{slug}/goals/1/",
    "/plans/{slug}/kpis/K3/",
    "/plans/{slug}/downloads/",
    "/plans/{slug}/downloads/kpi.csv",
    "/plans/{slug}/downloads/plan.json",
    "/plans/{slug}/downloads/plan.xlsx",
    "/search/?q=指標",
    "/search/?q=指標&page=2",
    "/legend/",
    "/opendata/",
    "/opendata/?page=2",
    "/opendata/?prefecture=47",
    "/opendata/?prefecture=47&q=テスト町&page=2",
    "/api/v1/plans/",
    "/api/v1/plans/?page=2",
    "/api/v1/plans/?prefecture=47&q=テスト町&page=2",
    "/api/v1/plans/{slug}/",
    "/api/v1/kpis/?q=指標",
]


def build_plan(number: int, kpis: int) -> Plan:
    """A plan of ``kpis`` KPIs in a town of 沖縄県 of its own (the seed plans' are in 福岡県), 2020
    and 2021 published."""
    town = MunicipalityFactory(
        name=f"テスト町{number}", code=full_code(f"47{number + 600:03d}"), prefecture_code="47", name_kana="てすと"
    )
    plan = plan_with_kpis(
        kpis,
        slug=f"scale-{number}",
        goals=3,
        years=(2020, 2021, 2022),
        published=(2020, 2021),
        municipality=town,
        on_goal=lambda index: index % 3 == 0,
        package_kpis=max(1, kpis // 10),
    )
    fill_search_text(Kpi.objects.filter(plan=plan))
    return plan


def cost(client, url: str) -> tuple[int, int]:
    """The queries of ``url`` rendered (empty cache), then served from the cache."""
    cache.clear()
    with CaptureQueriesContext(connection) as rendered:
        first = client.get(url)
    with CaptureQueriesContext(connection) as cached:
        again = client.get(url)
    assert first.status_code == again.status_code == 200, url
    assert again.content == first.content or b"csrfmiddlewaretoken" in first.content, url
    return len(rendered.captured_queries), len(cached.captured_queries)


def fill(url: str, plan: Plan) -> str:
    return url.format(slug=plan.slug, town=plan.municipality.code)


@pytest.mark.parametrize("url", URLS)
def test_the_same_number_of_queries_for_a_small_and_a_larger_nation(client, url):
    small = build_plan(1, 10)
    build_plan(2, 10)
    small_cost = cost(client, fill(url, small))
    for number in (3, 4, 5):
        build_plan(number, 40)
    large = build_plan(6, 40)
    assert Kpi.objects.filter(plan=large).count() > 3 * Kpi.objects.filter(plan=small).count()
    assert cost(client, fill(url, large)) == small_cost


@pytest.mark.parametrize("url", URLS)
def test_a_cached_response_costs_no_query(client, url):
    plan = build_plan(1, 10)
    _rendered, cached = cost(client, fill(url, plan))
    assert cached == 0


def test_the_home_page_lists_prefectures_and_finds_municipalities(client):
    plan = build_plan(1, 10)
    html = client.get("/").content.decode()
    assert '<a href="/prefectures/47/">沖縄県</a>' in html
    assert "1市区町村・計画1件" in html
    assert html.count("<li>") >= 47
    found = client.get("/", {"municipality": "テスト町"}).content.decode()
    assert f'<a href="/municipalities/{plan.municipality.code}/">テスト町1</a>' in found
    # names repeat across prefectures (府中市 in 東京都 and 広島県): each match says its prefecture
    assert '<span class="prefecture">沖縄県</span> <a href="/municipalities/' in found
    by_kana = client.get("/", {"municipality": "テスト"}).content.decode()  # katakana typed, kana stored in hiragana
    assert "テスト町1" in by_kana


def test_a_prefecture_page_lists_its_municipalities_a_page_at_a_time(client):
    for number in range(1, 53):
        MunicipalityFactory(name=f"町{number:02d}", code=full_code(f"47{number + 100:03d}"), prefecture_code="47")
    first = client.get("/prefectures/47/")
    assert first.status_code == 200
    assert len(first.context["municipalities"]) == 50
    assert "52市区町村（1〜50件目）" in first.content.decode()
    second = client.get("/prefectures/47/", {"page": 2}).content.decode()
    assert "町51" in second and "町52" in second and "町01" not in second
    assert client.get("/prefectures/99/").status_code == 404


def test_a_municipality_page_shows_its_plans_with_their_stored_tally(client):
    plan = build_plan(1, 10)
    response = client.get(f"/municipalities/{plan.municipality.code}/")
    html = response.content.decode()
    assert plan.title in html
    (health,) = response.context["led"]
    assert health.year == 2021 and health.tally.kpi_count == 11  # 10 KPIs and one of a package
    assert client.get("/municipalities/000000/").status_code == 404
