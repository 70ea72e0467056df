"""GET /api/v1/plans/ at national scale: the plans a page at a time (the open-data page's catalogue,
``opendata.catalogue_page``), narrowed to a prefecture and by words, bad parameters answered 404 or
422 as the OpenAPI document says, a bounded number of queries, each page and filter cached under
its own URL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from public import opendata
from tests.public.test_opendata_catalogue import SEARCH_CASES, listed, town_plans
from tests.public.test_scale_queries import build_plan, cost

pytestmark = pytest.mark.django_db

URL = "/api/v1/plans/"


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(opendata, "PLANS_PER_PAGE", 2)


def slugs(body: dict) -> list[str]:
    return [plan["slug"] for plan in body["plans"]]


def test_the_plans_come_a_page_at_a_time(client, small_pages):
    town_plans(5)
    first = client.get(URL, {"prefecture": "47"}).json()
    assert list(first) == ["count", "page", "pages", "per_page", "plans"]
    assert {key: first[key] for key in ("count", "page", "pages", "per_page")} == {
        "count": 5,
        "page": 1,
        "pages": 3,
        "per_page": 2,
    }
    assert slugs(first) == ["catalogue-01", "catalogue-02"]
    second = client.get(URL, {"prefecture": "47", "page": 2}).json()
    assert (second["page"], slugs(second)) == (2, ["catalogue-03", "catalogue-04"])
    last = client.get(URL, {"prefecture": "47", "page": 3}).json()
    assert (last["page"], slugs(last)) == (3, ["catalogue-05"])
    beyond = client.get(URL, {"prefecture": "47", "page": 100_000}).json()  # past the last: the last
    assert beyond == last
    for plan in first["plans"]:
        assert set(plan) == {"slug", "title", "municipality", "first_year", "last_year", "counts"}
    assert first["plans"][0]["municipality"] == "目録町01" and first["plans"][0]["title"] == "目録町第1期総合戦略"


def test_the_pages_together_list_every_plan_once(client, seed, small_pages):
    town_plans(3)
    first = client.get(URL).json()
    listed_plans = [
        slug for number in range(1, first["pages"] + 1) for slug in slugs(client.get(URL, {"page": number}).json())
    ]
    assert len(listed_plans) == first["count"] == opendata.Plan.objects.count()
    assert sorted(listed_plans) == sorted(opendata.Plan.objects.values_list("slug", flat=True))


@pytest.mark.parametrize("params", [{}, {"prefecture": "47", "page": 2}, {"q": "目録町", "page": 3}, {"q": "第2期"}])
def test_the_api_lists_what_the_open_data_page_lists(client, seed, small_pages, params):
    town_plans(5)
    answer = client.get(URL, params).json()
    opendata_page = client.get("/opendata/", params)
    assert slugs(answer) == listed(opendata_page)
    assert answer["plans"] == opendata_page.context["catalogue"]
    page_obj = opendata_page.context["page_obj"]
    assert (answer["count"], answer["page"], answer["pages"]) == (
        page_obj.paginator.count,
        page_obj.number,
        page_obj.paginator.num_pages,
    )


def test_a_page_reads_only_its_own_plans(client, small_pages, monkeypatch):
    town_plans(5)
    counted = []
    plan_counts = opendata.plan_counts
    monkeypatch.setattr(opendata, "plan_counts", lambda ids: counted.append(ids) or plan_counts(ids))
    client.get(URL, {"prefecture": "47", "page": 2})
    (ids,) = counted
    assert sorted(ids) == sorted(
        opendata.Plan.objects.filter(slug__in=["catalogue-03", "catalogue-04"]).values_list("pk", flat=True)
    )


def test_a_prefecture_narrows_the_list(client, seed, small_pages):
    town_plans(3, prefecture="47")
    town_plans(1, prefecture="01", start=10)
    hokkaido = client.get(URL, {"prefecture": "01"}).json()
    assert (hokkaido["count"], hokkaido["pages"], slugs(hokkaido)) == (1, 1, ["catalogue-10"])
    okinawa = client.get(URL, {"prefecture": "47"}).json()
    assert (okinawa["count"], slugs(okinawa)) == (3, ["catalogue-01", "catalogue-02"])
    fukuoka = client.get(URL, {"prefecture": "40"}).json()  # the seed plans
    assert fukuoka["count"] == 6 and slugs(fukuoka) == ["kurume-strategy-1", "kurume-strategy-2"]
    empty = client.get(URL, {"prefecture": "13"}).json()  # a prefecture without plans: an empty page
    assert empty == {"count": 0, "page": 1, "pages": 1, "per_page": 2, "plans": []}


@pytest.mark.parametrize(
    ("query", "expected"),
    [*SEARCH_CASES, ("   ", ["catalogue-01", "catalogue-02", "catalogue-03", "catalogue-04"])],  # no word: every plan
)
def test_the_search_finds_plans_by_title_or_municipality(client, seed, query, expected):
    town_plans(4)
    answer = client.get(URL, {"q": query, "prefecture": "47"}).json()  # not the seed plans (福岡県)
    assert slugs(answer) == expected
    assert answer["count"] == len(expected)


def test_the_search_pages_through_its_matches(client, seed, small_pages):
    town_plans(5)
    answer = client.get(URL, {"q": "目録町", "page": 2}).json()
    assert (answer["count"], answer["pages"], slugs(answer)) == (5, 3, ["catalogue-03", "catalogue-04"])


@pytest.mark.parametrize(
    ("params", "status", "where"),
    [
        ({"page": "0"}, 422, "page"),
        ({"page": "-1"}, 422, "page"),
        ({"page": "abc"}, 422, "page"),
        ({"page": "100001"}, 422, "page"),
        ({"page": "1" * 400}, 422, "page"),
        ({"prefecture": "x"}, 422, "prefecture"),
        ({"prefecture": "4"}, 422, "prefecture"),
        ({"prefecture": "401"}, 422, "prefecture"),
        ({"prefecture": "x" * 10_000}, 422, "prefecture"),
        ({"prefecture": "99"}, 404, None),
        ({"prefecture": "00"}, 404, None),
        ({"q": "目" * (opendata.MAX_CATALOGUE_QUERY_LENGTH + 1)}, 422, "q"),
    ],
)
def test_bad_parameters_get_a_clean_answer(client, small_pages, params, status, where):
    town_plans(3)
    response = client.get(URL, params)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    if status == 404:
        assert body == {"detail": "No such prefecture."}
    else:
        assert [error["loc"] for error in body["detail"]] == [["query", where]]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "目" * opendata.MAX_CATALOGUE_QUERY_LENGTH},
        {"q": "%' OR 1=1 --"},
        {"q": "_%"},
        {"page": "100000"},
        {"prefecture": "47", "page": "2", "q": "目録"},
    ],
)
def test_odd_but_valid_parameters_get_a_page(client, small_pages, params):
    town_plans(3)
    response = client.get(URL, params)
    assert response.status_code == 200
    assert set(response.json()) == {"count", "page", "pages", "per_page", "plans"}


def body(client, url: str, *, cached: bool) -> dict:
    """The answer; ``cached``: served from the shared cache (no query)."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    assert (len(context.captured_queries) == 0) == cached, url
    return response.json()


def test_page_two_and_a_prefecture_are_not_served_page_ones_cached_copy(client, seed, small_pages):
    town_plans(3, prefecture="47")
    town_plans(1, prefecture="01", start=10)
    first = body(client, URL, cached=False)
    assert body(client, URL, cached=True) == first
    expected = {
        f"{URL}?page=2": (2, None),
        f"{URL}?prefecture=01": (1, ["catalogue-10"]),
        f"{URL}?prefecture=47&page=2": (2, ["catalogue-03"]),
        f"{URL}?q=目録町02": (1, ["catalogue-02"]),
        f"{URL}?q=目録町02&page=1": (1, ["catalogue-02"]),
    }
    for url, (number, expected_slugs) in expected.items():
        answer = body(client, url, cached=False)  # not page 1's copy: answered for its own URL
        assert answer != first and answer["page"] == number, url
        if expected_slugs is not None:
            assert slugs(answer) == expected_slugs, url
        assert body(client, url, cached=True) == answer, url  # then kept under its own URL
    assert slugs(body(client, f"{URL}?prefecture=01", cached=True)) == ["catalogue-10"]


def test_errors_are_not_cached(client, small_pages):
    town_plans(1)
    for _ in range(2):
        assert client.get(URL, {"prefecture": "99"}).status_code == 404
        assert client.get(URL, {"page": "0"}).status_code == 422
    assert client.get(URL, {"prefecture": "47"}).status_code == 200


@pytest.mark.parametrize(
    "url", [URL, f"{URL}?page=2", f"{URL}?prefecture=47", f"{URL}?prefecture=47&q=テスト町&page=2", f"{URL}?page=99"]
)
def test_the_same_number_of_queries_whatever_the_number_of_plans(client, small_pages, url):
    for number in (1, 2, 3):
        build_plan(number, 5)
    small_cost = cost(client, url)
    for number in range(4, 12):
        build_plan(number, 20)
    assert cost(client, url) == small_cost
    # the data version, the number of plans, the page's plans, one count of those plans alone
    assert small_cost == (4, 0)  # then served from the cache


def test_the_openapi_document_describes_the_parameters_and_the_answer(client):
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/plans/"]["get"]
    assert operation["summary"] == "Plans with their counts, a page at a time"
    assert "per_page" in operation["description"]
    parameters = {parameter["name"]: parameter for parameter in operation["parameters"]}
    assert set(parameters) == {"page", "prefecture", "q"}
    assert all(parameter["in"] == "query" and not parameter["required"] for parameter in parameters.values())
    assert all(parameter["description"] for parameter in parameters.values())
    page_schema = parameters["page"]["schema"]
    assert (page_schema["type"], page_schema["minimum"], page_schema["maximum"], page_schema["default"]) == (
        "integer",
        1,
        100_000,
        1,
    )
    prefecture_schema = str(parameters["prefecture"]["schema"])
    assert "'pattern': '^[0-9]{2}$'" in prefecture_schema
    assert parameters["q"]["schema"]["maxLength"] == opendata.MAX_CATALOGUE_QUERY_LENGTH
    assert set(operation["responses"]) == {"200", "400", "404", "422"}
    answer = document["components"]["schemas"]["PlanList"]
    assert set(answer["required"]) == {"count", "page", "pages", "per_page", "plans"}
    assert all(answer["properties"][key]["description"] for key in answer["required"])
