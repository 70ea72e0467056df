"""The open-data page at national scale: the plans a page at a time, narrowed to a prefecture and by
words, bad parameters answered cleanly, a bounded number of queries, each page and filter cached
under its own URL."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.rules.municipalities import full_code
from public import opendata
from tests.factories import MunicipalityFactory, PlanFactory
from tests.public.test_scale_queries import build_plan, cost

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(opendata, "PLANS_PER_PAGE", 2)


def town_plans(count: int, *, prefecture: str = "47", start: int = 1) -> list:
    """``count`` plans without KPIs, one town each (町01…), in ``prefecture``, in code order."""
    plans = []
    for number in range(start, start + count):
        town = MunicipalityFactory(
            name=f"目録町{number:02d}",
            code=full_code(f"{prefecture}{number + 700:03d}"),
            prefecture_code=prefecture,
            name_kana=f"もくろくちょう{number:02d}",
        )
        plans.append(
            PlanFactory(slug=f"catalogue-{number:02d}", title=f"目録町第{number}期総合戦略", municipality=town)
        )
    return plans


def listed(response) -> list[str]:
    return [item["slug"] for item in response.context["catalogue"]]


def test_the_top_part_stays_and_the_plans_come_a_page_at_a_time(client, small_pages):
    town_plans(5)
    first = client.get("/opendata/", {"prefecture": "47"})
    html = first.content.decode()
    assert "CC BY 4.0" in html and "/api/v1/plans/" in html and "/api/v1/openapi.json" in html
    assert listed(first) == ["catalogue-01", "catalogue-02"]
    assert "5件中 1〜2件目" in html
    assert 'href="?prefecture=47&amp;page=2" rel="next">次へ</a>' in html
    assert "前へ" not in html
    second = client.get("/opendata/", {"prefecture": "47", "page": 2})
    assert listed(second) == ["catalogue-03", "catalogue-04"]
    text = second.content.decode()
    assert "5件中 3〜4件目" in text
    assert 'href="?prefecture=47&amp;page=1" rel="prev">前へ</a>' in text
    last = client.get("/opendata/", {"prefecture": "47", "page": 3})
    assert listed(last) == ["catalogue-05"] and "5件中 5〜5件目" in last.content.decode()


def test_a_page_reads_only_its_own_plans(client, small_pages, monkeypatch):
    town_plans(5)
    counted = []
    plan_counts = opendata.plan_counts
    monkeypatch.setattr(opendata, "plan_counts", lambda ids: counted.append(ids) or plan_counts(ids))
    client.get("/opendata/", {"prefecture": "47", "page": 2})
    (ids,) = counted
    assert sorted(ids) == sorted(
        plan.pk for plan in opendata.Plan.objects.filter(slug__in=["catalogue-03", "catalogue-04"])
    )
    counted.clear()  # another URL, the same plans: their counts are kept under the plans' versions
    client.get("/opendata/", {"prefecture": "47", "page": 2, "q": "目録"})
    assert counted == []


def test_a_prefecture_narrows_the_list_and_the_select_names_the_prefectures(client, small_pages):
    town_plans(3, prefecture="47")
    town_plans(1, prefecture="01", start=10)
    response = client.get("/opendata/", {"prefecture": "01"})
    assert listed(response) == ["catalogue-10"]
    html = response.content.decode()
    assert '<option value="01" selected>北海道（1件）</option>' in html
    assert '<option value="47">沖縄県（3件）</option>' in html
    select = html[
        html.index('<select id="catalogue-prefecture"') : html.index("</select>", html.index("catalogue-prefecture"))
    ]
    assert select.count("<option ") == 48  # every prefecture and 「すべての都道府県」
    assert "条件を外してすべての計画を表示" in html
    assert len(listed(client.get("/opendata/", {"prefecture": "47"}))) == 2


# Words typed and the plans of town_plans(4) they find (the page and GET /api/v1/plans/ alike).
SEARCH_CASES = [
    ("第3期", ["catalogue-03"]),  # the title
    ("第３期", ["catalogue-03"]),  # full-width digits typed
    ("目録町02", ["catalogue-02"]),  # the municipality's name
    ("ﾓｸﾛｸﾁｮｳ04", ["catalogue-04"]),  # its kana, half-width katakana typed
    ("目録町　第1期", ["catalogue-01"]),  # every word, split at a full-width space
    ("どこにもない", []),
]


@pytest.mark.parametrize(("query", "slugs"), SEARCH_CASES)
def test_the_search_finds_plans_by_title_or_municipality(client, seed, query, slugs):
    town_plans(4)
    response = client.get("/opendata/", {"q": query, "prefecture": "47"})  # not the seed plans (福岡県)
    assert response.status_code == 200
    assert listed(response) == slugs
    if not slugs:
        assert "条件に当てはまる計画はありません。" in response.content.decode()


def test_the_search_and_the_prefecture_are_kept_across_pages(client, seed, small_pages):
    town_plans(5)
    html = client.get("/opendata/", {"prefecture": "47", "q": "目録町"}).content.decode()
    assert 'href="?prefecture=47&amp;q=%E7%9B%AE%E9%8C%B2%E7%94%BA&amp;page=2"' in html
    assert 'value="目録町"' in html


@pytest.mark.parametrize(
    ("params", "status", "page_number"),
    [
        ({"page": "abc"}, 200, 1),
        ({"page": "99999"}, 200, 3),  # the last page
        ({"page": "-1"}, 200, 3),
        ({"page": "1" * 400}, 200, 3),
        ({"prefecture": "99"}, 404, None),
        ({"prefecture": "4"}, 404, None),
        ({"prefecture": "x" * 10_000}, 404, None),
        ({"q": "目" * 10_000}, 200, 1),
        ({"q": "%' OR 1=1 --"}, 200, 1),
        ({"q": "   "}, 200, 1),
    ],
)
def test_bad_parameters_get_a_clean_answer(client, small_pages, params, status, page_number):
    town_plans(5)
    response = client.get("/opendata/", {"prefecture": "47", **params})
    assert response.status_code == status
    if page_number is not None:
        assert response.context["page_obj"].number == page_number
        assert response.context["query"] == params.get("q", "")[: opendata.MAX_CATALOGUE_QUERY_LENGTH].strip()


def body(client, url: str, *, cached: bool) -> str:
    """The page without the visitor's CSRF token; ``cached``: served from the shared cache (no query)."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    assert (len(context.captured_queries) == 0) == cached, url
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def test_page_two_and_a_prefecture_are_not_served_page_ones_cached_copy(client, seed, small_pages):
    town_plans(3, prefecture="47")
    town_plans(1, prefecture="01", start=10)
    first = body(client, "/opendata/", cached=False)
    assert body(client, "/opendata/", cached=True) == first
    pages = {
        "/opendata/?page=2": ["3〜4件目"],
        "/opendata/?prefecture=01": ["1件中 1〜1件目", "/plans/catalogue-10/"],
        "/opendata/?prefecture=47&page=2": ["3件中 3〜3件目", "/plans/catalogue-03/"],
        "/opendata/?q=目録町02": ["1件中 1〜1件目", "/plans/catalogue-02/"],
    }
    for url, texts in pages.items():
        rendered = body(client, url, cached=False)  # not page 1's copy: rendered for its own URL
        assert rendered != first and all(text in rendered for text in texts), url
        assert body(client, url, cached=True) == rendered, url  # then kept under its own URL
    html = body(client, "/opendata/?prefecture=01", cached=True)
    assert re.findall(r'href="/plans/([^/"]+)/downloads/"', html) == ["catalogue-10"]


@pytest.mark.parametrize("url", ["/opendata/", "/opendata/?prefecture=47&page=2", "/opendata/?q=テスト町&page=2"])
def test_the_same_number_of_queries_whatever_the_number_of_plans(client, small_pages, url):
    for number in (1, 2, 3):
        build_plan(number, 5)
    small_cost = cost(client, url)
    for number in range(4, 12):
        build_plan(number, 20)
    assert cost(client, url) == small_cost
    assert small_cost[1] == 0  # served from the cache
